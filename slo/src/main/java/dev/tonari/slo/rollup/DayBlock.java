package dev.tonari.slo.rollup;

import java.util.Arrays;

/**
 * The minutes of one series in one UTC day, the unit both stores keep and the file store writes as
 * one file. Immutable once built: a write builds a new block (copy on write), so a reader never sees
 * a half-applied write.
 */
final class DayBlock {
  static final int MINUTES_PER_DAY = 1440;

  private final long epochDay;
  private final double[] bad;
  private final double[] total;
  private final int minutesWithData;

  DayBlock(long epochDay, double[] bad, double[] total) {
    if (bad.length != MINUTES_PER_DAY || total.length != MINUTES_PER_DAY) {
      throw new IllegalArgumentException("a day block holds " + MINUTES_PER_DAY + " minutes");
    }
    this.epochDay = epochDay;
    this.bad = bad;
    this.total = total;
    int count = 0;
    for (double t : total) {
      if (!Double.isNaN(t)) {
        count++;
      }
    }
    this.minutesWithData = count;
  }

  static DayBlock empty(long epochDay) {
    double[] total = new double[MINUTES_PER_DAY];
    Arrays.fill(total, Double.NaN);
    return new DayBlock(epochDay, new double[MINUTES_PER_DAY], total);
  }

  static long dayOf(long minute) {
    return Math.floorDiv(minute, MINUTES_PER_DAY);
  }

  long epochDay() {
    return epochDay;
  }

  long firstMinute() {
    return epochDay * MINUTES_PER_DAY;
  }

  int minutesWithData() {
    return minutesWithData;
  }

  boolean isEmpty() {
    return minutesWithData == 0;
  }

  boolean hasData(int minuteOfDay) {
    return !Double.isNaN(total[minuteOfDay]);
  }

  double bad(int minuteOfDay) {
    return bad[minuteOfDay];
  }

  double total(int minuteOfDay) {
    return total[minuteOfDay];
  }

  /**
   * This day with the minutes of {@code update} that fall inside it applied: a minute with data
   * replaces, a minute without data clears. Returns {@code this} when nothing changes.
   */
  DayBlock apply(MinuteSeries update) {
    long from = Math.max(firstMinute(), update.startMinute());
    long to = Math.min(firstMinute() + MINUTES_PER_DAY, update.endMinute());
    if (from >= to) {
      return this;
    }
    double[] newBad = null;
    double[] newTotal = null;
    for (long minute = from; minute < to; minute++) {
      int index = (int) (minute - firstMinute());
      double t = update.total(minute);
      double b = Double.isNaN(t) ? 0 : update.bad(minute);
      boolean same = Double.isNaN(t) ? Double.isNaN(total[index]) : (Double.compare(t, total[index]) == 0 && Double.compare(b, bad[index]) == 0);
      if (same) {
        continue;
      }
      if (newBad == null) {
        newBad = bad.clone();
        newTotal = total.clone();
      }
      newBad[index] = b;
      newTotal[index] = t;
    }
    return newBad == null ? this : new DayBlock(epochDay, newBad, newTotal);
  }

  /** This day without the minutes before {@code beforeMinute}; {@code this} when none had data. */
  DayBlock clearBefore(long beforeMinute) {
    long to = Math.min(firstMinute() + MINUTES_PER_DAY, beforeMinute);
    if (to <= firstMinute()) {
      return this;
    }
    MinuteSeries clear = new MinuteSeries(firstMinute(), (int) (to - firstMinute()));
    return apply(clear);
  }

  /** Copies this day's minutes with data that fall inside {@code target} into it. */
  void copyInto(MinuteSeries target) {
    long from = Math.max(firstMinute(), target.startMinute());
    long to = Math.min(firstMinute() + MINUTES_PER_DAY, target.endMinute());
    for (long minute = from; minute < to; minute++) {
      int index = (int) (minute - firstMinute());
      double t = total[index];
      if (!Double.isNaN(t)) {
        target.set(minute, bad[index], t);
      }
    }
  }

  /** Approximate heap size, for the file store's cache bound. */
  static long bytesPerBlock() {
    return 2L * MINUTES_PER_DAY * Double.BYTES + 64;
  }
}
