package dev.tonari.logql;

/** {@code | status >= 500 and level="error"}: keeps lines whose labels pass the filter. */
public record LabelFilterStage(LabelFilterExpr filter) implements PipelineStage {
  public LabelFilterStage {
    if (filter == null) {
      throw new IllegalArgumentException("label filter stage needs a filter");
    }
  }
}
