package dev.tonari.logql;

import java.util.List;

/**
 * {@code | logfmt [--strict] [--keep-empty] [extractions]}: {@code strict} stops at the first
 * malformed pair (setting {@code __error__}) instead of skipping it; {@code keepEmpty} keeps
 * standalone keys as labels with an empty value.
 */
public record LogfmtParser(boolean strict, boolean keepEmpty, List<LabelExtraction> extractions) implements PipelineStage {
  public LogfmtParser {
    extractions = List.copyOf(extractions);
  }

  public LogfmtParser() {
    this(false, false, List.of());
  }
}
