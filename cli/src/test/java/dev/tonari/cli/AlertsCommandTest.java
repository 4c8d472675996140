package dev.tonari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.server.ServerConfig;
import dev.tonari.server.TonariServer;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.MutableClock;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.auth.TokenStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tonari alerts} and {@code tonari toil report} as a user runs them, against a real server
 * on a loopback port whose alert history the test feeds (as the ruler will) at a clock it sets.
 *
 * <p>Wednesday 2024-05-08, team-a: ErrorBurst (a page) fires at 02:00 until 02:04 and again at
 * 02:30 until 02:34 (flapping, both outside working hours, never acknowledged); SlowRequests (a
 * ticket) has been firing since 11:00. Now is 12:00.
 */
class AlertsCommandTest {
  private static final String TENANT = "team-a";
  private static final Instant NOW = Instant.parse("2024-05-08T12:00:00Z");

  @TempDir Path directory;
  private TonariServer server;
  private String tenantAdmin;
  private String reader;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private void start() throws Exception {
    Path dataDir = directory.resolve("data");
    MutableClock clock = new MutableClock(NOW);
    TokenStore tokens = TokenStore.open(dataDir, clock);
    tenantAdmin = tokens.create("lead", Set.of(TENANT), Role.TENANT_ADMIN, Optional.empty()).text();
    reader = tokens.create("grafana", Set.of(TENANT), Role.READER, Optional.empty()).text();
    server = TonariServer.start(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir).withAuthEnabled(true), new InMemoryLogStore(),
        metrics -> {}, clock);
    Map<String, String> page = Map.of("severity", "page");
    for (String[] change : new String[][] {{"INACTIVE", "FIRING", "02:00"}, {"FIRING", "INACTIVE", "02:04"}, {"INACTIVE", "FIRING", "02:30"},
        {"FIRING", "INACTIVE", "02:34"}}) {
      server.alertHistory().onTransitions(List.of(transition("ErrorBurst", page, AlertState.valueOf(change[0]), AlertState.valueOf(change[1]),
          "2024-05-08T" + change[2] + ":00Z")));
    }
    server.alertHistory().onTransitions(List.of(transition("SlowRequests", Map.of("severity", "ticket"), AlertState.INACTIVE, AlertState.FIRING,
        "2024-05-08T11:00:00Z")));
  }

  private static AlertTransition transition(String rule, Map<String, String> extra, AlertState from, AlertState to, String at) {
    Map<String, String> labels = new TreeMap<>(extra);
    labels.put("alertname", rule);
    return new AlertTransition(TENANT, "payments", "errors", rule, labels, Map.of(), from, to, Instant.parse(at), 31);
  }

  private String[] as(String token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--addr", server.baseUrl(), "--tenant", TENANT, "--token", token));
    return all.toArray(String[]::new);
  }

  @Test
  void historyEpisodesAndAcknowledgement() throws Exception {
    start();
    CommandRun history = CommandRun.run(as(reader, "alerts", "history"));
    assertThat(history.exitCode()).as(history.err()).isZero();
    List<String> rows = history.out().lines().toList();
    assertThat(rows.getFirst()).startsWith("TIME").contains("RULE").contains("CHANGE").contains("EPISODE").contains("LABELS");
    assertThat(rows).hasSize(6);
    assertThat(rows.get(1)).startsWith("2024-05-08 11:00:00Z").contains("SlowRequests").contains("inactive -> firing").contains("severity=ticket");
    assertThat(rows.get(2)).contains("ErrorBurst").contains("firing -> resolved");
    CommandRun onlyBursts = CommandRun.run(as(reader, "alerts", "history", "--rule", "ErrorBurst", "--since", "12h"));
    assertThat(onlyBursts.out().lines().skip(1)).hasSize(4).allMatch(line -> line.contains("ErrorBurst"));
    CommandRun tickets = CommandRun.run(as(reader, "alerts", "history", "--label", "severity=ticket"));
    assertThat(tickets.out().lines().skip(1)).singleElement().satisfies(line -> assertThat(line).contains("SlowRequests"));
    CommandRun recent = CommandRun.run(as(reader, "alerts", "history", "--since", "2h"));
    assertThat(recent.out().lines().skip(1)).singleElement().satisfies(line -> assertThat(line).contains("SlowRequests"));

    CommandRun episodes = CommandRun.run(as(reader, "alerts", "episodes"));
    assertThat(episodes.exitCode()).as(episodes.err()).isZero();
    List<String> episodeRows = episodes.out().lines().toList();
    assertThat(episodeRows).hasSize(4);
    String open = episodeRows.get(1);
    assertThat(open).contains("SlowRequests").contains("ticket").contains("firing").endsWith("-");
    String id = open.substring(0, open.indexOf(' '));
    assertThat(id).matches("20240508-[0-9a-f]{16}");

    CommandRun refused = CommandRun.run(as(reader, "alerts", "ack", id));
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("answered 403").contains("alerts-write");
    CommandRun acknowledged = CommandRun.run(as(tenantAdmin, "alerts", "ack", id, "--comment", "rolling back"));
    assertThat(acknowledged.exitCode()).as(acknowledged.err()).isZero();
    assertThat(acknowledged.out()).isEqualTo("acknowledged " + id + " (SlowRequests, firing) by lead at 2024-05-08T12:00:00Z\n");
    assertThat(CommandRun.run(as(reader, "alerts", "episodes")).out().lines().toList().get(1)).endsWith("lead 2024-05-08 12:00:00Z: rolling back");
    CommandRun unknown = CommandRun.run(as(tenantAdmin, "alerts", "ack", "20240508-0000000000000000"));
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("answered 404").contains("alert episode not found");
    CommandRun json = CommandRun.run(as(reader, "alerts", "episodes", "--output", "json"));
    assertThat(json.out()).startsWith("{\"status\":\"success\",\"data\":[").contains("\"acknowledgedBy\":\"lead\"");
  }

  @Test
  void toilReportAsTableMarkdownAndJson() throws Exception {
    start();
    CommandRun text = CommandRun.run(as(reader, "toil", "report", "--since", "1w"));
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).startsWith("Toil of team-a, 2024-05-01 to 2024-05-08\n").contains("working hours 09:00-17:00 mon-fri (UTC)");
    assertThat(text.out().lines().filter(line -> line.startsWith("total"))).singleElement()
        .satisfies(line -> assertThat(line).isEqualTo("total           2             2        1      0         1      2      0               -           4m / 4m"));
    assertThat(text.out()).contains("payments/errors/ErrorBurst").doesNotContain("\u001b[");

    CommandRun markdown = CommandRun.run(as(reader, "toil", "report", "--format", "markdown"));
    assertThat(markdown.out()).startsWith("# Toil of team-a").contains("| **Total** | 2 | 2 | 1 | 0 | 1 | 2 | 0 | - | 4m / 4m |");
    CommandRun json = CommandRun.run(as(reader, "toil", "report", "--format", "json", "--top", "1"));
    assertThat(json.out()).contains("\"pagesOutsideWorkingHours\" : 2").contains("\"rule\" : \"ErrorBurst\"").doesNotContain("\"rule\" : \"SlowRequests\"");
    CommandRun bad = CommandRun.run(as(reader, "toil", "report", "--format", "pdf"));
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown --format 'pdf'");
    CommandRun badSince = CommandRun.run(as(reader, "toil", "report", "--since", "forever"));
    assertThat(badSince.exitCode()).isEqualTo(1);
    assertThat(badSince.err()).contains("answered 400").contains("invalid duration \"forever\"");
  }

  @Test
  void theTerminalHighlighterPaintsEachTone() {
    Terminal colour = new Terminal(true);
    assertThat(ToilCommand.highlighter(colour).paint(dev.tonari.alerts.toil.ToilRenderers.Tone.BAD, "2")).isEqualTo(Terminal.RED + "2" + Terminal.RESET);
    assertThat(ToilCommand.highlighter(new Terminal(false)).paint(dev.tonari.alerts.toil.ToilRenderers.Tone.BAD, "2")).isEqualTo("2");
  }
}
