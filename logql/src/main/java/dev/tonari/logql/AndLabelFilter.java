package dev.tonari.logql;

/** {@code left and right} (also written {@code left, right} or {@code left right}). */
public record AndLabelFilter(LabelFilterExpr left, LabelFilterExpr right) implements LabelFilterExpr {
  public AndLabelFilter {
    if (left == null || right == null) {
      throw new IllegalArgumentException("and label filter needs two sides");
    }
  }
}
