package dev.tonari.logql;

import java.util.List;

/** {@code | keep app, level="error"}: removes every label but the named ones (or those whose value matches). */
public record KeepLabels(List<LabelMatcherOrName> labels) implements PipelineStage {
  public KeepLabels {
    labels = List.copyOf(labels);
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("keep needs at least one label");
    }
  }
}
