package dev.tonari.logql;

/**
 * {@code left op [bool] [on|ignoring (...)] [group_left|group_right (...)] right}. {@code matching}
 * is null when no {@code on}/{@code ignoring} modifier is given; the parser stores a plain
 * {@code ignoring ()} as null too, since it means the same.
 */
public record BinaryOperation(BinaryOperator operator, SampleExpr left, SampleExpr right, boolean returnBool, VectorMatching matching) implements SampleExpr {
  public BinaryOperation {
    if (operator == null || left == null || right == null) {
      throw new IllegalArgumentException("binary operation needs an operator and two sides, got " + operator + " " + left + " " + right);
    }
    if (matching != null && matching.isDefault()) {
      matching = null;
    }
  }

  public BinaryOperation(BinaryOperator operator, SampleExpr left, SampleExpr right) {
    this(operator, left, right, false, null);
  }
}
