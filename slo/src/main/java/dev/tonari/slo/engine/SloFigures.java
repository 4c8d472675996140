package dev.tonari.slo.engine;

import dev.tonari.slo.budget.BudgetCalculator;
import dev.tonari.slo.budget.BudgetPolicy;
import dev.tonari.slo.budget.BudgetStatus;
import dev.tonari.slo.budget.PolicyState;
import dev.tonari.slo.budget.PolicyStatus;
import dev.tonari.slo.budget.WindowBounds;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.SloDurations;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** Turns one series' rollups into the figures the API shows, with the budget maths of {@code dev.tonari.slo.budget}. */
final class SloFigures {
  /** The policy's "since" is found on a 5-minute grid: exact enough for a date, a fifth of the work. */
  static final int POLICY_STEP_MINUTES = 5;

  private SloFigures() {}

  /**
   * How many minutes before now a status needs: back to the start of the window of the policy's
   * first point (the remaining budget at each point of the lookback needs its own window, and a
   * calendar period may be longer than its nominal length), and at least Sloth's longest burn
   * window (3 days, longer than a short SLO window) and the longest alert tier.
   */
  static long minutesNeeded(SloSpec spec, Instant now) {
    long nowMinute = WindowBounds.minuteOf(now);
    long current = WindowBounds.current(spec.window(), now).startMinute();
    long firstPolicyPoint = WindowBounds.endingAt(spec.window(), nowMinute - BudgetPolicy.lookback(spec).toMinutes()).startMinute();
    long windows = nowMinute - Math.min(current, firstPolicyPoint) + 1;
    long burns = BudgetCalculator.SLOTH_WINDOWS.getLast().toMinutes();
    return Math.max(windows, Math.max(burns, ConditionTracker.LOOKBACK_MINUTES));
  }

  static SloView.Figures compute(SloSpec spec, MinuteSeries series, long nowMinute, Instant now, double atRiskShare,
      List<SloView.Condition> conditions) {
    BudgetStatus status = BudgetCalculator.status(spec, series, nowMinute);
    PolicyStatus policy = new BudgetPolicy(atRiskShare, POLICY_STEP_MINUTES).evaluate(spec, series, nowMinute);
    Map<String, OptionalDouble> errorRatios = new LinkedHashMap<>();
    Map<String, OptionalDouble> burnRates = new LinkedHashMap<>();
    for (BudgetStatus.WindowBurn burn : status.burns()) {
      String name = burn.period() ? "period" : SloDurations.format(burn.window());
      errorRatios.put(name, burn.errorRatio());
      burnRates.put(name, burn.burnRate());
    }
    String unit = spec.budgeting() == BudgetingMethod.OCCURRENCES ? "events" : "slices";
    Optional<Instant> since = policy.state() == PolicyState.NO_DATA ? Optional.empty() : Optional.of(policy.since());
    return new SloView.Figures(WindowBounds.instantOf(status.windowStartMinute()), WindowBounds.instantOf(status.windowEndMinute()), status.sli(),
        status.good(), status.bad(), status.total(), unit, status.consumed(), status.remaining(), errorRatios, burnRates,
        status.periodBurnRate(), status.timeToExhaustion(), new SloView.Policy(policy.state().wireName(), since, meaning(policy.state(), atRiskShare)),
        conditions);
  }

  /** What the error-budget policy asks of the team in each state. */
  static String meaning(PolicyState state, double atRiskShare) {
    return switch (state) {
      case HEALTHY -> "budget left: ship features as usual";
      case AT_RISK -> "under " + Math.round(atRiskShare * 100) + "% of the budget left: ship with care, prioritise reliability work";
      case EXHAUSTED -> "budget spent: freeze feature releases, work on reliability until the budget recovers";
      case NO_DATA -> "no events in the window: nothing to decide on";
    };
  }
}
