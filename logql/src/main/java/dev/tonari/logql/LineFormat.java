package dev.tonari.logql;

/** {@code | line_format "{{.status}} {{.path}}"}: replaces the line with a Go text/template's output. */
public record LineFormat(String template) implements PipelineStage {
  public LineFormat {
    if (template == null) {
      throw new IllegalArgumentException("line_format needs a template");
    }
  }
}
