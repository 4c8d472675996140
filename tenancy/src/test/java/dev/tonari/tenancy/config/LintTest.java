package dev.tonari.tenancy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int lint(Path... paths) {
    return new Lint(new TenantConfigLoader()).run(List.of(paths), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void validExamplesExitZero() {
    assertThat(lint(Path.of("..", "docs", "examples", "tenants.yaml"), Path.of("..", "docs", "examples", "tenants.d")))
        .as("the two examples both set defaults, so together they conflict")
        .isEqualTo(Lint.EXIT_INVALID);
    out.reset();
    err.reset();
    assertThat(lint(Path.of("..", "docs", "examples", "tenants.d"))).isEqualTo(Lint.EXIT_VALID);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("ok: 1 path, 2 declared tenants\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void everyProblemIsOneCompilerStyleLineAndTheExitCodeIsNonZero(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("teams.yaml");
    Files.writeString(file, """
        tenants:
          team-a:
            limits:
              ingestion_rate_md: 4
              max_line_size: huge
        routing: {label: namespace, map: {ns-b: team-b}}
        """);
    assertThat(lint(file)).isEqualTo(Lint.EXIT_INVALID);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
        file + ":4:7: error: unknown key 'ingestion_rate_md' in tenants.team-a.limits; did you mean 'ingestion_rate_mb'?\n"
            + file + ":5:22: error: tenants.team-a.limits.max_line_size: invalid size \"huge\": expected a number of bytes with an optional unit such as 256KB, 1MB or 1MiB\n"
            + file + ":6:41: error: routing.map.ns-b: routes to tenant 'team-b', which is not declared under tenants (declared: team-a)\n"
            + "3 errors\n");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void noArgumentsIsAUsageError() {
    assertThat(lint()).isEqualTo(Lint.EXIT_USAGE);
  }
}
