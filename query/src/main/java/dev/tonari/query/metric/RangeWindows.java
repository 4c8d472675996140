package dev.tonari.query.metric;

import dev.tonari.logql.RangeOperation;

/**
 * The value of one range aggregation over one window of one series, with Loki's functions: at step
 * {@code t} the window is {@code (t - offset - range, t - offset]}, left-open and right-closed, and
 * a step whose window holds no sample has no value (callers do not ask).
 *
 * <p>Every function is computed over the window's samples in time order, exactly as Loki's
 * functions compute them, so that floating-point results are bit-identical to Loki's instead of
 * carrying the drift of a running subtraction. Byte sums are sums of integers, exact in a double
 * below 2^53 whatever the order.
 */
final class RangeWindows {
  private RangeWindows() {}

  /**
   * @param timestamps sample times in nanoseconds, ascending; the window is {@code [low, high)}
   * @param parameter the quantile of {@code quantile_over_time}, ignored otherwise
   * @param unwrapped whether the samples are unwrapped values (changes what {@code rate} means)
   * @param scratch room for {@code high - low} values, used (overwritten) by {@code quantile_over_time} only
   */
  static double windowValue(
      RangeOperation function,
      double parameter,
      boolean unwrapped,
      long[] timestamps,
      double[] values,
      int low,
      int high,
      long rangeNanos,
      double[] scratch) {
    int size = high - low;
    double rangeSeconds = goSeconds(rangeNanos);
    return switch (function) {
      case COUNT_OVER_TIME -> size;
      case RATE -> unwrapped ? sum(values, low, high) / rangeSeconds : size / rangeSeconds;
      case BYTES_OVER_TIME -> sum(values, low, high);
      case BYTES_RATE -> sum(values, low, high) / rangeSeconds;
      case ABSENT_OVER_TIME -> 1;
      case SUM_OVER_TIME -> sum(values, low, high);
      case AVG_OVER_TIME -> average(values, low, high);
      case MIN_OVER_TIME -> minimum(values, low, high);
      case MAX_OVER_TIME -> maximum(values, low, high);
      case STDVAR_OVER_TIME -> variance(values, low, high);
      case STDDEV_OVER_TIME -> Math.sqrt(variance(values, low, high));
      case QUANTILE_OVER_TIME -> {
        System.arraycopy(values, low, scratch, 0, size);
        yield quantileOfFirst(parameter, scratch, size);
      }
      case FIRST_OVER_TIME -> values[low];
      case LAST_OVER_TIME -> values[high - 1];
      case RATE_COUNTER -> counterRate(timestamps, values, low, high, rangeNanos);
    };
  }

  /** Go's {@code time.Duration.Seconds()}, which splits whole and fractional seconds. */
  static double goSeconds(long nanos) {
    long seconds = nanos / 1_000_000_000L;
    long fraction = nanos % 1_000_000_000L;
    return seconds + fraction / 1e9;
  }

