package dev.tonari.cluster.catalog;

/** The catalog (PostgreSQL) could not be reached or failed; nothing was changed. Callers retry, or answer 503 with Retry-After. */
public final class CatalogUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CatalogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
