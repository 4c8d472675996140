package dev.tonari.query;

/** A query refused or failed; {@link #status()} is the HTTP status Loki would answer with. */
public final class QueryException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;

  public QueryException(int status, String message) {
    super(message);
    this.status = status;
  }

  public QueryException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
