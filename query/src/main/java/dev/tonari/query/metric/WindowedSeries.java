package dev.tonari.query.metric;

import dev.tonari.store.Labels;
import java.util.Arrays;

/**
 * One series of a range aggregation while its log range is streamed in time order: the samples of
 * the current window (parallel arrays of timestamps and values, oldest first) and the values
 * already computed for closed steps. Samples leave as soon as the window has passed them, so a
 * series holds at most one window of samples however long the query range is; computed values are
 * kept sparsely (step index, value), since a series often has samples at a few steps only.
 *
 * <p>For counting aggregations ({@link #count}) the series holds no samples at all but, per step, a
 * difference array of its sample count and byte sum: integers, so adding them in any order gives
 * exactly the windowed result, and the lines may come stream after stream instead of merged. Its
 * row is made straight from them ({@link #countedRow}), with no list of computed values between.
 *
 * <p>Samples must be added in time order (the engine merges the store's per-stream cursors by
 * timestamp; equal timestamps keep the store's stream order). Not thread-safe.
 */
final class WindowedSeries {
  private static final int[] NO_STEPS = new int[0];
  private static final double[] NO_VALUES = new double[0];

  final Labels labels;
  private long[] timestamps = new long[4];
  private double[] values = new double[4];
  /** The window's samples are {@code [head, tail)}. */
  private int head;
  private int tail;
  private int[] outputSteps = NO_STEPS;
  private double[] outputValues = NO_VALUES;
  private int outputs;
  /** Whether the series is in the engine's list of series holding samples. */
  boolean active;
  /**
   * Counting mode: per step from {@link #countBase}, interleaved, the difference of the window's
   * sample count ({@code [2i]}) and of its value sum ({@code [2i + 1]}) from the step before; their
   * running sums are the step's count and sum. The array spans only the steps counted so far (a path
   * seen on one line holds a window's few steps, not the query's hundreds) and grows to take more.
   */
  private long[] differences;
  private int countBase;
  /** Counting mode: the steps whose windows hold a counted sample lie in {@code [firstCounted, lastCounted]}. */
  private int firstCounted = Integer.MAX_VALUE;
  private int lastCounted = -1;

  /** The query's memory account: told when this series' arrays grow or shrink ({@code max_query_memory_bytes}). */
  private final SeriesMemory memory;

  /** What a series costs before any sample: the object, its first arrays, its labels (estimated). */
  static long baseBytes(Labels labels) {
    long bytes = 160;
    for (int i = 0; i < labels.size(); i++) {
      bytes += 80 + 2L * (labels.name(i).length() + labels.value(i).length());
    }
    return bytes;
  }

  WindowedSeries(Labels labels, SeriesMemory memory) {
    this.labels = labels;
    this.memory = memory;
    memory.changed(baseBytes(labels));
  }

  void add(long timestampNanos, double value) {
    if (tail == timestamps.length) {
      if (head >= timestamps.length / 2) {
        // At least half the room is expired samples: moving the live ones down is cheaper than growing.
        System.arraycopy(timestamps, head, timestamps, 0, tail - head);
        System.arraycopy(values, head, values, 0, tail - head);
        tail -= head;
        head = 0;
      } else {
        int capacity = timestamps.length + (timestamps.length >> 1) + 1;
        memory.changed(16L * (capacity - timestamps.length));
        timestamps = Arrays.copyOf(timestamps, capacity);
        values = Arrays.copyOf(values, capacity);
      }
    }
    timestamps[tail] = timestampNanos;
    values[tail] = value;
    tail++;
  }

  /** Drops the samples at or before {@code windowStartNanos} (windows are left-open); true when some remain. */
  boolean dropUpTo(long windowStartNanos) {
    while (head < tail && timestamps[head] <= windowStartNanos) {
      head++;
    }
    if (head == tail) {
      head = 0;
      tail = 0;
      if (timestamps.length > 64) {
        // A burst grew the arrays; an idle series gives the room back.
        memory.changed(16L * (4 - timestamps.length));
        timestamps = new long[4];
        values = new double[4];
      }
      return false;
    }
    return true;
  }

  long[] timestamps() {
    return timestamps;
  }

  double[] values() {
    return values;
  }

  int low() {
    return head;
  }

  int high() {
    return tail;
  }

  int size() {
    return tail - head;
  }

  /** Records the value of a closed step; steps come in increasing order. */
  void emit(int step, double value) {
    if (outputs == outputSteps.length) {
      int capacity = Math.max(4, outputs + (outputs >> 1));
      memory.changed(12L * (capacity - outputSteps.length));
      outputSteps = Arrays.copyOf(outputSteps, capacity);
      outputValues = Arrays.copyOf(outputValues, capacity);
    }
    outputSteps[outputs] = step;
    outputValues[outputs] = value;
    outputs++;
  }

