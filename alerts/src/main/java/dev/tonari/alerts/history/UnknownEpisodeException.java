package dev.tonari.alerts.history;

/** An acknowledgement named an episode the tenant's history does not hold (the API answers 404). */
public final class UnknownEpisodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public UnknownEpisodeException(String message) {
    super(message);
  }
}
