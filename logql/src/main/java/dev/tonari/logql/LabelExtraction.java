package dev.tonari.logql;

/**
 * One extraction parameter of {@code json} or {@code logfmt}: {@code status="response.status"}
 * stores the value at that path (a JSON path for json, a key for logfmt) as label {@code status}.
 * A bare {@code status} means {@code status="status"}, as in Loki.
 */
public record LabelExtraction(String label, String expression) {
  public LabelExtraction {
    if (label == null || expression == null) {
      throw new IllegalArgumentException("label extraction needs a label and an expression, got " + label + " " + expression);
    }
  }
}
