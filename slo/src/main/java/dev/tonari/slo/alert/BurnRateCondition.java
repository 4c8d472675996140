package dev.tonari.slo.alert;

import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.rollup.WindowSums;
import java.time.Duration;
import java.util.Objects;

/**
 * One multi-window burn-rate condition of an SLO, evaluated at a minute: it holds when the burn
 * rate over the long window and the burn rate over the short window are both strictly above the
 * tier's factor. That is the comparison of Sloth's generated rules
 * ({@code slo:sli_error:ratio_rate5m > (14.4 * 0.001) and ... ratio_rate1h > (14.4 * 0.001)}) and
 * of the SRE workbook, so Tonari's condition and a Prometheus running Sloth's rule agree on the
 * same data. The long window makes the condition significant (enough budget spent); the short
 * window makes it stop holding soon after the errors stop.
 *
 * <p>A window without events is "no data", and a condition with a window of no data does not hold:
 * Sloth's rule yields nothing there either.
 *
 * @param tier the windows, factor and name of the condition
 * @param target the SLO's objective as a ratio; the burn rate is {@code errorRatio / (1 - target)} (for a
 *     100 % objective any error burns infinitely fast, and a window without errors has no burn rate)
 */
public record BurnRateCondition(BurnRateTier tier, double target) {
  public BurnRateCondition {
    Objects.requireNonNull(tier, "tier");
    if (!(target > 0 && target <= 1)) {
      throw new IllegalArgumentException("target must be in (0, 1], got " + target + " for tier " + tier.name());
    }
  }

  /**
   * The error ratio over the {@code window} that ends where {@code nowMinute} begins: the minutes
   * {@code [nowMinute - window, nowMinute)}, so the minute now in progress (still filling) is not
   * counted. NaN when those minutes hold no events.
   *
   * @throws IllegalArgumentException when the window is not a positive whole number of minutes
   */
  public static double errorRatio(MinuteSeries series, Duration window, long nowMinute) {
    return WindowSums.of(series, nowMinute - windowMinutes(window), nowMinute).errorRatio();
  }

  /** {@code errorRatio / (1 - target)}; NaN stays NaN (no data). */
  public static double burnRate(double errorRatio, double target) {
    return errorRatio / (1 - target);
  }

  /** The window's length in minutes, the resolution of the rollups. */
  static long windowMinutes(Duration window) {
    if (window.isNegative() || window.isZero() || window.toSeconds() % 60 != 0 || window.toNanosPart() != 0) {
      throw new IllegalArgumentException("a burn-rate window must be a positive whole number of minutes, got " + window);
    }
    return window.toMinutes();
  }

  /** Evaluates the condition on a series at a minute (see {@link #errorRatio}). */
  public Evaluation evaluate(MinuteSeries series, long nowMinute) {
    double longRatio;
    double shortRatio;
    try {
      longRatio = errorRatio(series, tier.longWindow(), nowMinute);
      shortRatio = errorRatio(series, tier.shortWindow(), nowMinute);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("tier " + tier.name() + ": " + e.getMessage(), e);
    }
    return evaluate(longRatio, shortRatio);
  }

  /** Evaluates the condition on error ratios already summed over its long and short windows. */
  public Evaluation evaluate(double longErrorRatio, double shortErrorRatio) {
    double longBurn = burnRate(longErrorRatio, target);
    double shortBurn = burnRate(shortErrorRatio, target);
    // NaN compares false, so no data in either window never holds.
    boolean holds = longBurn > tier.factor() && shortBurn > tier.factor();
    return new Evaluation(holds, shortBurn, longBurn);
  }

  /**
   * The outcome at one minute.
   *
   * @param holds both burn rates are above the factor
   * @param shortBurnRate the burn rate over the short window; NaN without data
   * @param longBurnRate the burn rate over the long window; NaN without data
   */
  public record Evaluation(boolean holds, double shortBurnRate, double longBurnRate) {}
}
