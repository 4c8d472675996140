package dev.tonari.rules.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rule lint over files and a rules directory, with its output and exit codes. */
class RuleLintTest {
  @TempDir Path directory;

  private record Result(int exit, String out, String err) {}

  private static Result run(List<Path> paths) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new RuleLint().run(paths, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void validFilesPass() throws Exception {
    Path file = Files.writeString(directory.resolve("api.yaml"), LokiExamples.ALERTING_FILE);
    Result result = run(List.of(file));
    assertThat(result.exit()).isEqualTo(RuleLint.EXIT_VALID);
    assertThat(result.out()).isEqualTo("ok: 1 rule file\n");
  }

  /** Templates are checked with the ruler's own dialect: Prometheus' functions exist, a misspelt one does not. */
  @Test
  void templatesAreCheckedWithPrometheusFunctions() throws Exception {
    String rule = """
        groups:
          - name: g
            rules:
              - alert: A
                expr: sum(count_over_time({app="api"}[5m])) > 1
                annotations:
                  summary: "{{ $labels.app }}: {{ $value | %s }} lines"
        """;
    Path good = Files.writeString(directory.resolve("good.yaml"), rule.formatted("humanize"));
    assertThat(run(List.of(good)).exit()).isEqualTo(RuleLint.EXIT_VALID);
    Path bad = Files.writeString(directory.resolve("bad.yaml"), rule.formatted("humanise"));
    Result result = run(List.of(bad));
    assertThat(result.exit()).isEqualTo(RuleLint.EXIT_INVALID);
    assertThat(result.out() + result.err()).contains("bad.yaml:7:").contains("function \"humanise\" not defined");
  }

  @Test
  void problemsArePrintedAsFileLineColumn() throws Exception {
    Path file = Files.writeString(directory.resolve("api.yaml"), LokiExamples.ALERTING_FILE.replaceFirst("for: 10m", "fore: 10m"));
    Path slo = Files.writeString(directory.resolve("slo.yaml"), "groups:\n  - name: g\n    rules: []\n");
    Result result = run(List.of(file, slo));
    assertThat(result.exit()).isEqualTo(RuleLint.EXIT_INVALID);
    assertThat(result.err()).isEqualTo(file + ":10:9: error: unknown key 'fore' in group 'should_fire', rules[0]; did you mean 'for'?\n"
        + slo + ":1:1: error: namespace 'slo' is reserved for the rules generated from SLOs\n2 errors\n");
  }

  @Test
  void aRulesDirectoryIsReadWithItsTenants() throws Exception {
    Files.createDirectories(directory.resolve("team-a"));
    Files.writeString(directory.resolve("team-a").resolve("ok.yaml"), LokiExamples.ALERTING_FILE);
    Path broken = Files.writeString(directory.resolve("team-a").resolve("broken.yml"), "groups:\n  - name: g\n    rules:\n      - record: x\n");
    Files.writeString(directory.resolve("team-a").resolve("tenants.yaml"), "tenants: {}\n");
    Result result = run(List.of(directory));
    assertThat(result.exit()).isEqualTo(RuleLint.EXIT_INVALID);
    assertThat(result.err()).isEqualTo(broken + ":4:9: error: group 'g', rule 'x': field 'expr' must be set in rule\n1 error\n");
    assertThat(run(List.of()).exit()).isEqualTo(RuleLint.EXIT_USAGE);
  }
}
