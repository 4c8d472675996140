package dev.tonari.cluster.log;

/** The push log did not store a push in time; the distributor answers 503 with {@link #retryAfterSeconds()}. */
public final class PushLogUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long retryAfterSeconds;

  public PushLogUnavailableException(String message, long retryAfterSeconds, Throwable cause) {
    super(message, cause);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
