package dev.tonari.logql;

/** {@code | regexp "(?P<method>\\w+) (?P<path>\\S+)"}: each named group becomes a label. */
public record RegexpParser(String pattern) implements PipelineStage {
  public RegexpParser {
    if (pattern == null) {
      throw new IllegalArgumentException("regexp parser needs a pattern");
    }
  }
}
