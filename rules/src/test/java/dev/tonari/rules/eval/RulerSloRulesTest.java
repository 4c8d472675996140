package dev.tonari.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tonari.query.QueryLimits;
import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.alert.OutgoingAlert;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.slo.alert.BurnRateConditions;
import dev.tonari.slo.alert.ConditionState;
import dev.tonari.slo.alert.ConditionStep;
import dev.tonari.slo.alert.SloAlertRules;
import dev.tonari.slo.engine.ApplyOutcome;
import dev.tonari.slo.engine.SloDataSources;
import dev.tonari.slo.engine.SloService;
import dev.tonari.slo.engine.SloSettings;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.InMemoryRollupStore;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.source.LogQlSliSource;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SLO burn-rate alerts as generated rules, end to end over real parts: log lines in an
 * in-memory store, the SLO engine computing its rollups from them, {@link SloRuleSource} giving
 * the ruler Sloth's rules, and the ruler evaluating them every five minutes through a burst of
 * errors. At every step the ruler's alerts are exactly the firing conditions of {@link
 * BurnRateConditions} run on the same rollups, per SLO series (the SLO and each pod).
 */
class RulerSloRulesTest {
  private static final String TENANT = "team-a";
  private static final long BASE = Instant.parse("2024-05-01T10:00:00Z").getEpochSecond() / 60;
  private static final long MINUTE_NANOS = 60_000_000_000L;
  private static final String ID = "shop-availability";
  private static final String SPEC = """
      version: "prometheus/v1"
      service: "shop"
      slos:
        - name: "availability"
          objective: 99.9
          group_by: [pod]
          sli:
            events:
              error_query: sum(count_over_time({app="shop"} | logfmt | status >= 500 [{{.window}}]))
              total_query: sum(count_over_time({app="shop"} [{{.window}}]))
          alerting:
            name: ShopAvailability
            annotations:
              runbook: "https://runbooks.example/{{ $labels.sloth_slo }}"
            page_alert:
              labels:
                severity: critical
            ticket_alert:
              labels:
                severity: warning
      """;

  @TempDir Path dataDir;
  private final InMemoryLogStore logs = new InMemoryLogStore();

  private static Instant at(long minute) {
    return Instant.ofEpochSecond((BASE + minute) * 60);
  }

