package dev.tonari.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.query.QueryEngine;
import dev.tonari.query.QueryLimits;
import dev.tonari.rules.alert.OutgoingAlert;
import dev.tonari.rules.alert.RecordedSample;
import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RecordingRule;
import dev.tonari.rules.model.Rule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ruler over real LogQL: {@link LogqlQuerier} on an {@link InMemoryLogStore}. Tenants see only
 * their own logs, recording rules write renamed and relabelled series, and errors of LogQL reach
 * the rule's {@code lastError}.
 */
class RulerLogqlTest {
  private static final Instant AT = Instant.parse("2026-01-05T10:10:00Z");
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path stateDirectory;
  private final InMemoryLogStore logs = new InMemoryLogStore();
  private final StaticRuleSource source = new StaticRuleSource();
  private final CollectingSinks sinks = new CollectingSinks();

  /** {@code count} lines of the stream, one a second, ending just before {@code AT}. */
  private void lines(String tenant, Labels stream, int count, String line) {
    List<LogEntry> entries = new ArrayList<>();
    long end = AT.getEpochSecond() * SECOND;
    for (int i = 1; i <= count; i++) {
      entries.add(new LogEntry(end - i * SECOND, line + " n=" + i));
    }
    logs.append(tenant, List.of(new StreamBatch(stream, entries)));
  }

  private Ruler ruler() throws Exception {
    return new Ruler(EvaluationSettings.defaults(""), List.of(source), new LogqlQuerier(logs, QueryLimits.defaults(), EvaluationSettings.DEFAULT_SHARED_SCAN_BYTES),
        sinks, sinks, sinks, new MutableClock(AT), stateDirectory);
  }

  @Test
  void eachTenantsRulesQueryOnlyThatTenantsLogs() throws Exception {
    lines("a", Labels.of("app", "api"), 30, "level=error msg=boom");
    lines("b", Labels.of("app", "api"), 30, "level=info msg=fine");
    Rule errors = new AlertingRule("ApiErrors", "sum(count_over_time({app=\"api\"} |= \"level=error\" [1m])) > 0", Duration.ZERO, Duration.ZERO,
        Map.of(), Map.of("summary", "{{ $value }} errors"));
    for (String tenant : List.of("a", "b")) {
      source.put(tenant, "api", new RuleGroup("errors", Optional.empty(), 0, List.of(errors)));
    }

    try (Ruler ruler = ruler()) {
      ruler.evaluateAllAt(AT);

      assertThat(sinks.sendTenants).containsExactly("a");
      assertThat(sinks.sent()).singleElement().extracting(OutgoingAlert::annotations).isEqualTo(Map.of("summary", "30 errors"));
      assertThat(ruler.alerts("b")).isEmpty();
      assertThat(ruler.rules("b").get(0).rules().get(0).health()).isEqualTo(RuleHealth.OK);
      assertThat(sinks.transitions).extracting(transition -> transition.tenant()).containsExactly("a");
    }
  }

  @Test
  void recordingRulesRenameAndRelabelTheResult() throws Exception {
    lines("a", Labels.of("app", "api", "env", "prod"), 40, "GET /");
    lines("a", Labels.of("app", "web", "env", "prod"), 7, "GET /");
    source.put("a", "recording", new RuleGroup("lines", Optional.empty(), 0, List.of(
        new RecordingRule("app:lines:count1m", "sum by (app) (count_over_time({env=\"prod\"} [1m]))", Map.of("team", "core")),
        new RecordingRule("app:lines:named", "label_replace(sum by (app) (count_over_time({env=\"prod\"} [1m])), \"__name__\", \"x\", \"\", \"\")", Map.of()),
        new RecordingRule("all:lines", "count_over_time({env=\"prod\"} [1m])", Map.of("app", "all")),
        new RecordingRule("broken", "count_over_time({env=\"prod\"} [1m]", Map.of()))));

    try (Ruler ruler = ruler()) {
      ruler.evaluateAllAt(AT);

      long millis = AT.toEpochMilli();
      assertThat(sinks.samples).containsExactly(
          new RecordedSample(Map.of("__name__", "app:lines:count1m", "app", "api", "team", "core"), millis, 40),
          new RecordedSample(Map.of("__name__", "app:lines:count1m", "app", "web", "team", "core"), millis, 7),
          new RecordedSample(Map.of("__name__", "app:lines:named", "app", "api"), millis, 40),
          new RecordedSample(Map.of("__name__", "app:lines:named", "app", "web"), millis, 7));
      List<RuleViews.Rule> rules = ruler.rules("a").get(0).rules();
      // Two streams become one series once app is overwritten: Prometheus' error, and nothing is recorded.
      assertThat(rules.get(2).lastError()).isEqualTo("vector contains metrics with the same labelset after applying rule labels");
      assertThat(rules.get(3).health()).isEqualTo(RuleHealth.ERR);
      assertThat(rules.get(3).lastError()).startsWith("parse error");
    }
  }

  @Test
  void aRecordingRuleOverTheGroupLimitRecordsNothing() throws Exception {
    lines("a", Labels.of("app", "api"), 5, "x");
    lines("a", Labels.of("app", "web"), 5, "x");
    source.put("a", "recording", new RuleGroup("lines", Optional.empty(), 1, List.of(
        new RecordingRule("lines", "count_over_time({app=~\".+\"} [1m])", Map.of()))));

    try (Ruler ruler = ruler()) {
      ruler.evaluateAllAt(AT);

      assertThat(sinks.samples).isEmpty();
      assertThat(ruler.rules("a").get(0).rules().get(0).lastError()).isEqualTo("exceeded limit of 1 with 2 series");
    }
  }

  @Test
  void aScalarResultIsOneAlertWithoutLabels() throws Exception {
    source.put("a", "x", new RuleGroup("scalar", Optional.empty(), 0, List.of(new AlertingRule("Always", "1 + 1", Duration.ZERO, Duration.ZERO, Map.of(), Map.of()))));
    try (Ruler ruler = new Ruler(EvaluationSettings.defaults(""), List.of(source), new LogqlQuerier(new QueryEngine(logs, QueryLimits.defaults())), sinks, sinks, sinks,
        new MutableClock(AT), stateDirectory)) {
      ruler.evaluateAllAt(AT);

      assertThat(ruler.alerts("a")).singleElement().satisfies(alert -> {
        assertThat(alert.labels()).isEqualTo(Map.of("alertname", "Always"));
        assertThat(alert.value()).isEqualTo(2);
      });
    }
  }
}
