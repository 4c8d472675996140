package dev.tonari.slo.engine;

import dev.tonari.slo.alert.BurnRateConditions;
import dev.tonari.slo.alert.ConditionState;
import dev.tonari.slo.alert.ConditionStep;
import dev.tonari.slo.alert.StateTransition;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The burn-rate conditions of one SLO series between evaluations: the states of the last step of
 * {@link BurnRateConditions}, and the transitions seen since the engine started (newest last,
 * bounded), for the API, /metrics and, later, the alert history.
 */
final class ConditionTracker {
  /** The longest window a tier may have; the series handed to {@link #step} reaches this far back. */
  static final long LOOKBACK_MINUTES = Duration.ofDays(3).toMinutes() + 60;
  private static final int MAX_TRANSITIONS = 1000;

  private final SloSpec spec;
  private List<ConditionState> states = List.of();
  private final List<StateTransition> transitions = new ArrayList<>();

  ConditionTracker(SloSpec spec) {
    this.spec = spec;
  }

  /** Evaluates the tiers once the minutes before {@code nowMinute} are in. */
  synchronized void step(MinuteSeries series, long nowMinute, Instant unused) {
    ConditionStep step = BurnRateConditions.step(states, spec, series, nowMinute);
    states = step.states();
    transitions.addAll(step.transitions());
    if (transitions.size() > MAX_TRANSITIONS) {
      transitions.subList(0, transitions.size() - MAX_TRANSITIONS).clear();
    }
  }

  synchronized List<ConditionState> states() {
    return states;
  }

  synchronized List<StateTransition> transitions() {
    return List.copyOf(transitions);
  }

  /** The API's view: one entry per tier, inactive for tiers not evaluated yet. */
  synchronized List<SloView.Condition> views() {
    Map<String, ConditionState> byTier = new LinkedHashMap<>();
    for (ConditionState state : states) {
      byTier.put(state.tierName(), state);
    }
    List<SloView.Condition> views = new ArrayList<>();
    for (BurnRateTier tier : spec.alerting().tiers()) {
      ConditionState state = byTier.get(tier.name());
      views.add(state == null ? inactive(tier) : new SloView.Condition(tier.name(), tier.severity(), state.state().label(), Optional.of(state.since()),
          tier.longWindow(), tier.shortWindow(), tier.factor(), finite(state.lastLongBurnRate()), finite(state.lastShortBurnRate()), tier.alertAfter()));
    }
    return views;
  }

  static List<SloView.Condition> inactive(SloSpec spec) {
    return spec.alerting().tiers().stream().map(ConditionTracker::inactive).toList();
  }

  private static SloView.Condition inactive(BurnRateTier tier) {
    return new SloView.Condition(tier.name(), tier.severity(), ConditionState.State.INACTIVE.label(), Optional.empty(), tier.longWindow(),
        tier.shortWindow(), tier.factor(), OptionalDouble.empty(), OptionalDouble.empty(), tier.alertAfter());
  }

  private static OptionalDouble finite(double value) {
    return Double.isFinite(value) ? OptionalDouble.of(value) : OptionalDouble.empty();
  }

  /**
   * How often each severity's conditions started firing within {@code [fromMinute, toMinute)}: the
   * state machine replayed on a {@code stepMinutes} grid over the rollups, from inactive one day
   * before (so an alert already firing when the range begins is not counted).
   */
  static Map<String, Integer> firingsOver(SloSpec spec, MinuteSeries series, long fromMinute, long toMinute, int stepMinutes) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (BurnRateTier tier : spec.alerting().tiers()) {
      counts.putIfAbsent(tier.severity(), 0);
    }
    List<ConditionState> states = List.of();
    long warmUp = fromMinute - Duration.ofDays(1).toMinutes();
    for (long minute = warmUp; minute <= toMinute; minute += stepMinutes) {
      ConditionStep step = BurnRateConditions.step(states, spec, series, minute);
      states = step.states();
      if (minute >= fromMinute) {
        for (StateTransition transition : step.transitions()) {
          if (transition.to() == ConditionState.State.FIRING) {
            counts.merge(transition.severity(), 1, Integer::sum);
          }
        }
      }
    }
    return counts;
  }
}
