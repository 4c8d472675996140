package dev.tonari.logql;

import java.time.Duration;

/**
 * The argument of a range aggregation, {@code {app="api"} | json | unwrap latency [5m] offset 1h}:
 * log lines of the selector and pipeline in each window of length {@code range} ending at the
 * evaluation time minus {@code offset}. The offset is {@link Duration#ZERO} when absent;
 * {@code unwrap} is null when absent.
 */
public record LogRange(LogSelectorExpr selector, Duration range, Duration offset, Unwrap unwrap) {
  public LogRange {
    if (selector == null || range == null || offset == null) {
      throw new IllegalArgumentException("log range needs a selector, a range and an offset, got " + selector + " " + range + " " + offset);
    }
  }

  public LogRange(LogSelectorExpr selector, Duration range) {
    this(selector, range, Duration.ZERO, null);
  }
}
