package dev.tonari.logql;

import java.time.Duration;

/** {@code latency > 250ms}: the label's value parsed as a Go duration compared with a duration. */
public record DurationLabelFilter(String name, ComparisonOperator operator, Duration value) implements LabelFilterExpr {
  public DurationLabelFilter {
    if (name == null || operator == null || value == null) {
      throw new IllegalArgumentException("duration label filter needs a name, an operator and a value, got " + name + " " + operator + " " + value);
    }
  }
}
