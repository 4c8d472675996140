package dev.tonari.logql;

/**
 * Binary operators with PromQL's precedence (higher binds tighter); all are left-associative
 * except {@code ^}.
 */
public enum BinaryOperator {
  OR("or", 1),
  AND("and", 2),
  UNLESS("unless", 2),
  EQUAL("==", 3),
  NOT_EQUAL("!=", 3),
  GREATER(">", 3),
  GREATER_OR_EQUAL(">=", 3),
  LESS("<", 3),
  LESS_OR_EQUAL("<=", 3),
  ADD("+", 4),
  SUBTRACT("-", 4),
  MULTIPLY("*", 5),
  DIVIDE("/", 5),
  MODULO("%", 5),
  POWER("^", 6);

  private final String symbol;
  private final int precedence;

  BinaryOperator(String symbol, int precedence) {
    this.symbol = symbol;
    this.precedence = precedence;
  }

  public String symbol() {
    return symbol;
  }

  public int precedence() {
    return precedence;
  }

  public boolean rightAssociative() {
    return this == POWER;
  }

  /** {@code == != > >= < <=}: filter series unless {@code bool} is given. */
  public boolean comparison() {
    return precedence == 3;
  }

  /** {@code and or unless}: match series by labels, without arithmetic. */
  public boolean setOperator() {
    return this == OR || this == AND || this == UNLESS;
  }
}
