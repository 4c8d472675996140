package dev.tonari.logql;

import java.util.List;

/**
 * How a binary operation pairs series: {@code on (a, b)} ({@code on == true}) or
 * {@code ignoring (a, b)}, then {@code group_left (c)} or {@code group_right (c)} for many-to-one
 * matches with the extra labels to copy ({@code include}).
 */
public record VectorMatching(boolean on, List<String> matchingLabels, Cardinality cardinality, List<String> include) {
  /** Which side may have several series per match. */
  public enum Cardinality {
    ONE_TO_ONE,
    /** {@code group_left}. */
    MANY_TO_ONE,
    /** {@code group_right}. */
    ONE_TO_MANY
  }

  public VectorMatching {
    matchingLabels = List.copyOf(matchingLabels);
    include = List.copyOf(include);
    if (cardinality == null) {
      throw new IllegalArgumentException("vector matching needs a cardinality");
    }
    if (cardinality == Cardinality.ONE_TO_ONE && !include.isEmpty()) {
      throw new IllegalArgumentException("labels to include need group_left or group_right, got " + include);
    }
  }

  /** True for the matching that a binary operation without modifiers has. */
  public boolean isDefault() {
    return !on && matchingLabels.isEmpty() && cardinality == Cardinality.ONE_TO_ONE;
  }
}
