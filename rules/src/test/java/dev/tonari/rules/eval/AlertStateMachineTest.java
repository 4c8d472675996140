package dev.tonari.rules.eval;

import static dev.tonari.rules.eval.ScriptedQuerier.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.rules.alert.OutgoingAlert;
import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.Rule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.tenancy.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus' alerting-rule state machine, minute by minute with a clock the test moves: pending
 * until {@code for}, firing, {@code keep_firing_for}, resolution, the 15 minutes a resolved alert
 * is kept and sent again, resend timing and {@code endsAt}, and what a restart restores. Every
 * expected instant is worked out from Prometheus' rules in the comments.
 */
class AlertStateMachineTest {
  private static final String TENANT = "team-a";
  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
  private static final String EXPR = "sum by (instance) (rate({app=\"api\"} |= \"error\" [5m]))";

  @TempDir Path stateDirectory;
  private final MutableClock clock = new MutableClock(T0);
  private final ScriptedQuerier querier = new ScriptedQuerier();
  private final StaticRuleSource source = new StaticRuleSource();
  private final CollectingSinks sinks = new CollectingSinks();
  private final List<Ruler> rulers = new ArrayList<>();

  @AfterEach
  void close() {
    rulers.forEach(Ruler::close);
  }

  private Ruler ruler(EvaluationSettings settings) throws IOException {
    Ruler ruler = new Ruler(settings, List.of(source), querier, sinks, sinks, sinks, clock, stateDirectory);
    rulers.add(ruler);
    return ruler;
  }

  private Ruler ruler() throws IOException {
    return ruler(EvaluationSettings.defaults("https://grafana.example/"));
  }

  private static AlertingRule alert(Duration forDuration, Duration keepFiringFor) {
    return new AlertingRule("HighErrors", EXPR, forDuration, keepFiringFor, Map.of("severity", "page"),
        Map.of("summary", "{{ $labels.instance }} fails at {{ humanize $value }}/s"));
  }

  private void group(Optional<Duration> interval, int limit, Rule... rules) {
    source.put(TENANT, "api", new RuleGroup("errors", interval, limit, List.of(rules)));
  }

  private void at(Ruler ruler, Duration sinceStart) {
    Instant now = T0.plus(sinceStart);
    clock.set(now);
    ruler.evaluateAllAt(now);
  }

  private static Duration minutes(long minutes) {
    return Duration.ofMinutes(minutes);
  }

  private RuleViews.AlertingRule view(Ruler ruler) {
    return (RuleViews.AlertingRule) ruler.rules(TENANT).get(0).rules().get(0);
  }

  private static AlertTransition transition(AlertState from, AlertState to, Instant at, double value) {
    return new AlertTransition(TENANT, "api", "errors", "HighErrors", Map.of("alertname", "HighErrors", "instance", "a", "severity", "page"),
        Map.of("summary", "a fails at " + Humanize.humanize(value) + "/s"), from, to, at, value);
  }