  static double sum(double[] values, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += values[i];
    }
    return sum;
  }

  /** Loki's {@code avgOverTime}: an incremental mean that survives infinities. */
  static double average(double[] values, int from, int to) {
    double mean = 0;
    double count = 0;
    for (int i = from; i < to; i++) {
      double value = values[i];
      count++;
      if (Double.isInfinite(mean)) {
        if (Double.isInfinite(value) && (mean > 0) == (value > 0)) {
          continue;
        }
        if (!Double.isInfinite(value) && !Double.isNaN(value)) {
          continue;
        }
      }
      mean += value / count - mean / count;
    }
    return mean;
  }

  static double minimum(double[] values, int from, int to) {
    double minimum = values[from];
    for (int i = from; i < to; i++) {
      if (values[i] < minimum || Double.isNaN(minimum)) {
        minimum = values[i];
      }
    }
    return minimum;
  }

  static double maximum(double[] values, int from, int to) {
    double maximum = values[from];
    for (int i = from; i < to; i++) {
      if (values[i] > maximum || Double.isNaN(maximum)) {
        maximum = values[i];
      }
    }
    return maximum;
  }

  /** Welford's algorithm, as Loki's {@code stdvarOverTime}. */
  static double variance(double[] values, int from, int to) {
    double aux = 0;
    double count = 0;
    double mean = 0;
    for (int i = from; i < to; i++) {
      count++;
      double delta = values[i] - mean;
      mean += delta / count;
      aux += delta * (values[i] - mean);
    }
    return aux / count;
  }

  /** Prometheus' quantile with linear interpolation; reorders the first {@code size} values in place. */
  static double quantileOfFirst(double quantile, double[] values, int size) {
    if (size == 0) {
      return Double.NaN;
    }
    if (quantile < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (quantile > 1) {
      return Double.POSITIVE_INFINITY;
    }
    double n = size;
    double rank = quantile * (n - 1);
    double lowerIndex = Math.max(0, Math.floor(rank));
    double upperIndex = Math.min(n - 1, lowerIndex + 1);
    double weight = rank - Math.floor(rank);
    int lower = (int) lowerIndex;
    int upper = (int) upperIndex;
    // Only two order statistics are read: select them instead of sorting the window (linear, not
    // n log n, per step), in the order Arrays.sort gives (Double.compare: -0.0 before 0.0, NaN last).
    select(values, 0, size - 1, lower);
    if (upper != lower) {
      // After selecting lower, everything right of it is not smaller: the upper one is their least.
      int least = upper;
      for (int i = upper + 1; i < size; i++) {
        if (Double.compare(values[i], values[least]) < 0) {
          least = i;
        }
      }
      double swap = values[upper];
      values[upper] = values[least];
      values[least] = swap;
    }
    return values[lower] * (1 - weight) + values[upper] * weight;
  }

  /** Moves the k-th smallest of {@code values[from..to]} (in {@link Double#compare} order) to index k, smaller ones left of it, others right. */
  private static void select(double[] values, int from, int to, int k) {
    while (to > from) {
      // The median of three as pivot keeps sorted and reversed windows (common: counters) linear.
      int middle = (from + to) >>> 1;
      if (Double.compare(values[middle], values[from]) < 0) {
        swap(values, middle, from);
      }
      if (Double.compare(values[to], values[from]) < 0) {
        swap(values, to, from);
      }
      if (Double.compare(values[to], values[middle]) < 0) {
        swap(values, to, middle);
      }
      double pivot = values[middle];
      int i = from;
      int j = to;
      while (i <= j) {
        while (Double.compare(values[i], pivot) < 0) {
          i++;
        }
        while (Double.compare(values[j], pivot) > 0) {
          j--;
        }
        if (i <= j) {
          swap(values, i, j);
          i++;
          j--;
        }
      }
      if (k <= j) {
        to = j;
      } else if (k >= i) {
        from = i;
      } else {
        return;
      }
    }
  }

  private static void swap(double[] values, int a, int b) {
    double swap = values[a];
    values[a] = values[b];
    values[b] = swap;
  }

  /**
   * Loki's {@code rate_counter}: Prometheus' extrapolated counter rate as Loki ported it, including
   * its mix of units (sample times in nanoseconds against a range in milliseconds), so that results
   * match Loki's rather than Prometheus'.
   */
  static double counterRate(long[] timestamps, double[] values, int from, int to, long rangeNanos) {
    int size = to - from;
    if (size < 2) {
      return 0;
    }
    long firstTime = timestamps[from];
    long lastTime = timestamps[to - 1];
    double firstValue = values[from];
    long rangeStart = firstTime - rangeNanos / 1_000_000L;
    long rangeEnd = lastTime;
    double result = values[to - 1] - firstValue;
    double lastValue = 0;
    for (int i = from; i < to; i++) {
      if (values[i] < lastValue) {
        result += lastValue;
      }
      lastValue = values[i];
    }
    double durationToStart = (firstTime - rangeStart) / 1000.0;
    double durationToEnd = (rangeEnd - lastTime) / 1000.0;
    double sampledInterval = (lastTime - firstTime) / 1000.0;
    double averageDurationBetweenSamples = sampledInterval / (size - 1);
    if (result > 0 && firstValue >= 0) {
      double durationToZero = sampledInterval * (firstValue / result);
      if (durationToZero < durationToStart) {
        durationToStart = durationToZero;
      }
    }
    double extrapolationThreshold = averageDurationBetweenSamples * 1.1;
    double extrapolateToInterval = sampledInterval;
    extrapolateToInterval += durationToStart < extrapolationThreshold ? durationToStart : averageDurationBetweenSamples / 2;
    extrapolateToInterval += durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;
    result = result * (extrapolateToInterval / sampledInterval);
    return result / goSeconds(rangeNanos);
  }
}
