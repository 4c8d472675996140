package dev.tonari.alerts.delivery.silence;

/** A silence that cannot be created, updated or expired, and why (an API answers 400 or 404). */
public final class InvalidSilenceException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean notFound;

  public InvalidSilenceException(String message, boolean notFound) {
    super(message);
    this.notFound = notFound;
  }

  public InvalidSilenceException(String message) {
    this(message, false);
  }

  /** The silence named does not exist (HTTP 404 rather than 400). */
  public boolean notFound() {
    return notFound;
  }
}
