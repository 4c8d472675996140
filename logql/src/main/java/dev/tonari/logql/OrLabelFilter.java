package dev.tonari.logql;

/** {@code left or right}. */
public record OrLabelFilter(LabelFilterExpr left, LabelFilterExpr right) implements LabelFilterExpr {
  public OrLabelFilter {
    if (left == null || right == null) {
      throw new IllegalArgumentException("or label filter needs two sides");
    }
  }
}