  @Test
  void pendingUntilForThenFiringResentEveryOtherMinuteThenResolvedAndKeptFifteenMinutes() throws Exception {
    group(Optional.empty(), 0, alert(minutes(5), Duration.ZERO));
    Ruler ruler = ruler();
    querier.answer(EXPR, sample(2.5, "instance", "a"));

    at(ruler, minutes(0));
    assertThat(sinks.transitions).containsExactly(transition(AlertState.INACTIVE, AlertState.PENDING, T0, 2.5));
    assertThat(view(ruler).state()).isEqualTo(AlertState.PENDING);
    assertThat(view(ruler).alerts()).singleElement().satisfies(alert -> {
      assertThat(alert.activeAt()).isEqualTo(T0);
      assertThat(alert.state()).isEqualTo(AlertState.PENDING);
      assertThat(alert.annotations()).containsEntry("summary", "a fails at 2.5/s");
    });
    for (int minute = 1; minute <= 4; minute++) {
      at(ruler, minutes(minute));
    }
    // Pending alerts are never sent.
    assertThat(sinks.sends).isEmpty();
    assertThat(sinks.transitions).hasSize(1);

    // 5m after activeAt: now - activeAt >= for.
    querier.answer(EXPR, sample(3, "instance", "a"));
    at(ruler, minutes(5));
    assertThat(sinks.transitions).last().isEqualTo(transition(AlertState.PENDING, AlertState.FIRING, T0.plus(minutes(5)), 3));
    assertThat(sinks.sent()).singleElement().satisfies(sent -> {
      assertThat(sent.labels()).isEqualTo(Map.of("alertname", "HighErrors", "instance", "a", "severity", "page"));
      assertThat(sent.annotations()).isEqualTo(Map.of("summary", "a fails at 3/s"));
      // Prometheus sends the time the alert started firing, valid for 4 x max(interval, resend_delay).
      assertThat(sent.startsAt()).isEqualTo(T0.plus(minutes(5)));
      assertThat(sent.endsAt()).isEqualTo(T0.plus(minutes(9)));
      assertThat(sent.generatorUrl()).startsWith("https://grafana.example/explore?left=");
    });
    assertThat(sinks.sendTenants).containsExactly(TENANT);

    // Resent when the last send is more than resend_delay (1m) ago: not at 6m (exactly 1m), at 7m.
    sinks.clear();
    at(ruler, minutes(6));
    assertThat(sinks.sends).isEmpty();
    at(ruler, minutes(7));
    assertThat(sinks.sent()).singleElement().satisfies(sent -> {
      assertThat(sent.startsAt()).isEqualTo(T0.plus(minutes(5)));
      assertThat(sent.endsAt()).isEqualTo(T0.plus(minutes(11)));
    });

    // The series goes away at 8m: resolved, sent at once with endsAt = resolvedAt.
    sinks.clear();
    querier.answer(EXPR);
    at(ruler, minutes(8));
    assertThat(sinks.transitions).containsExactly(transition(AlertState.FIRING, AlertState.INACTIVE, T0.plus(minutes(8)), 3));
    assertThat(sinks.sent()).singleElement().satisfies(sent -> {
      assertThat(sent.endsAt()).isEqualTo(T0.plus(minutes(8)));
      assertThat(sent.resolvedAt(T0.plus(minutes(8)))).isTrue();
    });
    assertThat(view(ruler).state()).isEqualTo(AlertState.INACTIVE);
    assertThat(view(ruler).alerts()).isEmpty();

    // Kept for 15 minutes and sent again every other minute: 10m, 12m, ..., 22m; dropped at 24m (16m > 15m).
    sinks.clear();
    List<Instant> resolvedSends = new ArrayList<>();
    for (int minute = 9; minute <= 30; minute++) {
      int before = sinks.sent().size();
      at(ruler, minutes(minute));
      if (sinks.sent().size() > before) {
        OutgoingAlert sent = sinks.sent().get(sinks.sent().size() - 1);
        assertThat(sent.endsAt()).isEqualTo(T0.plus(minutes(8)));
        resolvedSends.add(T0.plus(minutes(minute)));
      }
    }
    assertThat(resolvedSends).containsExactly(T0.plus(minutes(10)), T0.plus(minutes(12)), T0.plus(minutes(14)), T0.plus(minutes(16)),
        T0.plus(minutes(18)), T0.plus(minutes(20)), T0.plus(minutes(22)));
    assertThat(sinks.transitions).isEmpty();
  }

  @Test
  void forZeroFiresAtOnceAsOneTransition() throws Exception {
    group(Optional.empty(), 0, alert(Duration.ZERO, Duration.ZERO));
    Ruler ruler = ruler();
    querier.answer(EXPR, sample(1, "instance", "a"));

    at(ruler, minutes(0));

    assertThat(sinks.transitions).containsExactly(transition(AlertState.INACTIVE, AlertState.FIRING, T0, 1));
    assertThat(sinks.sent()).singleElement().satisfies(sent -> {
      assertThat(sent.startsAt()).isEqualTo(T0);
      assertThat(sent.endsAt()).isEqualTo(T0.plus(minutes(4)));
    });
    assertThat(view(ruler).alerts().get(0).activeAt()).isEqualTo(T0);
  }

