package dev.tonari.query.template;

/**
 * A template that failed while running on one line, with Go's message
 * ({@code template: line:1:3: executing "line" at <div 1 0>: error calling div: ...}); Loki puts
 * the message in {@code __error_details__} and sets {@code __error__=TemplateFormatErr}.
 */
public final class TemplateExecutionException extends Exception {
  private static final long serialVersionUID = 1L;

  public TemplateExecutionException(String message) {
    super(message);
  }
}
