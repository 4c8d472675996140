package dev.tonari.slo.alert;

import dev.tonari.slo.rollup.MinuteSeries;

/** Builds minute series for tests: runs of minutes with given bad and total counts. */
public final class Series {
  private final MinuteSeries series;
  private long next;

  private Series(long startMinute, int length) {
    this.series = new MinuteSeries(startMinute, length);
    this.next = startMinute;
  }

  public static Series starting(long startMinute, int length) {
    return new Series(startMinute, length);
  }

  /** The next {@code minutes} minutes each with {@code bad} of {@code total} events bad. */
  public Series minutes(int minutes, double bad, double total) {
    for (int i = 0; i < minutes; i++) {
      series.set(next++, bad, total);
    }
    return this;
  }

  /** The next {@code minutes} minutes without data. */
  public Series gap(int minutes) {
    next += minutes;
    return this;
  }

  public long nextMinute() {
    return next;
  }

  public MinuteSeries build() {
    return series;
  }
}