  @Test
  void aPendingAlertWhoseSeriesGoesAwayIsDroppedWithoutBeingSent() throws Exception {
    group(Optional.empty(), 0, alert(minutes(5), Duration.ZERO));
    Ruler ruler = ruler();
    querier.answer(EXPR, sample(1, "instance", "a"));
    at(ruler, minutes(0));
    querier.answer(EXPR);

    at(ruler, minutes(1));

    assertThat(sinks.transitions).containsExactly(transition(AlertState.INACTIVE, AlertState.PENDING, T0, 1),
        transition(AlertState.PENDING, AlertState.INACTIVE, T0.plus(minutes(1)), 1));
    assertThat(sinks.sends).isEmpty();
    // Back a minute later: a new alert, active from then.
    querier.answer(EXPR, sample(1, "instance", "a"));
    at(ruler, minutes(2));
    assertThat(view(ruler).alerts().get(0).activeAt()).isEqualTo(T0.plus(minutes(2)));
  }

  @Test
  void keepFiringForHoldsAFiringAlertAfterItsSeriesWentAway() throws Exception {
    group(Optional.empty(), 0, alert(Duration.ZERO, minutes(3)));
    Ruler ruler = ruler();
    querier.answer(EXPR, sample(1, "instance", "a"));
    at(ruler, minutes(0));
    querier.answer(EXPR);

    at(ruler, minutes(1));
    RuleViews.Alert held = view(ruler).alerts().get(0);
    assertThat(held.state()).isEqualTo(AlertState.FIRING);
    assertThat(held.keepFiringSince()).contains(T0.plus(minutes(1)));
    assertThat(PrometheusRulesJson.alerts(ruler.alerts(TENANT))).contains("\"keepFiringSince\":\"2026-01-05T10:01:00Z\"");
    // Still firing while now - keepFiringSince < 3m: at 2m and 3m.
    at(ruler, minutes(2));
    at(ruler, minutes(3));
    assertThat(view(ruler).state()).isEqualTo(AlertState.FIRING);
    assertThat(sinks.transitions).hasSize(1);
    // The series comes back: keepFiringSince is reset; gone again at 5m, it is held from 5m.
    querier.answer(EXPR, sample(1, "instance", "a"));
    at(ruler, minutes(4));
    assertThat(view(ruler).alerts().get(0).keepFiringSince()).isEmpty();
    querier.answer(EXPR);
    at(ruler, minutes(5));
    at(ruler, minutes(7));
    assertThat(view(ruler).state()).isEqualTo(AlertState.FIRING);
    at(ruler, minutes(8));
    assertThat(view(ruler).state()).isEqualTo(AlertState.INACTIVE);
    assertThat(sinks.transitions).last().isEqualTo(transition(AlertState.FIRING, AlertState.INACTIVE, T0.plus(minutes(8)), 1));
  }

  @Test
  void resendDelayAndIntervalSetTheResendTimesAndEndsAt() throws Exception {
    // Interval 10s, resend_delay 1m: sent when the last send is more than 1m ago (every 70s); valid for 4 x 1m.
    group(Optional.of(Duration.ofSeconds(10)), 0, alert(Duration.ZERO, Duration.ZERO));
    Ruler ruler = ruler();
    querier.answer(EXPR, sample(1, "instance", "a"));
    List<Instant> sendTimes = new ArrayList<>();
    for (int step = 0; step <= 15; step++) {
      Duration since = Duration.ofSeconds(10L * step);
      int before = sinks.sent().size();
      at(ruler, since);
      if (sinks.sent().size() > before) {
        sendTimes.add(T0.plus(since));
        assertThat(sinks.sent().get(before).endsAt()).isEqualTo(T0.plus(since).plus(minutes(4)));
      }
    }
    assertThat(sendTimes).containsExactly(T0, T0.plusSeconds(70), T0.plusSeconds(140));

    // Interval 2m, resend_delay 30s: sent at every evaluation, valid for 4 x 2m.
    sinks.clear();
    Ruler other = ruler(EvaluationSettings.defaults("").withResendDelay(Duration.ofSeconds(30)));
    source.put(TENANT, "api", new RuleGroup("errors", Optional.of(minutes(2)), 0, List.of(alert(Duration.ZERO, Duration.ZERO))));
    at(other, minutes(10));
    at(other, minutes(12));
    assertThat(sinks.sent()).extracting(OutgoingAlert::endsAt).containsExactly(T0.plus(minutes(18)), T0.plus(minutes(20)));
  }

