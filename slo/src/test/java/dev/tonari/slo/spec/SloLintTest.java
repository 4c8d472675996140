package dev.tonari.slo.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.slo.model.SloSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloLintTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int lint(Path... paths) {
    return new SloLint().run(List.of(paths), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void validFilesExitZeroAndRefsResolveAcrossTheFilesGiven() throws Exception {
    Path refs = Files.writeString(dir.resolve("refs.yaml"), SpecFiles.read("openslo-indicator-ref.yaml"));
    Path alerting = Files.writeString(dir.resolve("alerting.yaml"), SpecFiles.read("openslo-alerting.yaml"));

    assertThat(lint(refs, alerting)).isEqualTo(SloLint.EXIT_VALID);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("ok: 2 paths, 2 SLOs\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void problemsArePrintedAsFileLineColumnAndExitOne() throws Exception {
    Path refs = Files.writeString(dir.resolve("refs.yaml"), SpecFiles.read("openslo-indicator-ref.yaml"));

    assertThat(lint(refs)).isEqualTo(SloLint.EXIT_INVALID);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(refs + ":66:23: error: spec.alertPolicies[0].alertPolicyRef: unknown AlertPolicy "
        + "'search-burn'; no AlertPolicy is defined in the files parsed together\n1 error\n");
  }

  @Test
  void noPathsIsAUsageError() {
    assertThat(lint()).isEqualTo(SloLint.EXIT_USAGE);
  }

  @Test
  void sloFilesAreToldFromTenantsFiles() {
    assertThat(SloLint.looksLikeSloFile(SpecFiles.read("sloth-getting-started.yml"))).isTrue();
    assertThat(SloLint.looksLikeSloFile(SpecFiles.read("openslo-alerting.yaml"))).isTrue();
    assertThat(SloLint.looksLikeSloFile("apiVersion: 'openslo/v1'\nkind: SLO\n")).isTrue();
    assertThat(SloLint.looksLikeSloFile("tenants:\n  team-a:\ndefaults:\n  limits: {max_line_size: 256KB}\n")).isFalse();
    assertThat(SloLint.looksLikeSloFile("# version: prometheus/v1 in a comment\nversions: prometheus/v1\n")).isFalse();
  }

  @Test
  void directoryLoadsPerTenantAndRejectsBadTenantNames() throws Exception {
    Files.createDirectories(dir.resolve("team-a"));
    Files.writeString(dir.resolve("team-a/api.yaml"), SpecFiles.read("sloth-logql.yml"));
    Files.createDirectories(dir.resolve("team-b"));
    Files.writeString(dir.resolve("team-b/refs.yml"), SpecFiles.read("openslo-indicator-ref.yaml"));
    Files.writeString(dir.resolve("team-b/alerting.yaml"), SpecFiles.read("openslo-alerting.yaml"));
    Files.writeString(dir.resolve("team-b/notes.txt"), "not yaml");

    SloDirectory.LoadResult.Loaded loaded = (SloDirectory.LoadResult.Loaded) SloDirectory.load(dir);
    assertThat(loaded.slos().keySet()).containsExactly("team-a", "team-b");
    assertThat(loaded.slos().get("team-a")).extracting(SloSpec::id).containsExactly("api-availability");
    assertThat(loaded.slos().get("team-b")).hasSize(2);
    assertThat(loaded.slos().get("team-b").getFirst().origin().file()).isEqualTo(dir.resolve("team-b/refs.yml").toString());
    assertThat(loaded.dataSources().get("team-b")).containsOnlyKeys("prometheus");

    Files.createDirectories(dir.resolve("bad tenant"));
    Files.writeString(dir.resolve("stray.yaml"), SpecFiles.read("sloth-logql.yml"));
    SloDirectory.LoadResult.Invalid invalid = (SloDirectory.LoadResult.Invalid) SloDirectory.load(dir);
    assertThat(invalid.problems()).extracting(problem -> problem.format()).containsExactly(
        dir.resolve("bad tenant") + ":1:1: error: directory name is not a tenant ID: tenant ID 'bad tenant' contains unsupported character ' '",
        dir.resolve("stray.yaml") + ":1:1: error: SLO files belong in a tenant's subdirectory: move it to " + dir + "/<tenant>/");
  }
}
