package dev.tonari.slo.source;

/**
 * The SLI's data could not be read for a range of minutes: the source is down, slow, refused the
 * query, or answered something that is not a number. The message says which source, which query
 * and why, so that the API can show it beside the SLO's "no data".
 */
public final class SliUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public SliUnavailableException(String message) {
    super(message);
  }

  public SliUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
