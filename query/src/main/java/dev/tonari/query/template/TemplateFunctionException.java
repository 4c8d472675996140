package dev.tonari.query.template;

/**
 * A {@link TemplateFunction} that failed. An ordinary failure reads, as in Go, {@code error calling
 * <function>: <message>}; an argument of the wrong type ({@link #wrongType}) reads as Go's
 * reflection reports it, without that prefix.
 */
public final class TemplateFunctionException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean argumentTypeError;
  private final int argumentIndex;

  public TemplateFunctionException(String message) {
    this(message, false, -1);
  }

  private TemplateFunctionException(String message, boolean argumentTypeError, int argumentIndex) {
    super(message, null, false, false);
    this.argumentTypeError = argumentTypeError;
    this.argumentIndex = argumentIndex;
  }

  /**
   * Go's message for an argument that the function's parameter type cannot take; the message
   * points at argument {@code index} (0 is the first), as Go's does.
   */
  public static TemplateFunctionException wrongType(String expected, Object value, int index) {
    return new TemplateFunctionException("wrong type for value; expected " + expected + "; got " + GoFormat.typeName(value), true, index);
  }

  /** The argument as a string, or Go's wrong-type error. */
  public static String stringArgument(java.util.List<Object> arguments, int index) throws TemplateFunctionException {
    Object value = arguments.get(index);
    if (value instanceof String text) {
      return text;
    }
    throw wrongType("string", value, index);
  }

  public boolean argumentTypeError() {
    return argumentTypeError;
  }

  /** The argument a type error concerns, or -1. */
  public int argumentIndex() {
    return argumentIndex;
  }
}
