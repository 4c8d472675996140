package dev.tonari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.server.ServerConfig;
import dev.tonari.server.TonariServer;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tonari rules} and {@code tonari lint} on rule files, against a real server on a loopback port. */
class RulesCommandTest {
  private static final String TENANT = "team-a";
  /** Loki's documented alerting example. */
  static final String ALERTS = """
      groups:
        - name: should_fire
          rules:
            - alert: HighPercentageError
              expr: |
                sum(rate({app="foo", env="production"} |= "error" [5m])) by (job)
                  /
                sum(rate({app="foo", env="production"}[5m])) by (job)
                  > 0.05
              for: 10m
              labels:
                  severity: page
              annotations:
                  summary: High request latency
        - name: credentials_leak
          interval: 30s
          rules:
            - alert: http-credentials-leaked
              annotations:
                message: "{{ $labels.job }} is leaking http basic auth credentials."
              expr: 'sum by (cluster, job, pod) (count_over_time({namespace="prod"} |~ "http(s?)://(\\\\w+):(\\\\w+)@" [5m]) > 0)'
              for: 10m
              labels:
                severity: critical
      """;

  @TempDir Path directory;
  private TonariServer server;

  @BeforeEach
  void start() throws Exception {
    server = TonariServer.start(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(directory.resolve("data")), new InMemoryLogStore(),
        metrics -> {}, new MutableClock(Instant.parse("2024-05-01T10:00:00Z")));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private CommandRun rules(String... args) {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("rules", args[0], "--addr", server.baseUrl(), "--tenant", TENANT));
    all.addAll(java.util.List.of(args).subList(1, args.length));
    return CommandRun.run(all.toArray(String[]::new));
  }

  @Test
  void loadListAndDelete() throws Exception {
    Path file = Files.writeString(directory.resolve("api-alerts.yaml"), ALERTS);
    CommandRun load = rules("load", file.toString());
    assertThat(load.exitCode()).as(load.err()).isZero();
    assertThat(load.out()).contains("loaded api-alerts/should_fire").contains("loaded api-alerts/credentials_leak");
    assertThat(server.rules().namespace(TENANT, "api-alerts").orElseThrow().groups()).hasSize(2);

    CommandRun renamed = rules("load", "--namespace=team/app", file.toString());
    assertThat(renamed.exitCode()).as(renamed.err()).isZero();
    assertThat(server.rules().group(TENANT, "team/app", "credentials_leak")).isPresent();

    CommandRun list = rules("list");
    assertThat(list.exitCode()).isZero();
    assertThat(list.out().lines().toList()).containsExactly(
        "NAMESPACE   GROUP             RULES  INTERVAL",
        "api-alerts  should_fire           1  default",
        "api-alerts  credentials_leak      1  30s",
        "team/app    should_fire           1  default",
        "team/app    credentials_leak      1  30s");

    assertThat(rules("delete", "team/app", "should_fire").exitCode()).isZero();
    assertThat(server.rules().group(TENANT, "team/app", "should_fire")).isEmpty();
    CommandRun deleted = rules("delete", "api-alerts");
    assertThat(deleted.out()).isEqualTo("deleted namespace api-alerts\n");
    CommandRun missing = rules("delete", "api-alerts");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("answered 404").contains("group namespace does not exist");
    assertThat(rules("delete", "team/app").exitCode()).isZero();
    assertThat(rules("list").out()).isEqualTo("no rule groups\n");
  }

  @Test
  void loadLintsFirstAndLoadsNothingOnAProblem() throws Exception {
    Path good = Files.writeString(directory.resolve("good.yaml"), ALERTS);
    Path bad = Files.writeString(directory.resolve("bad.yaml"), "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(rate({a=\"b\"}[1m])) >> 1\n");
    CommandRun load = rules("load", good.toString(), bad.toString());
    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err()).isEqualTo(bad + ":5:39: error: group 'g', rule 'A': expr is not a valid LogQL metric query: syntax error: unexpected >\n"
        + "1 error; nothing was loaded\n");
    assertThat(server.rules().listNamespaces(TENANT)).isEmpty();
  }

  @Test
  void lintSortsRuleFilesFromTenantsAndSloFiles() throws Exception {
    Path rulesDir = directory.resolve("rules");
    Files.createDirectories(rulesDir.resolve(TENANT));
    Files.writeString(rulesDir.resolve(TENANT).resolve("alerts.yaml"), ALERTS);
    CommandRun valid = CommandRun.run("lint", rulesDir.toString());
    assertThat(valid.exitCode()).as(valid.err()).isZero();
    assertThat(valid.out()).isEqualTo("ok: 1 rule file\n");

    Path broken = Files.writeString(rulesDir.resolve(TENANT).resolve("broken.yaml"), ALERTS.replace("for: 10m", "fr: 10m"));
    Path tenants = Files.writeString(directory.resolve("tenants.yaml"), "tenants:\n  team-a: {}\n");
    CommandRun invalid = CommandRun.run("lint", tenants.toString(), rulesDir.toString());
    assertThat(invalid.exitCode()).isEqualTo(1);
    assertThat(invalid.out()).contains("ok: 1 path, 1 declared tenants");
    assertThat(invalid.err()).contains(broken + ":10:9: error: unknown key 'fr' in group 'should_fire', rules[0]; did you mean 'for'?")
        .contains(broken + ":22:9: error: unknown key 'fr' in group 'credentials_leak', rules[0]; did you mean 'for'?").endsWith("2 errors\n");
  }
}
