package dev.tonari.rules.eval;

/**
 * A rule's expression could not be evaluated: it does not parse, the query was refused (too many
 * series, a pipeline error), or the store failed. The message is what the rules API shows as the
 * rule's {@code lastError}.
 */
public final class RuleQueryException extends Exception {
  private static final long serialVersionUID = 1L;

  public RuleQueryException(String message) {
    super(message);
  }

  public RuleQueryException(String message, Throwable cause) {
    super(message, cause);
  }
}
