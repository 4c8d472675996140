package dev.tonari.query.metric;

import java.util.Arrays;

/**
 * The samples of one series as two parallel growable arrays (timestamps in nanoseconds, values),
 * so that millions of samples cost two arrays rather than millions of objects. Samples may be
 * appended out of order (several streams feed one series); {@link #sortByTime()} orders them,
 * stably, so equal timestamps keep their arrival order.
 */
final class SampleBuffer {
  private long[] timestamps;
  private double[] values;
  private int size;
  private boolean sorted = true;

  SampleBuffer() {
    this(16);
  }

  SampleBuffer(int capacity) {
    timestamps = new long[Math.max(1, capacity)];
    values = new double[Math.max(1, capacity)];
  }

  void add(long timestampNanos, double value) {
    if (size == timestamps.length) {
      int capacity = size + (size >> 1) + 1;
      timestamps = Arrays.copyOf(timestamps, capacity);
      values = Arrays.copyOf(values, capacity);
    }
    if (size > 0 && timestampNanos < timestamps[size - 1]) {
      sorted = false;
    }
    timestamps[size] = timestampNanos;
    values[size] = value;
    size++;
  }

  int size() {
    return size;
  }

  long[] timestamps() {
    return timestamps;
  }

  double[] values() {
    return values;
  }

  void sortByTime() {
    if (sorted) {
      return;
    }
    // A stable merge sort on an index permutation; runs once per series, not per step.
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    long[] byIndex = timestamps;
    Arrays.sort(order, (a, b) -> Long.compare(byIndex[a], byIndex[b]));
    long[] sortedTimestamps = new long[size];
    double[] sortedValues = new double[size];
    for (int i = 0; i < size; i++) {
      sortedTimestamps[i] = timestamps[order[i]];
      sortedValues[i] = values[order[i]];
    }
    timestamps = sortedTimestamps;
    values = sortedValues;
    sorted = true;
  }
}
