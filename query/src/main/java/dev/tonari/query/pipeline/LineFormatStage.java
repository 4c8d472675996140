package dev.tonari.query.pipeline;

import dev.tonari.query.template.Template;
import dev.tonari.query.template.TemplateExecutionException;
import dev.tonari.query.template.TemplateParseException;

/**
 * {@code | line_format "{{.status}} {{.path}}"}: replaces the line with the template's output. A
 * template that fails on a line keeps the line and marks it {@code __error__=TemplateFormatErr}
 * with Go's message in {@code __error_details__}.
 */
final class LineFormatStage implements Stage {
  private final Template template;

  private LineFormatStage(Template template) {
    this.template = template;
  }

  static LineFormatStage compile(String text) throws PipelineCompileException {
    try {
      return new LineFormatStage(Template.parse("line", text));
    } catch (TemplateParseException e) {
      throw new PipelineCompileException("invalid line template: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean process(LineState state) {
    try {
      state.line = template.execute(state);
    } catch (TemplateExecutionException e) {
      state.labels.setError(ErrorNames.TEMPLATE_FORMAT, e.getMessage());
    }
    return true;
  }
}