  /** Counting mode: one sample of an integer value (1, or a line's bytes) in the windows of steps {@code first..last}. */
  void count(int first, int last, int steps, long value) {
    cover(first, last + 1, steps);
    firstCounted = Math.min(firstCounted, first);
    lastCounted = Math.max(lastCounted, last);
    int at = 2 * (first - countBase);
    differences[at]++;
    differences[at + 1] += value;
    int after = 2 * (last + 1 - countBase);
    differences[after]--;
    differences[after + 1] -= value;
  }

  /** Makes {@link #differences} span steps {@code from..to} (at most the grid's {@code steps + 1}), keeping what it holds. */
  private void cover(int from, int to, int steps) {
    if (differences != null && from >= countBase && to <= spanEnd()) {
      return;
    }
    int low = differences == null ? from : Math.min(from, countBase);
    int high = differences == null ? to : Math.max(to, spanEnd());
    if (differences != null) {
      // Grown by half again at least, toward the grid's ends, so that a series read over many steps is copied a few times only.
      int more = Math.max(1, (high - low + 1) / 2);
      low = Math.max(0, low - (from < countBase ? more : 0));
      high = Math.min(steps, high + (to > spanEnd() ? more : 0));
    }
    long[] grown = new long[2 * (high - low + 1)];
    if (differences != null) {
      System.arraycopy(differences, 0, grown, 2 * (countBase - low), differences.length);
      memory.changed(8L * (grown.length - differences.length));
    } else {
      memory.changed(8L * grown.length);
    }
    differences = grown;
    countBase = low;
  }

  /** Counting mode: the last step {@link #differences} spans. */
  private int spanEnd() {
    return countBase + differences.length / 2 - 1;
  }

  /** Counting mode: adds another reader's counts of the same series (a parallel count's partial aggregate). */
  void addCounts(WindowedSeries other, int steps) {
    if (other.differences == null) {
      return;
    }
    if (differences == null) {
      // The other reader's array is taken over, and so is what it was counted as.
      differences = other.differences;
      countBase = other.countBase;
    } else {
      cover(other.countBase, other.spanEnd(), steps);
      int offset = 2 * (other.countBase - countBase);
      for (int i = 0; i < other.differences.length; i++) {
        differences[offset + i] += other.differences[i];
      }
      memory.changed(-8L * other.differences.length);
    }
    firstCounted = Math.min(firstCounted, other.firstCounted);
    lastCounted = Math.max(lastCounted, other.lastCounted);
    other.differences = null;
    memory.changed(-baseBytes(other.labels));
  }

  /** Counting mode: whether any sample was counted. */
  boolean hasCounts() {
    return differences != null;
  }

  /**
   * Counting mode: the value at every step with at least one sample, from the per-step counts with
   * {@code value(count, valueSum)}, in step order.
   */
  void forEachCountedStep(int steps, CountedValue value, StepConsumer consumer) {
    long count = 0;
    long sum = 0;
    int last = Math.min(lastCounted, steps - 1);
    for (int step = firstCounted; step <= last; step++) {
      int at = 2 * (step - countBase);
      count += differences[at];
      sum += differences[at + 1];
      if (count > 0) {
        consumer.accept(step, value.of(count, sum));
      }
    }
  }

  /** A step's value, as {@link #forEachCountedStep} gives them. */
  interface StepConsumer {
    void accept(int step, double value);
  }

  /** Counting mode: the row of this series, a value per step with a sample ({@link #forEachCountedStep}); the counts are given up. */
  StepMatrix.Row countedRow(int steps, CountedValue value) {
    StepMatrix.Row row = new StepMatrix.Row(labels, steps);
    forEachCountedStep(steps, value, row::set);
    releaseCounts();
    return row;
  }

  /** Counting mode: gives up the counts (their row made, or not wanted). */
  void releaseCounts() {
    if (differences != null) {
      memory.changed(-8L * differences.length);
      differences = null;
    }
    firstCounted = Integer.MAX_VALUE;
    lastCounted = -1;
  }

  /** The value of a counting aggregation from a window's sample count and the sum of the samples' values. */
  interface CountedValue {
    double of(long count, long valueSum);
  }

  boolean hasOutput() {
    return outputs > 0;
  }

  StepMatrix.Row toRow(int steps) {
    StepMatrix.Row row = new StepMatrix.Row(labels, steps);
    for (int i = 0; i < outputs; i++) {
      row.set(outputSteps[i], outputValues[i]);
    }
    return row;
  }
}
