package dev.tonari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.server.ServerConfig;
import dev.tonari.server.TonariServer;
import dev.tonari.tenancy.usage.UsageMeter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tonari lint}, {@code token} and {@code usage} end to end: offline on a data directory and online against a real server. */
class TenancyCommandsTest {
  @TempDir Path directory;

  @Test
  void lintAcceptsTheExamplesAndReportsEveryProblemWithLineAndColumn() throws Exception {
    Path examples = Path.of("..", "docs", "examples");
    CommandRun valid = CommandRun.run("lint", examples.resolve("tenants.yaml").toString());
    assertThat(valid.exitCode()).isZero();
    assertThat(valid.out()).isEqualTo("ok: 1 path, 3 declared tenants\n");
    assertThat(CommandRun.run("lint", examples.resolve("tenants.d").toString()).exitCode()).isZero();

    Path bad = directory.resolve("bad.yaml");
    Files.writeString(bad, """
        defaults:
          limits: {ingestion_rate_mbb: 4}
          retention:
            retention_stream: [{selector: '{app=}', period: 24h}]
        tenants:
          "../x":
        routing: {label: namespace, map: {a: nowhere}}
        """);
    CommandRun invalid = CommandRun.run("lint", bad.toString());
    assertThat(invalid.exitCode()).isEqualTo(1);
    assertThat(invalid.err().lines().toList()).hasSize(5).startsWith(
        bad + ":2:12: error: unknown key 'ingestion_rate_mbb' in defaults.limits; did you mean 'ingestion_rate_mb'?");
    assertThat(invalid.err()).contains(bad + ":6:3: error: tenants: invalid tenant ID '../x': tenant ID '../x' contains unsupported character '/'")
        .contains(bad + ":7:38: error: routing.map.a: routes to tenant 'nowhere', which is not declared under tenants (declared: none)")
        .contains(bad + ":4:35: error: defaults.retention.retention_stream[0].selector: invalid stream selector '{app=}': "
            + "parse error at line 1, col 6: syntax error: unexpected }, expecting STRING")
        .endsWith("4 errors\n");
    assertThat(CommandRun.run("lint").exitCode()).isEqualTo(2);
  }

  @Test
  void tokensOfflineThenOnlineAndUsageThroughTheAdminApi() throws Exception {
    Path dataDir = directory.resolve("data");
    CommandRun firstAdmin = CommandRun.run("token", "create", "--data-dir", dataDir.toString(), "--tenant", "*", "--role", "admin", "--name", "first-admin");
    assertThat(firstAdmin.exitCode()).isZero();
    String admin = firstAdmin.out().strip();
    assertThat(admin).startsWith("tnr_").doesNotContain("\n");
    assertThat(firstAdmin.err()).contains("created token first-admin").contains("role admin tenants *");
    assertThat(CommandRun.run("token", "create", "--data-dir", dataDir.toString(), "--tenant", "*", "--role", "writer").err())
        .contains("only admin tokens may hold every tenant");

    try (TonariServer server = TonariServer.open(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir).withAuthEnabled(true))) {
      String addr = server.baseUrl();
      CommandRun reader = CommandRun.run("token", "create", "--addr", addr, "--token", admin, "--tenant", "team-a", "--role", "reader", "--name", "r1", "--expires", "90d");
      assertThat(reader.exitCode()).as(reader.err()).isZero();
      assertThat(reader.out().strip()).startsWith("tnr_");

      CommandRun listed = CommandRun.run("token", "list", "--addr", addr, "--token", admin);
      assertThat(listed.exitCode()).isZero();
      List<String> lines = listed.out().lines().toList();
      assertThat(lines.get(0)).startsWith("ID").contains("NAME", "ROLE", "TENANTS", "STATUS");
      assertThat(listed.out()).contains("first-admin").contains("r1").contains("team-a");

      CommandRun usage = CommandRun.run("usage", "--addr", addr, "--token", admin, "--format", "csv");
      assertThat(usage.exitCode()).as(usage.err()).isZero();
      assertThat(usage.out()).startsWith("day,tenant,entries_ingested,bytes_ingested,");

      CommandRun refused = CommandRun.run("usage", "--addr", addr, "--token", reader.out().strip(), "--tenant", "team-b");
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err()).contains("answered 403").contains("team-b");

      String writer = CommandRun.run("token", "create", "--addr", addr, "--token", admin, "--tenant", "team-a", "--role", "writer").out().strip();
      Path logFile = directory.resolve("lines.log");
      Files.writeString(logFile, "hello from the cli\n");
      CommandRun pushed = CommandRun.run("push", "--addr", addr, "--token", writer, "--labels", "{app=\"cli\"}", logFile.toString());
      assertThat(pushed.exitCode()).as(pushed.err()).isZero();
      CommandRun queried = CommandRun.run("query", "--addr", addr, "--token", reader.out().strip(), "-o", "raw", "{app=\"cli\"}");
      assertThat(queried.out()).isEqualTo("hello from the cli\n");
      assertThat(CommandRun.run("query", "--addr", addr, "{app=\"cli\"}").exitCode()).isNotZero();

      assertThat(CommandRun.run("token", "revoke", "--addr", addr, "--token", admin, "r1").exitCode()).isZero();
      assertThat(CommandRun.run("token", "list", "--data-dir", dataDir.toString()).out()).containsPattern("r1 .* revoked");
    }
  }

  @Test
  void usageOfflineReadsTheDataDirectoryWithoutAServer() throws Exception {
    Path dataDir = directory.resolve("data");
    Clock march14 = Clock.fixed(Instant.parse("2026-03-14T10:00:00Z"), ZoneOffset.UTC);
    try (UsageMeter meter = UsageMeter.open(dataDir, march14, Map::of)) {
      meter.recordIngested("team-a", 3, 2_000_000_000L);
      meter.recordQuery("team-a", 700);
      meter.recordQuery("team-a", 300);
      meter.recordQuery("team-b", 5);
    }
    String march = "--from=2026-03-01";
    CommandRun csv = CommandRun.run("usage", "--data-dir", dataDir.toString(), march, "--to=2026-03-31", "--format", "csv");
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    List<String> rows = csv.out().lines().toList();
    assertThat(rows.get(0)).startsWith("day,tenant,entries_ingested,bytes_ingested,");
    assertThat(rows).anySatisfy(row -> assertThat(row).startsWith("2026-03-14,team-a,3,2000000000,"))
        .anySatisfy(row -> assertThat(row).startsWith("2026-03-14,team-b,0,0,"));

    Path prices = directory.resolve("tenants.yaml");
    Files.writeString(prices, "pricing: {currency: EUR, ingested_per_gb: 0.50}\n");
    CommandRun table = CommandRun.run("usage", "--data-dir", dataDir.toString(), march, "--to=2026-03-31", "--tenant", "team-a", "--tenants-file", prices.toString());
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out()).contains("team-a").contains("1.00").doesNotContain("team-b");

    CommandRun otherMonth = CommandRun.run("usage", "--data-dir", dataDir.toString(), "--from=2026-04-01", "--to=2026-04-30", "--format", "csv");
    assertThat(otherMonth.out().lines().toList()).hasSize(1);

    CommandRun missing = CommandRun.run("usage", "--data-dir", directory.resolve("nowhere").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("no usage directory").contains("nowhere");
    assertThat(directory.resolve("nowhere")).doesNotExist();
  }
}
