package dev.tonari.query.metric;

import dev.tonari.store.Labels;

/**
 * One series of a matrix: its labels and its points as parallel arrays, timestamps in nanoseconds
 * ascending. The arrays are owned by the series; callers must not modify them.
 */
public record Series(Labels labels, long[] timestampsNanos, double[] values) {
  public Series {
    if (timestampsNanos.length != values.length) {
      throw new IllegalArgumentException(
          "series " + labels + " has " + timestampsNanos.length + " timestamps but " + values.length + " values");
    }
  }

  public int size() {
    return values.length;
  }
}
