package dev.tonari.logql;

import java.util.List;

/**
 * {@code | unwrap duration(latency) | __error__=""}: takes each line's sample value from a label.
 * The post-filters run after the conversion, so they can drop lines whose conversion failed.
 */
public record Unwrap(String label, UnwrapConversion conversion, List<LabelFilterExpr> postFilters) {
  public Unwrap {
    if (label == null || conversion == null) {
      throw new IllegalArgumentException("unwrap needs a label and a conversion, got " + label + " " + conversion);
    }
    postFilters = List.copyOf(postFilters);
  }

  public Unwrap(String label) {
    this(label, UnwrapConversion.NONE, List.of());
  }
}
