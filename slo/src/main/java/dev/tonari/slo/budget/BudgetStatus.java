package dev.tonari.slo.budget;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The error budget of one SLO series at one minute: what the list, the status API, the report and
 * Sloth's /metrics series show. Every ratio that needs events is an {@link OptionalDouble}, empty
 * when the window has none ("no data"), never 100 % or NaN. Formulas: docs/slo-maths.md.
 *
 * @param windowStartMinute first minute of the SLO window (epoch minutes)
 * @param windowEndMinute one past the window's last minute; for a calendar period it may lie after
 *     {@code asOfMinute}
 * @param asOfMinute one past the last minute counted (the current, unfinished minute is not)
 * @param sli good / total over the counted part of the window
 * @param good good events (Occurrences), good slices (Timeslices) or the sum of slice good ratios
 *     (RatioTimeslices)
 * @param bad bad events, bad slices, or the sum of slice bad ratios
 * @param total all events, or slices with data
 * @param errorBudget {@code 1 - target}
 * @param consumed {@code bad / (total x errorBudget)}: 1 is the whole budget; may exceed 1
 * @param remaining {@code 1 - consumed}; may be below 0
 * @param periodBurnRate the error ratio of the window over the budget; equals {@code consumed}
 *     (Sloth's {@code slo:period_burn_rate:ratio})
 * @param timeToExhaustion how long the remaining budget lasts at the burn rate of the last hour;
 *     zero when already spent, empty without data or without a burn
 * @param burns the error ratio and burn rate of Sloth's windows (5m, 30m, 1h, 2h, 6h, 1d, 3d) ending
 *     at {@code asOfMinute}, then the period (the counted part of the window)
 */
public record BudgetStatus(
    long windowStartMinute,
    long windowEndMinute,
    long asOfMinute,
    OptionalDouble sli,
    double good,
    double bad,
    double total,
    double errorBudget,
    OptionalDouble consumed,
    OptionalDouble remaining,
    OptionalDouble periodBurnRate,
    Optional<Duration> timeToExhaustion,
    List<WindowBurn> burns) {

  public BudgetStatus {
    Objects.requireNonNull(sli, "sli");
    Objects.requireNonNull(consumed, "consumed");
    Objects.requireNonNull(remaining, "remaining");
    Objects.requireNonNull(periodBurnRate, "periodBurnRate");
    Objects.requireNonNull(timeToExhaustion, "timeToExhaustion");
    burns = List.copyOf(burns);
  }

  /** Whether the window holds any event (or slice with data). */
  public boolean hasData() {
    return total > 0;
  }

  /** The figures of the burn window of this length, among {@link #burns}. */
  public Optional<WindowBurn> burn(Duration window) {
    for (WindowBurn burn : burns) {
      if (!burn.period() && burn.window().equals(window)) {
        return Optional.of(burn);
      }
    }
    return Optional.empty();
  }

  /** The period's entry of {@link #burns} (Sloth's {@code ratio_rate30d} for a 30-day SLO). */
  public WindowBurn periodBurn() {
    for (WindowBurn burn : burns) {
      if (burn.period()) {
        return burn;
      }
    }
    throw new IllegalStateException("a budget status always holds its period burn");
  }

  /**
   * One burn window.
   *
   * @param window its length ({@code 5m} ...; for the period, the counted part of the window)
   * @param period whether this is the SLO period rather than one of Sloth's fixed windows
   * @param errorRatio bad / total over the window, in the SLO's budgeting method; empty without data
   * @param burnRate {@code errorRatio / (1 - target)}: 1 spends exactly the budget over the period
   */
  public record WindowBurn(Duration window, boolean period, OptionalDouble errorRatio, OptionalDouble burnRate) {}
}
