package dev.tonari.logql;

/** {@code | pattern "<ip> - - <_> \"<method> <uri> <_>\""}: each named capture becomes a label. */
public record PatternParser(String pattern) implements PipelineStage {
  public PatternParser {
    if (pattern == null) {
      throw new IllegalArgumentException("pattern parser needs a pattern");
    }
  }
}
