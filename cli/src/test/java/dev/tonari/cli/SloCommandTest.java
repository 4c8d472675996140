package dev.tonari.cli;

import dev.tonari.tenancy.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.server.ServerConfig;
import dev.tonari.server.TonariServer;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.auth.TokenStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tonari slo} and {@code tonari lint} on SLO files, end to end: the commands as a user runs
 * them, against a real server on a loopback port (an in-memory store the test fills, a clock the
 * test sets), with what they print and their exit codes.
 *
 * <p>Traffic: from 10:00 one hour of 20 requests a minute without error, then one hour of 40 a
 * minute with one 500 (2.5 %).
 */
class SloCommandTest {
  private static final String TENANT = "team-a";
  private static final String ID = "api-availability";
  private static final long SECOND = 1_000_000_000L;
  /** 2024-05-01T10:00Z (ISO week 2024-W18) as an epoch minute. */
  private static final long BASE = Instant.parse("2024-05-01T10:00:00Z").getEpochSecond() / 60;

  static final String SLOTH = """
      version: "prometheus/v1"
      service: "api"
      slos:
        - name: "availability"
          objective: %s
          description: "Requests answered without a 5xx."
          sli:
            events:
              error_query: sum(count_over_time({app="api"} | logfmt | status >= 500 [{{.window}}]))
              total_query: sum(count_over_time({app="api"} [{{.window}}]))
      """;