  @Test
  void aRestartKeepsForProgressAndDoesNotPageAgain() throws Exception {
    group(Optional.empty(), 0, alert(minutes(5), Duration.ZERO));
    querier.answer(EXPR, sample(1, "instance", "a"));
    Ruler first = ruler();
    at(first, minutes(0));
    at(first, minutes(2));
    first.close();

    Ruler second = ruler();
    at(second, minutes(3));
    assertThat(view(second).alerts().get(0).activeAt()).isEqualTo(T0);
    at(second, minutes(4));
    assertThat(view(second).state()).isEqualTo(AlertState.PENDING);
    at(second, minutes(5));
    // Fires 5m after the original activeAt, not 5m after the restart.
    assertThat(view(second).state()).isEqualTo(AlertState.FIRING);
    assertThat(sinks.sent()).singleElement().extracting(OutgoingAlert::startsAt).isEqualTo(T0.plus(minutes(5)));
    second.close();

    // Restarted again right after it fired: no new transition, and no send before resend_delay has passed.
    sinks.clear();
    Ruler third = ruler();
    at(third, minutes(6));
    assertThat(sinks.transitions).isEmpty();
    assertThat(sinks.sends).isEmpty();
    at(third, minutes(7));
    assertThat(sinks.sent()).singleElement().satisfies(sent -> {
      assertThat(sent.startsAt()).isEqualTo(T0.plus(minutes(5)));
      assertThat(sent.endsAt()).isEqualTo(T0.plus(minutes(11)));
    });
  }

  @Test
  void afterAnOutageLongerThanTheToleranceForStartsAfresh() throws Exception {
    group(Optional.empty(), 0, alert(minutes(5), Duration.ZERO));
    querier.answer(EXPR, sample(1, "instance", "a"));
    Ruler first = ruler();
    at(first, minutes(0));
    first.close();

    clock.set(T0.plus(Duration.ofHours(2)));
    Ruler second = ruler();
    at(second, Duration.ofHours(2));

    assertThat(view(second).alerts().get(0).activeAt()).isEqualTo(T0.plus(Duration.ofHours(2)));
  }

  @Test
  void moreAlertsThanTheLimitFailTheRuleAndDropItsAlerts() throws Exception {
    AlertingRule other = new AlertingRule("Other", "other", Duration.ZERO, Duration.ZERO, Map.of(), Map.of());
    group(Optional.empty(), 1, alert(Duration.ZERO, Duration.ZERO), other);
    Ruler ruler = ruler();
    querier.answer(EXPR, sample(1, "instance", "a")).answer("other", sample(1));
    at(ruler, minutes(0));
    assertThat(view(ruler).state()).isEqualTo(AlertState.FIRING);
    sinks.clear();

    querier.answer(EXPR, sample(1, "instance", "a"), sample(2, "instance", "b"));
    at(ruler, minutes(1));

    RuleViews.AlertingRule failed = view(ruler);
    assertThat(failed.health()).isEqualTo(RuleHealth.ERR);
    assertThat(failed.lastError()).isEqualTo("exceeded limit of 1 with 2 alerts");
    assertThat(failed.alerts()).isEmpty();
    // The firing alert ends for the history; nothing of the failed rule is sent.
    assertThat(sinks.transitions).containsExactly(transition(AlertState.FIRING, AlertState.INACTIVE, T0.plus(minutes(1)), 1));
    assertThat(sinks.sent()).noneMatch(sent -> sent.alertName().equals("HighErrors"));
    // The next rule of the group still ran.
    assertThat(ruler.rules(TENANT).get(0).rules().get(1).health()).isEqualTo(RuleHealth.OK);
  }

