package dev.tonari.logql;

import java.util.List;

/** {@code | label_format dst=src, other="{{.x}}"}: all assignments see the labels as they were before the stage. */
public record LabelFormat(List<LabelFormatting> formattings) implements PipelineStage {
  public LabelFormat {
    formattings = List.copyOf(formattings);
    if (formattings.isEmpty()) {
      throw new IllegalArgumentException("label_format needs at least one assignment");
    }
  }
}
