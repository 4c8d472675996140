package dev.tonari.logql;

/** Comparison of a label filter on numbers, durations or bytes; {@code =} and {@code ==} both mean {@link #EQUAL}. */
public enum ComparisonOperator {
  EQUAL("=="),
  NOT_EQUAL("!="),
  GREATER(">"),
  GREATER_OR_EQUAL(">="),
  LESS("<"),
  LESS_OR_EQUAL("<=");

  private final String operator;

  ComparisonOperator(String operator) {
    this.operator = operator;
  }

  /** The canonical spelling. */
  public String operator() {
    return operator;
  }

  /** Whether {@code compare(actual, expected)} (a {@link Comparable#compareTo} result) satisfies this operator. */
  public boolean test(int comparison) {
    return switch (this) {
      case EQUAL -> comparison == 0;
      case NOT_EQUAL -> comparison != 0;
      case GREATER -> comparison > 0;
      case GREATER_OR_EQUAL -> comparison >= 0;
      case LESS -> comparison < 0;
      case LESS_OR_EQUAL -> comparison <= 0;
    };
  }
}
