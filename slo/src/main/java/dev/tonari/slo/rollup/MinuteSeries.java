package dev.tonari.slo.rollup;

import java.util.Arrays;

/**
 * Good and total event counts of one SLO series per UTC minute, over {@code [startMinute,
 * startMinute + length)} in epoch minutes (minute m covers {@code [m*60s, (m+1)*60s)}). Flat arrays,
 * no object per minute, so a 30-day window (43,200 minutes) is two arrays of doubles.
 *
 * <p>A minute with no data has {@code total} NaN: it is neither good nor bad. Counts are doubles
 * because a PromQL source yields per-second rates (scaled by 60 to events per minute) rather than
 * whole numbers. {@code bad} is kept rather than {@code good} because budgets are spent by bad
 * events; {@code good = total - bad}.
 */
public final class MinuteSeries {
  private final long startMinute;
  private final double[] bad;
  private final double[] total;

  /** A series of {@code length} minutes, every one without data. */
  public MinuteSeries(long startMinute, int length) {
    this.startMinute = startMinute;
    this.bad = new double[length];
    this.total = new double[length];
    Arrays.fill(total, Double.NaN);
  }

  public long startMinute() {
    return startMinute;
  }

  /** One past the last minute. */
  public long endMinute() {
    return startMinute + total.length;
  }

  public int length() {
    return total.length;
  }

  public boolean hasData(long minute) {
    int index = index(minute);
    return index >= 0 && !Double.isNaN(total[index]);
  }

  /** Bad events in the minute; 0 where there is no data. */
  public double bad(long minute) {
    int index = index(minute);
    return index < 0 || Double.isNaN(total[index]) ? 0 : bad[index];
  }

  /** All events in the minute; NaN where there is no data or the minute is outside the series. */
  public double total(long minute) {
    int index = index(minute);
    return index < 0 ? Double.NaN : total[index];
  }

  /** Sets a minute; {@code total} NaN clears it. A minute outside the series is ignored. */
  public void set(long minute, double badEvents, double totalEvents) {
    int index = index(minute);
    if (index < 0) {
      return;
    }
    bad[index] = Double.isNaN(totalEvents) ? 0 : badEvents;
    total[index] = totalEvents;
  }

  /** Copies every minute with data from {@code other} that falls inside this series. */
  public void overlay(MinuteSeries other) {
    long from = Math.max(startMinute, other.startMinute);
    long to = Math.min(endMinute(), other.endMinute());
    for (long minute = from; minute < to; minute++) {
      if (other.hasData(minute)) {
        set(minute, other.bad(minute), other.total(minute));
      }
    }
  }

  /**
   * The raw arrays, indexed by {@code minute - startMinute()}, for hot loops (sums over a window);
   * callers must not write to them.
   */
  public double[] badArray() {
    return bad;
  }

  /** See {@link #badArray()}. */
  public double[] totalArray() {
    return total;
  }

  private int index(long minute) {
    long index = minute - startMinute;
    return index < 0 || index >= total.length ? -1 : (int) index;
  }

  @Override
  public String toString() {
    return "MinuteSeries[" + startMinute + ".." + endMinute() + ")";
  }
}
