package dev.tonari.slo.budget;

import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeSlices;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The error-budget figures of one SLO series, as pure functions of its per-minute rollups: no I/O,
 * no clock, no state. Each figure is one pass over flat arrays without allocation per minute, so a
 * 30-day status (43,200 minutes plus Sloth's burn windows) is a few tight loops. The formulas, the
 * no-data rules and the slice alignment are those of docs/slo-maths.md, which is the reference;
 * minutes outside the given series count as no data.
 */
public final class BudgetCalculator {
  /** Sloth's burn windows, the {@code slo:sli_error:ratio_rate<window>} series besides the period. */
  public static final List<Duration> SLOTH_WINDOWS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1),
      Duration.ofHours(2), Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(3));

  /**
   * The burn window time to exhaustion extrapolates: an hour reacts within minutes to an incident
   * yet does not swing with one bad minute the way 5m does.
   */
  public static final Duration EXHAUSTION_BURN_WINDOW = Duration.ofHours(1);

  private BudgetCalculator() {}

  /** The status at {@code now}: the minutes before the one holding {@code now} count. */
  public static BudgetStatus status(SloSpec spec, MinuteSeries series, Instant now) {
    return status(spec, series, WindowBounds.minuteOf(now));
  }

  /** The status once the minutes before {@code asOfMinute} are in. */
  public static BudgetStatus status(SloSpec spec, MinuteSeries series, long asOfMinute) {
    WindowBounds window = WindowBounds.endingAt(spec.window(), asOfMinute);
    long countedEnd = Math.min(window.endMinute(), asOfMinute);
    Tally period = tally(spec, series, window.startMinute(), window.startMinute(), countedEnd);
    double errorBudget = spec.errorBudget();
    OptionalDouble consumed = consumed(period, errorBudget);
    OptionalDouble remaining = remaining(consumed);
    List<BudgetStatus.WindowBurn> burns = new ArrayList<>(SLOTH_WINDOWS.size() + 1);
    OptionalDouble exhaustionBurn = OptionalDouble.empty();
    for (Duration length : SLOTH_WINDOWS) {
      Tally burnTally = tally(spec, series, window.startMinute(), asOfMinute - length.toMinutes(), asOfMinute);
      BudgetStatus.WindowBurn burn = windowBurn(length, false, burnTally, errorBudget);
      if (length.equals(EXHAUSTION_BURN_WINDOW)) {
        exhaustionBurn = burn.burnRate();
      }
      burns.add(burn);
    }
    BudgetStatus.WindowBurn periodBurn = windowBurn(Duration.ofMinutes(countedEnd - window.startMinute()), true, period, errorBudget);
    burns.add(periodBurn);
    return new BudgetStatus(window.startMinute(), window.endMinute(), asOfMinute, sli(period), period.good(), period.bad(), period.total(),
        errorBudget, consumed, remaining, periodBurn.burnRate(), timeToExhaustion(remaining, exhaustionBurn, window.length()), burns);
  }

  /**
   * The error ratio over {@code [asOf - window, asOf)} in the spec's budgeting method (slices
   * aligned to the SLO window's start), over the budget: {@code errorRatio / (1 - target)}.
   */
  public static OptionalDouble burnRate(SloSpec spec, MinuteSeries series, long asOfMinute, Duration window) {
    long origin = WindowBounds.endingAt(spec.window(), asOfMinute).startMinute();
    return burnRate(errorRatio(tally(spec, series, origin, asOfMinute - window.toMinutes(), asOfMinute)), spec.errorBudget());
  }

  /** The remaining budget of the window ending at {@code asOfMinute} (the status's {@code remaining}). */
  public static OptionalDouble remainingAt(SloSpec spec, MinuteSeries series, long asOfMinute) {
    WindowBounds window = WindowBounds.endingAt(spec.window(), asOfMinute);
    return remaining(consumed(tally(spec, series, window.startMinute(), window.startMinute(), Math.min(window.endMinute(), asOfMinute)),
        spec.errorBudget()));
  }

  /** The budget at the start and end of {@code week} (see {@link WeekBudget} for the calendar edge). */
  public static WeekBudget weekBudget(SloSpec spec, MinuteSeries series, WindowBounds week) {
    OptionalDouble atStart = remainingAt(spec, series, week.startMinute());
    OptionalDouble atEnd;
    if (spec.window() instanceof TimeWindow.Calendar calendar && week.lengthMinutes() > 0) {
      WindowBounds lastPeriod = WindowBounds.periodContaining(calendar, WindowBounds.instantOf(week.endMinute() - 1));
      long countedEnd = Math.min(lastPeriod.endMinute(), week.endMinute());
      atEnd = remaining(consumed(tally(spec, series, lastPeriod.startMinute(), lastPeriod.startMinute(), countedEnd), spec.errorBudget()));
    } else {
      atEnd = remainingAt(spec, series, week.endMinute());
    }
    return new WeekBudget(week, atStart, atEnd);
  }

  /**
   * How long {@code remaining} lasts at {@code burnRate}: burning at 1 spends the whole budget in one
   * period, so the rest lasts {@code remaining x period / burnRate}. Zero when nothing remains;
   * empty without data or when nothing burns.
   */
  public static Optional<Duration> timeToExhaustion(OptionalDouble remaining, OptionalDouble burnRate, Duration period) {
    if (remaining.isEmpty()) {
      return Optional.empty();
    }
    if (remaining.getAsDouble() <= 0) {
      return Optional.of(Duration.ZERO);
    }
    if (burnRate.isEmpty() || !(burnRate.getAsDouble() > 0)) {
      return Optional.empty();
    }
    double seconds = remaining.getAsDouble() * period.toSeconds() / burnRate.getAsDouble();
    return Optional.of(Duration.ofSeconds(Math.round(seconds)));
  }

  // ---- formulas (docs/slo-maths.md)

  static OptionalDouble sli(Tally tally) {
    return tally.hasData() ? OptionalDouble.of(tally.good() / tally.total()) : OptionalDouble.empty();
  }

  static OptionalDouble errorRatio(Tally tally) {
    return tally.hasData() ? OptionalDouble.of(tally.errorRatio()) : OptionalDouble.empty();
  }

  /** {@code bad / (total x errorBudget)}; a target of 1 has no budget: any bad is infinitely over it. */
  static OptionalDouble consumed(Tally tally, double errorBudget) {
    if (!tally.hasData()) {
      return OptionalDouble.empty();
    }
    if (errorBudget <= 0) {
      return OptionalDouble.of(tally.bad() > 0 ? Double.POSITIVE_INFINITY : 0);
    }
    return OptionalDouble.of(tally.bad() / (tally.total() * errorBudget));
  }

  static OptionalDouble remaining(OptionalDouble consumed) {
    return consumed.isPresent() ? OptionalDouble.of(1 - consumed.getAsDouble()) : OptionalDouble.empty();
  }

  static OptionalDouble burnRate(OptionalDouble errorRatio, double errorBudget) {
    if (errorRatio.isEmpty()) {
      return errorRatio;
    }
    if (errorBudget <= 0) {
      return OptionalDouble.of(errorRatio.getAsDouble() > 0 ? Double.POSITIVE_INFINITY : 0);
    }
    return OptionalDouble.of(errorRatio.getAsDouble() / errorBudget);
  }

  private static BudgetStatus.WindowBurn windowBurn(Duration length, boolean period, Tally tally, double errorBudget) {
    OptionalDouble ratio = errorRatio(tally);
    return new BudgetStatus.WindowBurn(length, period, ratio, burnRate(ratio, errorBudget));
  }

  // ---- tallies

  /**
   * Tallies {@code [fromMinute, toMinute)} in the spec's budgeting method. Slices are aligned to
   * {@code gridOrigin} (the SLO window's start): slice k covers {@code [origin + k*L, origin +
   * (k+1)*L)}, and a slice cut by the range's ends is judged on the part inside it.
   */
  static Tally tally(SloSpec spec, MinuteSeries series, long gridOrigin, long fromMinute, long toMinute) {
    long from = Math.max(fromMinute, series.startMinute());
    long to = Math.min(toMinute, series.endMinute());
    if (from >= to) {
      return Tally.EMPTY;
    }
    double[] bad = series.badArray();
    double[] total = series.totalArray();
    int base = (int) (from - series.startMinute());
    int end = (int) (to - series.startMinute());
    if (spec.budgeting() == BudgetingMethod.OCCURRENCES) {
      double badSum = 0;
      double totalSum = 0;
      for (int i = base; i < end; i++) {
        double t = total[i];
        if (!Double.isNaN(t)) {
          badSum += bad[i];
          totalSum += t;
        }
      }
      return new Tally(totalSum - badSum, badSum, totalSum);
    }
    TimeSlices slices = spec.timeSlices().orElseThrow();
    long sliceMinutes = slices.window().toMinutes();
    boolean ratios = spec.budgeting() == BudgetingMethod.RATIO_TIMESLICES;
    double sliceTarget = slices.target();
    // Index (into the series arrays) where the slice holding `from` ends.
    long sliceEnd = gridOrigin + (Math.floorDiv(from - gridOrigin, sliceMinutes) + 1) * sliceMinutes - series.startMinute();
    double good = 0;
    double badSlices = 0;
    double withData = 0;
    int i = base;
    while (i < end) {
      int stop = (int) Math.min(sliceEnd, end);
      double sliceBad = 0;
      double sliceTotal = 0;
      for (; i < stop; i++) {
        double t = total[i];
        if (!Double.isNaN(t)) {
          sliceBad += bad[i];
          sliceTotal += t;
        }
      }
      if (sliceTotal > 0) {
        withData++;
        double goodRatio = (sliceTotal - sliceBad) / sliceTotal;
        if (ratios) {
          good += goodRatio;
          badSlices += sliceBad / sliceTotal;
        } else if (goodRatio >= sliceTarget) {
          good++;
        } else {
          badSlices++;
        }
      }
      sliceEnd += sliceMinutes;
    }
    return new Tally(good, badSlices, withData);
  }

  /** Judges one slice (or part of one) from its sums; no data when it holds no event. */
  static Tally judgeSlice(double sliceBad, double sliceTotal, boolean ratios, double sliceTarget) {
    if (!(sliceTotal > 0)) {
      return Tally.EMPTY;
    }
    double goodRatio = (sliceTotal - sliceBad) / sliceTotal;
    if (ratios) {
      return new Tally(goodRatio, sliceBad / sliceTotal, 1);
    }
    return goodRatio >= sliceTarget ? new Tally(1, 0, 1) : new Tally(0, 1, 1);
  }
}
