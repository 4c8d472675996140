package dev.tonari.logql;

/**
 * A query that is not valid LogQL (or uses a part of LogQL this version does not run yet). The
 * message has Loki's form, {@code parse error at line 1, col 5: syntax error: unexpected ...}, or
 * {@code parse error : ...} for errors without a position, so clients see what Loki would say.
 */
public final class LogqlParseException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final int line;
  private final int column;
  private final boolean unsupported;

  LogqlParseException(String reason, int line, int column, boolean unsupported) {
    super(format(reason, line, column));
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.unsupported = unsupported;
  }

  static LogqlParseException at(String reason, int line, int column) {
    return new LogqlParseException(reason, line, column, false);
  }

  static LogqlParseException withoutPosition(String reason) {
    return new LogqlParseException(reason, 0, 0, false);
  }

  static LogqlParseException unsupported(String reason, int line, int column) {
    return new LogqlParseException(reason, line, column, true);
  }

  private static String format(String reason, int line, int column) {
    if (line == 0 && column == 0) {
      return "parse error : " + reason;
    }
    return "parse error at line " + line + ", col " + column + ": " + reason;
  }

  /** The message without the {@code parse error at ...} prefix. */
  public String reason() {
    return reason;
  }

  /** 1-based line of the offending token, 0 when the error has no position. */
  public int line() {
    return line;
  }

  /** 1-based column (in code points) of the offending token, 0 when the error has no position. */
  public int column() {
    return column;
  }

  /** True when the query is valid LogQL that this version cannot run yet (metric queries, parsers). */
  public boolean unsupported() {
    return unsupported;
  }
}
