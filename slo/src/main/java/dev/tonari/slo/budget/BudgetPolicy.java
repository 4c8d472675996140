package dev.tonari.slo.budget;

import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * The error-budget policy of a tenant: turns an SLO's remaining budget into a state the team acts
 * on, and finds when that state began by walking the {@link BudgetHistory} back from now, one
 * {@code stepMinutes} point at a time, over a bounded lookback (the SLO period's nominal length:
 * a state that held all that time is reported as holding since the lookback's start).
 *
 * @param atRiskShare the remaining share under which an SLO is at risk, in (0, 1]; 0.25 by default
 * @param stepMinutes the grid of the walk back; 1 gives "since" to the minute
 */
public record BudgetPolicy(double atRiskShare, int stepMinutes) {
  public static final double DEFAULT_AT_RISK_SHARE = 0.25;

  /**
   * How close to a threshold a remaining budget counts as on it. The remaining budget is a ratio of
   * floating-point sums, and the {@link BudgetHistory} gets it from differences of prefix sums, so
   * a budget spent exactly (remaining 0 in exact arithmetic) comes out a few units in the last place
   * above or below 0 (1.4e-14 from the history where the direct sum gives -2.2e-16). Compared
   * exactly, that noise decides the state and "since" depends on how the figure was summed. A
   * billionth of the budget is far above that noise and far below any difference a team acts on.
   */
  public static final double THRESHOLD_TOLERANCE = 1e-9;

  public BudgetPolicy {
    if (!(atRiskShare > 0 && atRiskShare <= 1)) {
      throw new IllegalArgumentException("the at-risk share must be in (0, 1], got " + atRiskShare);
    }
    if (stepMinutes <= 0) {
      throw new IllegalArgumentException("the policy step must be a positive number of minutes, got " + stepMinutes);
    }
  }

  /** At risk under 25 % remaining, "since" to the minute. */
  public static BudgetPolicy defaults() {
    return new BudgetPolicy(DEFAULT_AT_RISK_SHARE, 1);
  }

  /**
   * The state for a remaining budget: exhausted at 0 or less, at risk under the share, else healthy;
   * a remaining within {@link #THRESHOLD_TOLERANCE} of 0 or of the share counts as on it.
   */
  public PolicyState stateOf(OptionalDouble remaining) {
    if (remaining.isEmpty()) {
      return PolicyState.NO_DATA;
    }
    double value = remaining.getAsDouble();
    if (value <= THRESHOLD_TOLERANCE) {
      return PolicyState.EXHAUSTED;
    }
    return value < atRiskShare - THRESHOLD_TOLERANCE ? PolicyState.AT_RISK : PolicyState.HEALTHY;
  }

  /** How far back "since" is looked for: the SLO period's nominal length. */
  public static Duration lookback(SloSpec spec) {
    return spec.window().nominalLength();
  }

  public PolicyStatus evaluate(SloSpec spec, MinuteSeries series, Instant now) {
    return evaluate(spec, series, WindowBounds.minuteOf(now));
  }

  /**
   * The state once the minutes before {@code asOfMinute} are in. The series should reach back a
   * lookback plus a window before {@code asOfMinute}; minutes it lacks count as no data.
   */
  public PolicyStatus evaluate(SloSpec spec, MinuteSeries series, long asOfMinute) {
    long points = lookback(spec).toMinutes() / stepMinutes;
    long firstPoint = asOfMinute - points * stepMinutes;
    BudgetHistory history = BudgetHistory.compute(spec, series, firstPoint, asOfMinute, stepMinutes);
    int last = history.size() - 1;
    PolicyState state = stateOf(history.remainingAt(last));
    int runStart = last;
    while (runStart > 0 && stateOf(history.remainingAt(runStart - 1)) == state) {
      runStart--;
    }
    return new PolicyStatus(state, history.instantAt(runStart), runStart == 0);
  }
}
