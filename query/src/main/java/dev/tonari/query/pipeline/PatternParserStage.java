package dev.tonari.query.pipeline;

import java.util.List;

/** {@code | pattern "<ip> - - <_> \"<method> <uri> <_>\""}: each named capture becomes a label. */
final class PatternParserStage implements Stage {
  private final LinePattern pattern;

  private PatternParserStage(LinePattern pattern) {
    this.pattern = pattern;
  }

  static PatternParserStage compile(String pattern) throws PipelineCompileException {
    LinePattern compiled = LinePattern.parse(pattern, true);
    for (String name : compiled.names()) {
      if (!LabelNames.isValid(name)) {
        throw new PipelineCompileException("invalid capture label name '" + name + "'");
      }
    }
    return new PatternParserStage(compiled);
  }

  @Override
  public boolean process(LineState state) {
    List<String> captures = pattern.matches(state.line);
    List<String> names = pattern.names();
    for (int i = 0; i < captures.size(); i++) {
      state.labels.set(LabelNames.forParsed(state.labels, names.get(i)), captures.get(i));
    }
    return true;
  }
}
