package dev.tonari.logql;

/** {@code level="error"}, {@code path=~"/api/.*"}: a label matcher, anchored as in selectors. */
public record StringLabelFilter(Matcher matcher) implements LabelFilterExpr {
  public StringLabelFilter {
    if (matcher == null) {
      throw new IllegalArgumentException("string label filter needs a matcher");
    }
  }
}
