package dev.tonari.query.template;

/** A template that is not valid Go text/template syntax, or that calls an unknown function. */
public final class TemplateParseException extends Exception {
  private static final long serialVersionUID = 1L;

  public TemplateParseException(String message) {
    super(message);
  }
}