  @Test
  void aFailingQueryMarksItsRuleUnhealthyAndTheGroupGoesOn() throws Exception {
    AlertingRule second = new AlertingRule("Second", "second", Duration.ZERO, Duration.ZERO, Map.of(), Map.of());
    group(Optional.empty(), 0, alert(Duration.ZERO, Duration.ZERO), second);
    Ruler ruler = ruler();
    ruler.sync();
    assertThat(ruler.rules(TENANT).get(0).rules()).extracting(RuleViews.Rule::health).containsExactly(RuleHealth.UNKNOWN, RuleHealth.UNKNOWN);

    querier.fail(EXPR, "parse error at line 1, col 5: syntax error").answer("second", sample(1));
    at(ruler, minutes(0));

    List<RuleViews.Rule> rules = ruler.rules(TENANT).get(0).rules();
    assertThat(rules.get(0).health()).isEqualTo(RuleHealth.ERR);
    assertThat(rules.get(0).lastError()).isEqualTo("parse error at line 1, col 5: syntax error");
    assertThat(rules.get(0).lastEvaluation()).contains(T0);
    assertThat(rules.get(1).health()).isEqualTo(RuleHealth.OK);
    assertThat(sinks.sent()).extracting(OutgoingAlert::alertName).containsExactly("Second");

    // Healthy again once the query works; the error is cleared.
    querier.answer(EXPR);
    at(ruler, minutes(1));
    assertThat(ruler.rules(TENANT).get(0).rules().get(0).health()).isEqualTo(RuleHealth.OK);
    assertThat(ruler.rules(TENANT).get(0).rules().get(0).lastError()).isEmpty();
  }

  @Test
  void seriesThatBecomeTheSameAlertFailTheRule() throws Exception {
    AlertingRule rule = new AlertingRule("Same", "same", Duration.ZERO, Duration.ZERO, Map.of("instance", "all"), Map.of());
    group(Optional.empty(), 0, rule);
    Ruler ruler = ruler();
    querier.answer("same", sample(1, "instance", "a"), sample(2, "instance", "b"));

    at(ruler, minutes(0));

    assertThat(view(ruler).lastError()).isEqualTo("vector contains metrics with the same labelset after applying alert labels");
    assertThat(sinks.sends).isEmpty();
  }

  @Test
  void ruleLabelsAreTemplatedAndAnEmptyOneRemovesTheSeriesLabel() throws Exception {
    AlertingRule rule = new AlertingRule("Templated", "templated", Duration.ZERO, Duration.ZERO,
        Map.of("level", "{{ if gt $value 10.0 }}critical{{ else }}warning{{ end }}", "pod", "", "__name__", "x"), Map.of());
    group(Optional.empty(), 0, rule);
    Ruler ruler = ruler();
    querier.answer("templated", sample(12, "__name__", "errors", "pod", "p-1", "app", "api"), sample(3, "pod", "p-2", "app", "web"));

    at(ruler, minutes(0));

    assertThat(sinks.sent()).extracting(OutgoingAlert::labels).containsExactlyInAnyOrder(
        Map.of("alertname", "Templated", "app", "api", "level", "critical", "__name__", "x"),
        Map.of("alertname", "Templated", "app", "web", "level", "warning", "__name__", "x"));
  }

  @Test
  void aSinkThatThrowsStopsNothing() throws Exception {
    group(Optional.empty(), 0, alert(Duration.ZERO, Duration.ZERO));
    CollectingSinks transitions = new CollectingSinks();
    Ruler ruler = new Ruler(EvaluationSettings.defaults(""), List.of(source), querier, (tenant, alerts) -> {
      throw new IllegalStateException("receiver down");
    }, (tenant, samples) -> {}, transitions, clock, stateDirectory);
    rulers.add(ruler);
    querier.answer(EXPR, sample(1, "instance", "a"));

    ruler.evaluateAllAt(T0);
    ruler.evaluateAllAt(T0.plus(minutes(1)));

    assertThat(transitions.transitions).hasSize(1);
    assertThat(ruler.rules(TENANT).get(0).rules().get(0).health()).isEqualTo(RuleHealth.OK);
  }
}
