package dev.tonari.logql;

import java.util.List;

/**
 * {@code | json}: with no extractions, every JSON field becomes a label (nested keys joined with
 * {@code _}); with extractions, only the named paths do.
 */
public record JsonParser(List<LabelExtraction> extractions) implements PipelineStage {
  public JsonParser {
    extractions = List.copyOf(extractions);
  }

  public JsonParser() {
    this(List.of());
  }
}
