package dev.tonari.logql;

/** {@code status >= 500}: the label's value parsed as a float64 compared with a number. */
public record NumericLabelFilter(String name, ComparisonOperator operator, double value) implements LabelFilterExpr {
  public NumericLabelFilter {
    if (name == null || operator == null) {
      throw new IllegalArgumentException("numeric label filter needs a name and an operator, got " + name + " " + operator);
    }
  }
}
