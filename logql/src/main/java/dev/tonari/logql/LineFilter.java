package dev.tonari.logql;

import java.util.List;

/**
 * A line filter stage such as {@code |= "error" or "fatal"}. With several alternatives (joined by
 * {@code or}), a positive operator keeps lines that match any of them, and a negated operator
 * keeps lines that match none of them, as in Loki.
 */
public record LineFilter(LineFilterOperator operator, List<LineFilterTerm> alternatives) implements PipelineStage {
  public LineFilter {
    alternatives = List.copyOf(alternatives);
    if (alternatives.isEmpty()) {
      throw new IllegalArgumentException("a line filter needs at least one term");
    }
  }

  public LineFilter(LineFilterOperator operator, String value) {
    this(operator, List.of(new LineFilterTerm.Text(value)));
  }
}
