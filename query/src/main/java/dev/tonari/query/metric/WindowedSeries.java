package dev.tonari.query.metric;

import dev.tonari.query.QueryContext;
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
 * exactly the windowed result, and the lines may come stream after stream instead of merged.
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
  /** Counting mode: {@code countDifferences[i] - countDifferences[i - 1]} summed up to a step is its count. */
  private long[] countDifferences;
  private long[] valueDifferences;
  /**
   * Counting mode: the steps whose windows hold a counted sample lie in {@code [firstCounted,
   * lastCounted]}; the differences are zero outside, so only those steps are read (a path seen on
   * one line is counted in a window's few steps, not the query's hundreds).
   */
  private int firstCounted = Integer.MAX_VALUE;
  private int lastCounted = -1;

  /** The query's memory account: told when this series' arrays grow or shrink ({@code max_query_memory_bytes}). */
  private final QueryContext memory;

  /** What a series costs before any sample: the object, its first arrays, its labels (estimated). */
  static long baseBytes(Labels labels) {
    long bytes = 160;
    for (int i = 0; i < labels.size(); i++) {
      bytes += 80 + 2L * (labels.name(i).length() + labels.value(i).length());
    }
    return bytes;
  }

  WindowedSeries(Labels labels, QueryContext memory) {
    this.labels = labels;
    this.memory = memory;
    memory.memoryChanged(baseBytes(labels));
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
        memory.memoryChanged(16L * (capacity - timestamps.length));
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
        memory.memoryChanged(16L * (4 - timestamps.length));
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
  /** Makes room for this many more outputs at once. */
  private void reserveOutputs(int more) {
    int capacity = outputs + more;
    if (capacity > outputSteps.length) {
      memory.memoryChanged(12L * (capacity - outputSteps.length));
      outputSteps = Arrays.copyOf(outputSteps, capacity);
      outputValues = Arrays.copyOf(outputValues, capacity);
    }
  }

  void emit(int step, double value) {
    if (outputs == outputSteps.length) {
      int capacity = Math.max(4, outputs + (outputs >> 1));
      memory.memoryChanged(12L * (capacity - outputSteps.length));
      outputSteps = Arrays.copyOf(outputSteps, capacity);
      outputValues = Arrays.copyOf(outputValues, capacity);
    }
    outputSteps[outputs] = step;
    outputValues[outputs] = value;
    outputs++;
  }

  /** Counting mode: one sample of an integer value (1, or a line's bytes) in the windows of steps {@code first..last}. */
  void count(int first, int last, int steps, long value) {
    if (countDifferences == null) {
      memory.memoryChanged(16L * (steps + 1));
      countDifferences = new long[steps + 1];
      valueDifferences = new long[steps + 1];
    }
    firstCounted = Math.min(firstCounted, first);
    lastCounted = Math.max(lastCounted, last);
    countDifferences[first]++;
    countDifferences[last + 1]--;
    valueDifferences[first] += value;
    valueDifferences[last + 1] -= value;
  }

  /** Counting mode: adds another reader's counts of the same series (a parallel count's partial aggregate). */
  void addCounts(WindowedSeries other) {
    if (other.countDifferences == null) {
      return;
    }
    if (countDifferences == null) {
      // The other reader's arrays are taken over, and so is what they were counted as.
      countDifferences = other.countDifferences;
      valueDifferences = other.valueDifferences;
    } else {
      for (int i = other.firstCounted; i <= other.lastCounted + 1; i++) {
        countDifferences[i] += other.countDifferences[i];
        valueDifferences[i] += other.valueDifferences[i];
      }
      memory.memoryChanged(-16L * other.countDifferences.length);
    }
    firstCounted = Math.min(firstCounted, other.firstCounted);
    lastCounted = Math.max(lastCounted, other.lastCounted);
    other.countDifferences = null;
    other.valueDifferences = null;
    memory.memoryChanged(-baseBytes(other.labels));
  }

  /**
   * Counting mode: turns the per-step counts into values with {@code value(count, valueSum)} and
   * records every step with at least one sample.
   */
  void emitCounts(int steps, CountedValue value) {
    if (countDifferences == null) {
      return;
    }
    // The steps with samples are counted first, so that the output arrays are sized once rather
    // than grown by half again and again (their copies were a tenth of a topk over many series).
    long count = 0;
    int nonEmpty = 0;
    int last = Math.min(lastCounted, steps - 1);
    for (int step = firstCounted; step <= last; step++) {
      count += countDifferences[step];
      if (count > 0) {
        nonEmpty++;
      }
    }
    reserveOutputs(nonEmpty);
    count = 0;
    long sum = 0;
    for (int step = firstCounted; step <= last; step++) {
      count += countDifferences[step];
      sum += valueDifferences[step];
      if (count > 0) {
        emit(step, value.of(count, sum));
      }
    }
    memory.memoryChanged(-16L * countDifferences.length);
    countDifferences = null;
    valueDifferences = null;
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
