package dev.tonari.logql;

/**
 * {@code sum by (app) (rate(...))}, {@code topk(5, ...)}. {@code grouping} is null when absent
 * (written before or after the arguments, it is the same grouping); {@code parameter} is k of
 * {@code topk}/{@code bottomk} and null otherwise.
 */
public record VectorAggregation(VectorOperation operation, SampleExpr inner, Grouping grouping, Integer parameter) implements SampleExpr {
  public VectorAggregation {
    if (operation == null || inner == null) {
      throw new IllegalArgumentException("vector aggregation needs an operation and an argument, got " + operation + " " + inner);
    }
  }

  public VectorAggregation(VectorOperation operation, SampleExpr inner, Grouping grouping) {
    this(operation, inner, grouping, null);
  }
}