  @TempDir Path directory;
  private final InMemoryLogStore logs = new InMemoryLogStore();
  private TonariServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private void start(boolean auth) throws Exception {
    Path dataDir = directory.resolve("data");
    Instant now = Instant.ofEpochSecond((BASE + 120) * 60 + 30);
    server = TonariServer.start(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir).withAuthEnabled(auth), logs, metrics -> {},
        new MutableClock(now));
    Labels stream = Labels.of("app", "api", "pod", "a");
    for (long minute = 0; minute < 120; minute++) {
      int perMinute = minute < 60 ? 20 : 40;
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < perMinute; i++) {
        int status = minute >= 60 && i == 0 ? 500 : 200;
        entries.add(new LogEntry((BASE + minute) * 60 * SECOND + i * (60 * SECOND / perMinute), "status=" + status + " path=/orders request=" + i));
      }
      logs.append(TENANT, List.of(new StreamBatch(stream, entries)));
    }
  }

  private String[] withServer(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--addr", server.baseUrl(), "--tenant", TENANT));
    return all.toArray(String[]::new);
  }

  @Test
  void applyListStatusAndReportAgainstARealServer() throws Exception {
    start(false);
    Path file = Files.writeString(directory.resolve("api-slos.yaml"), SLOTH.formatted("99.9"));

    // apply waits for the history to be rebuilt (the server's scheduler does it within seconds).
    CommandRun applied = CommandRun.run(withServer("slo", "apply", "--wait-timeout", "2m", file.toString()));
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(applied.out()).isEqualTo("created " + ID + "  " + file + "\n");
    assertThat(applied.err()).contains("history rebuilt for 1 SLO");
    server.slos().evaluateAllNow();
    CommandRun again = CommandRun.run(withServer("slo", "apply", "--no-wait", file.toString()));
    assertThat(again.out()).isEqualTo("replaced " + ID + "  " + file + "\n");

    CommandRun list = CommandRun.run(withServer("slo", "list"));
    assertThat(list.exitCode()).as(list.err()).isZero();
    List<String> rows = list.out().lines().toList();
    assertThat(rows.getFirst()).startsWith("ID").contains("OBJECTIVE").contains("BUDGET LEFT").contains("POLICY");
    // 1,200 + 2,400 requests, 60 bad: SLI 98.333 %, the budget (3.6 requests) spent 16.7 times.
    assertThat(rows.get(1)).startsWith(ID).contains("30d").contains("99.900%").contains("98.333%").contains("-1566.7%").contains("exhausted");

    CommandRun status = CommandRun.run(withServer("slo", "status", ID));
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out()).contains("OBJECTIVE 99.900%").contains("SLI 98.3333%").contains("BUDGET LEFT -1566.7%")
        .contains("policy exhausted").contains("events: 3,540 good, 60 bad, 3,600 in all").contains("5m 25.00x")
        .contains("alert conditions").contains("page-1h");
    assertThat(status.out().lines().filter(line -> line.strip().startsWith("page-1h"))).singleElement()
        .satisfies(line -> assertThat(line).contains("firing").contains("1h/5m").contains("14.40x"));

    CommandRun markdown = CommandRun.run(withServer("slo", "report", "--week", "2024-W18", "--output", "markdown"));
    assertThat(markdown.exitCode()).as(markdown.err()).isZero();
    assertThat(markdown.out()).startsWith("# SLO report 2024-W18, tenant team-a").contains("| SLO | objective | SLI (week) |")
        .contains("| " + ID + " | 99.900% | 98.333% |");
    CommandRun badWeek = CommandRun.run(withServer("slo", "report", "--week", "2024-18"));
    assertThat(badWeek.exitCode()).isEqualTo(1);
    assertThat(badWeek.err()).contains("400").contains("invalid week");

    CommandRun unknown = CommandRun.run(withServer("slo", "status", "api-nothing"));
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("404").contains("slo not found");
  }

  @Test
  void anInvalidFileIsRefusedWithItsOwnNameLineAndColumn() throws Exception {
    start(false);
    Path good = Files.writeString(directory.resolve("good.yaml"), SLOTH.formatted("99.9"));
    Path bad = Files.writeString(directory.resolve("bad.yaml"), SLOTH.formatted("120"));
    assertThat(CommandRun.run(withServer("slo", "apply", "--no-wait", good.toString())).exitCode()).isZero();

    CommandRun refused = CommandRun.run(withServer("slo", "apply", "--no-wait", bad.toString()));

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains(bad + ":5:16: error: slos[0].objective: objective 120 is out of range").doesNotContain("body:");
    assertThat(server.slos().get(TENANT, ID).orElseThrow().spec().target()).isEqualTo(0.999);
  }

  static final String OPENSLO_SLI = """
      # The indicator, kept apart so that several SLOs share it.
      apiVersion: openslo/v1
      kind: SLI
      metadata:
        name: api-errors
      spec:
        ratioMetric:
          counter: true
          bad:
            metricSource:
              type: Loki
              spec:
                query: sum(count_over_time({app="api"} | logfmt | status >= 500 [{{.window}}]))
          total:
            metricSource:
              type: Loki
              spec:
                query: sum(count_over_time({app="api"} [{{.window}}]))
      """;

  static final String OPENSLO_SLO = """
      ---
      apiVersion: openslo/v1
      kind: SLO
      metadata:
        name: availability
      spec:
        service: web
        indicatorRef: api-errors
        timeWindow:
          - duration: 7d
            isRolling: true
        budgetingMethod: Occurrences
        objectives:
          - target: %s
      """;

  @Test
  void filesAppliedTogetherResolveEachOthersRefsAndProblemsNameTheirOwnFile() throws Exception {
    start(false);
    Path sli = Files.writeString(directory.resolve("sli.yaml"), OPENSLO_SLI);
    Path slo = Files.writeString(directory.resolve("slo.yaml"), OPENSLO_SLO.formatted("0.99"));
    Path sloth = Files.writeString(directory.resolve("sloth.yaml"), SLOTH.formatted("99.9"));
    assertThat(CommandRun.run("lint", sli.toString(), slo.toString(), sloth.toString()).exitCode()).isZero();

    CommandRun applied = CommandRun.run(withServer("slo", "apply", "--no-wait", sli.toString(), slo.toString(), sloth.toString()));

    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(applied.out().lines()).containsExactlyInAnyOrder("created web-availability  " + slo, "created " + ID + "  " + sloth);
    assertThat(server.slos().list(TENANT)).hasSize(2);

    // A problem in the second and one in the third file, each at its own line and column.
    Files.writeString(slo, OPENSLO_SLO.formatted("1.5"));
    Files.writeString(sloth, SLOTH.formatted("0"));
    CommandRun refused = CommandRun.run(withServer("slo", "apply", "--no-wait", sli.toString(), slo.toString(), sloth.toString()));
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains(slo + ":14:15: error: spec.objectives[0].target: target 1.5 is out of range")
        .contains(sloth + ":5:16: error:").doesNotContain("body:");
    // The same places as lint gives for the same files.
    CommandRun lint = CommandRun.run("lint", sli.toString(), slo.toString(), sloth.toString());
    assertThat(refused.err().lines().filter(line -> line.contains(": error: "))).containsExactlyElementsOf(
        lint.err().lines().filter(line -> line.contains(": error: ")).toList());
    assertThat(server.slos().get(TENANT, "web-availability").orElseThrow().spec().target()).isEqualTo(0.99);
  }

  @Test
  void theCommandsSendTheToken() throws Exception {
    start(true);
    TokenStore tokens = TokenStore.open(directory.resolve("data"), Clock.systemUTC());
    String tenantAdmin = tokens.create("admin-a", Set.of(TENANT), Role.TENANT_ADMIN, Optional.empty()).text();
    String reader = tokens.create("reader-a", Set.of(TENANT), Role.READER, Optional.empty()).text();
    Path file = Files.writeString(directory.resolve("api-slos.yaml"), SLOTH.formatted("99.9"));

    CommandRun unauthenticated = CommandRun.run(withServer("slo", "apply", "--no-wait", file.toString()));
    assertThat(unauthenticated.exitCode()).isEqualTo(1);
    assertThat(unauthenticated.err()).contains("401");
    CommandRun asReader = CommandRun.run(withServer("slo", "apply", "--no-wait", "--token", reader, file.toString()));
    assertThat(asReader.exitCode()).isEqualTo(1);
    assertThat(asReader.err()).contains("403");
    assertThat(CommandRun.run(withServer("slo", "apply", "--no-wait", "--token", tenantAdmin, file.toString())).exitCode()).isZero();
    CommandRun list = CommandRun.run(withServer("slo", "list", "--token", reader));
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).contains(ID);
  }

  @Test
  void lintChecksTenantsFilesAndSloFilesTogether() throws Exception {
    Path tenants = Path.of("..", "docs", "examples", "tenants.yaml");
    Path good = Files.writeString(directory.resolve("good-slos.yaml"), SLOTH.formatted("99.9"));
    Path bad = Files.writeString(directory.resolve("bad-slos.yaml"), SLOTH.formatted("120"));
    Path noWindow = Files.writeString(directory.resolve("no-window.yaml"), SLOTH.formatted("99").replace("status >= 500 [{{.window}}]", "status >= 500 [5m]"));
    Path badTenants = Files.writeString(directory.resolve("bad-tenants.yaml"), "tenants:\n  \"../x\":\n");

    CommandRun valid = CommandRun.run("lint", tenants.toString(), good.toString());
    assertThat(valid.exitCode()).as(valid.err()).isZero();
    assertThat(valid.out()).contains("3 declared tenants").contains("1 SLO");

    CommandRun invalidSlo = CommandRun.run("lint", tenants.toString(), bad.toString(), noWindow.toString());
    assertThat(invalidSlo.exitCode()).isEqualTo(1);
    assertThat(invalidSlo.err()).contains(bad + ":5:16: error: slos[0].objective: objective 120 is out of range")
        .contains(noWindow + ":9:").contains("{{.window}} missing in error_query");

    // An SLO directory: one subdirectory per tenant, each checked on its own as the server loads it, so two
    // tenants may both have an SLO api-availability.
    Path sloDir = directory.resolve("slos");
    Files.createDirectories(sloDir.resolve("team-a"));
    Files.createDirectories(sloDir.resolve("team-b"));
    Files.writeString(sloDir.resolve("team-a").resolve("api.yaml"), SLOTH.formatted("99.9"));
    Files.writeString(sloDir.resolve("team-b").resolve("api.yaml"), SLOTH.formatted("99"));
    CommandRun twoTenants = CommandRun.run("lint", sloDir.toString());
    assertThat(twoTenants.exitCode()).as(twoTenants.err()).isZero();
    assertThat(twoTenants.out()).contains("2 SLOs");
    Files.writeString(sloDir.resolve("team-b").resolve("api.yaml"), SLOTH.formatted("0"));
    CommandRun badTenant = CommandRun.run("lint", sloDir.toString());
    assertThat(badTenant.exitCode()).isEqualTo(1);
    assertThat(badTenant.err()).contains(sloDir.resolve("team-b").resolve("api.yaml") + ":5:16: error:");

    CommandRun invalidTenants = CommandRun.run("lint", badTenants.toString(), good.toString());
    assertThat(invalidTenants.exitCode()).isEqualTo(1);
    assertThat(invalidTenants.err()).contains(badTenants + ":2:3: error:");
  }

  @Test
  void theDemoSlosPassLint() {
    CommandRun demo = CommandRun.run("lint", Path.of("src", "main", "resources", "demo-slos").toString());
    assertThat(demo.exitCode()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("6 SLOs");
  }
}
