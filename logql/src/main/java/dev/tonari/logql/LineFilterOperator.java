package dev.tonari.logql;

/** The operator of a line filter, with its LogQL spelling. */
public enum LineFilterOperator {
  CONTAINS("|=", false),
  NOT_CONTAINS("!=", true),
  /** Unanchored RE2 regular expression: the line matches if any part of it does. */
  MATCHES_REGEX("|~", false),
  NOT_MATCHES_REGEX("!~", true),
  MATCHES_PATTERN("|>", false),
  NOT_MATCHES_PATTERN("!>", true);

  private final String operator;
  private final boolean negated;

  LineFilterOperator(String operator, boolean negated) {
    this.operator = operator;
    this.negated = negated;
  }

  public String operator() {
    return operator;
  }

  /** True for the operators that keep lines that do not match. */
  public boolean negated() {
    return negated;
  }
}
