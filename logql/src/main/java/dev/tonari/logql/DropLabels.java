package dev.tonari.logql;

import java.util.List;

/** {@code | drop level, method="GET"}: removes the named labels (or those whose value matches). */
public record DropLabels(List<LabelMatcherOrName> labels) implements PipelineStage {
  public DropLabels {
    labels = List.copyOf(labels);
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("drop needs at least one label");
    }
  }
}
