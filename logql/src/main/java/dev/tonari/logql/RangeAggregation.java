package dev.tonari.logql;

/**
 * {@code rate({app="api"}[5m])}, {@code quantile_over_time(0.99, {...} | unwrap latency [5m]) by (path)}.
 * {@code parameter} is the quantile of {@code quantile_over_time} and null for every other
 * operation; {@code grouping} is null when absent.
 */
public record RangeAggregation(RangeOperation operation, LogRange range, Double parameter, Grouping grouping) implements SampleExpr {
  public RangeAggregation {
    if (operation == null || range == null) {
      throw new IllegalArgumentException("range aggregation needs an operation and a range, got " + operation + " " + range);
    }
  }

  public RangeAggregation(RangeOperation operation, LogRange range) {
    this(operation, range, null, null);
  }
}
