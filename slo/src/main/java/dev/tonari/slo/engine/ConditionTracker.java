package dev.tonari.slo.engine;

import dev.tonari.slo.alert.BurnRateConditions;
import dev.tonari.slo.alert.ConditionState;
import dev.tonari.slo.alert.ConditionStep;
import dev.tonari.slo.alert.StateTransition;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Duration;
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
 *
 * <p>A new tracker (a new SLO, a changed spec, a new group, or any SLO after a restart) first
 * replays the conditions over the rollups of the last {@link #WARM_UP_MINUTES} on a
 * {@link WeeklyReports#REPLAY_STEP_MINUTES} grid, without recording transitions, so that a
 * condition already firing keeps its "since" (to the grid) instead of starting anew at the first
 * step, and a restart raises no alert again.
 */
final class ConditionTracker {
  /** The longest window a tier may have; the series handed to {@link #step} reaches this far back. */
  static final long LOOKBACK_MINUTES = Duration.ofDays(3).toMinutes() + 60;
  private static final int MAX_TRANSITIONS = 1000;
  /** How far back a new tracker replays the conditions before its first step. */
  static final long WARM_UP_MINUTES = Duration.ofDays(1).toMinutes();

  private final SloSpec spec;
  private List<ConditionState> states = List.of();
  private final List<StateTransition> transitions = new ArrayList<>();
  private boolean warmedUp;

  ConditionTracker(SloSpec spec) {
    this.spec = spec;
  }

  /** Whether the first step has been taken; before it, {@link #step} needs {@link #WARM_UP_MINUTES} more of the series. */
  synchronized boolean warmedUp() {
    return warmedUp;
  }

  /**
   * Evaluates the tiers once the minutes before {@code nowMinute} are in. The series reaches
   * {@link #LOOKBACK_MINUTES} back, and {@link #WARM_UP_MINUTES} more at the first step.
   */
  synchronized void step(MinuteSeries series, long nowMinute) {
    if (!warmedUp) {
      warmedUp = true;
      // On whole multiples of the step, so that replays at different times (before and after a restart) agree.
      int grid = WeeklyReports.REPLAY_STEP_MINUTES;
      for (long minute = Math.floorDiv(nowMinute - WARM_UP_MINUTES, grid) * grid; minute < nowMinute; minute += grid) {
        states = BurnRateConditions.step(states, spec, series, minute).states();
      }
    }
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
