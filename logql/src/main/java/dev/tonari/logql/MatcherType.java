package dev.tonari.logql;

/** How a label matcher compares a label's value, with its LogQL operator. */
public enum MatcherType {
  EQUAL("="),
  NOT_EQUAL("!="),
  /** Fully anchored regular expression, as in Prometheus: {@code =~"api"} does not match "api-2". */
  REGEX("=~"),
  NOT_REGEX("!~");

  private final String operator;

  MatcherType(String operator) {
    this.operator = operator;
  }

  public String operator() {
    return operator;
  }
}
