package dev.tonari.ingest;

/** A push refused as a whole; {@link #status()} is the HTTP status Loki would answer with. */
public final class PushException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;

  public PushException(int status, String message) {
    super(message);
    this.status = status;
  }

  public PushException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