  private void requests(String pod, long minute, int total, int errors) {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      long nanos = (BASE + minute) * MINUTE_NANOS + i * (MINUTE_NANOS / total);
      entries.add(new LogEntry(nanos, "status=" + (i < errors ? 500 : 200) + " request=" + i));
    }
    logs.append(TENANT, List.of(new StreamBatch(Labels.of("app", "shop", "pod", pod), entries)));
  }

  @Test
  void theGeneratedRulesFireExactlyWhenTheBurnRateConditionsDo() throws Exception {
    // Pod a fails 3 % of its requests from minute 60 to 150; pod b never fails. Overall that is 1.5 %.
    for (long minute = 0; minute < 240; minute++) {
      requests("a", minute, 100, minute >= 60 && minute < 150 ? 3 : 0);
      requests("b", minute, 100, 0);
    }
    MutableClock clock = new MutableClock(at(60).plusSeconds(30));
    try (SloService slo = new SloService(SloSettings.defaults(), dataDir, new LogQlSliSource(logs, QueryLimits.defaults()), new InMemoryRollupStore(),
        new SloDataSources(), clock)) {
      assertThat(slo.apply(TENANT, SPEC, "body")).isInstanceOf(ApplyOutcome.Applied.class);
      slo.evaluateAllNow();
      SloSpec spec = slo.get(TENANT, ID).orElseThrow().spec();
      CollectingSinks sinks = new CollectingSinks();
      try (Ruler ruler = new Ruler(EvaluationSettings.defaults("https://grafana.example"), List.of(SloRuleSource.over(slo)),
          new LogqlQuerier(logs, QueryLimits.defaults(), 0), sinks, sinks, sinks, clock, dataDir.resolve("ruler"))) {
        ruler.sync();
        RuleViews.Group group = ruler.rules(TENANT).get(0);
        assertThat(group.file()).isEqualTo(RuleNamespace.SLO_NAMESPACE);
        assertThat(group.origin()).isEqualTo(RuleNamespace.Origin.GENERATED);
        assertThat(group.name()).isEqualTo("sloth-slo-alerts-" + ID);
        List<dev.tonari.slo.alert.AlertRule> sloth = SloAlertRules.of(spec).orElseThrow().rules();
        assertThat(group.rules()).extracting(RuleViews.Rule::query).containsExactlyElementsOf(sloth.stream().map(dev.tonari.slo.alert.AlertRule::expr).toList());
        assertThat(group.rules()).extracting(rule -> rule.name()).containsOnly("ShopAvailability");
        assertThat(group.rules().get(0).query()).contains("slo:sli_error:ratio_rate5m{sloth_id=\"shop-availability\"");

        Map<String, List<BurnRateTier>> tiersBySeverity = new TreeMap<>();
        spec.alerting().tiers().forEach(tier -> tiersBySeverity.computeIfAbsent(tier.severity(), key -> new ArrayList<>()).add(tier));
        Map<String, Map<Map<String, String>, List<ConditionState>>> states = new HashMap<>();
        Set<String> seen = new TreeSet<>();
        for (long minute = 60; minute <= 235; minute += 5) {
          clock.set(at(minute).plusSeconds(30));
          slo.evaluateAllNow();
          ruler.evaluateAllAt(at(minute).plusSeconds(30));

          for (Map.Entry<String, List<BurnRateTier>> severity : tiersBySeverity.entrySet()) {
            Map<Map<String, String>, MinuteSeries> series = new HashMap<>();
            for (Map<String, String> seriesGroup : List.of(Map.<String, String>of(), Map.of("pod", "a"), Map.of("pod", "b"))) {
              series.put(seriesGroup, slo.series(TENANT, ID, seriesGroup, BASE + minute - 4 * 1440, BASE + minute));
            }
            Map<Map<String, String>, ConditionStep> steps = BurnRateConditions.stepGroups(states.getOrDefault(severity.getKey(), Map.of()), severity.getValue(),
                series, spec.target(), BASE + minute);
            Map<Map<String, String>, List<ConditionState>> next = new HashMap<>();
            Map<Map<String, String>, Double> expected = new TreeMap<>(RulerSloRulesTest::compare);
            steps.forEach((seriesGroup, step) -> {
              next.put(seriesGroup, step.states());
              double highest = step.states().stream().filter(state -> state.state() == ConditionState.State.FIRING)
                  .mapToDouble(ConditionState::lastShortBurnRate).max().orElse(Double.NaN);
              if (!Double.isNaN(highest)) {
                expected.put(seriesGroup, highest);
              }
            });
            states.put(severity.getKey(), next);

            Map<Map<String, String>, Double> firing = new TreeMap<>(RulerSloRulesTest::compare);
            for (RuleViews.Alert alert : ruler.alerts(TENANT)) {
              if (alert.labels().get("sloth_severity").equals(severity.getKey()) && alert.state() == AlertState.FIRING) {
                Map<String, String> seriesGroup = alert.labels().containsKey("pod") ? Map.of("pod", alert.labels().get("pod")) : Map.of();
                firing.put(seriesGroup, alert.value());
                assertThat(alert.labels()).containsEntry("sloth_id", ID).containsEntry("sloth_service", "shop").containsEntry("sloth_slo", "availability");
                assertThat(alert.annotations()).containsEntry("runbook", "https://runbooks.example/availability");
              }
            }
            assertThat(firing.keySet()).as("minute %d, %s", minute, severity.getKey()).isEqualTo(expected.keySet());
            firing.forEach((seriesGroup, value) -> assertThat(value).isCloseTo(expected.get(seriesGroup), within(1e-9)));
            firing.keySet().forEach(seriesGroup -> seen.add(severity.getKey() + seriesGroup));
          }
        }
        // Not vacuous: pod a and the whole SLO paged, pod b never did, and the pages were sent and resolved.
        assertThat(seen).contains("page{}", "page{pod=a}").doesNotContain("page{pod=b}", "ticket{pod=b}");
        assertThat(sinks.sent()).extracting(OutgoingAlert::generatorUrl).allMatch(url -> url.startsWith("https://grafana.example/explore?left="));
        assertThat(sinks.transitions).anyMatch(transition -> transition.to() == AlertState.INACTIVE && transition.labels().get("pod") != null);
      }
    }
  }

  private static int compare(Map<String, String> left, Map<String, String> right) {
    return left.toString().compareTo(right.toString());
  }
}
