package dev.tonari.logql;

/**
 * {@code label_replace(inner, "dst", "replacement", "src", "regex")} as in PromQL: where the fully
 * anchored {@code regex} matches the value of {@code src}, sets {@code dst} to {@code replacement}
 * with {@code $1}-style references expanded.
 */
public record LabelReplace(SampleExpr inner, String destination, String replacement, String source, String regex) implements SampleExpr {
  public LabelReplace {
    if (inner == null || destination == null || replacement == null || source == null || regex == null) {
      throw new IllegalArgumentException("label_replace needs all five arguments");
    }
  }
}
