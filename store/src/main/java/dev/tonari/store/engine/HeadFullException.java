package dev.tonari.store.engine;

import java.io.IOException;

/**
 * An append refused because the in-memory heads hold as many bytes as a {@link HeadBounds} allows;
 * nothing of it was written. A flush is under way when this is thrown, so the caller should retry
 * after {@link #retryAfterSeconds()} (a server answers 429 with {@code Retry-After}).
 */
public final class HeadFullException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Which bound was hit. */
  public enum Scope {
    /** All tenants together ({@link HeadBounds#maxBytes()}). */
    TOTAL,
    /** The pushing tenant alone ({@link HeadBounds#maxBytesPerTenant()}). */
    TENANT
  }

  private final String tenant;
  private final Scope scope;
  private final long heldBytes;
  private final long incomingBytes;
  private final long limitBytes;
  private final long retryAfterSeconds;

  public HeadFullException(String tenant, Scope scope, long heldBytes, long incomingBytes, long limitBytes, long retryAfterSeconds) {
    super(
        "head memory full: "
            + (scope == Scope.TENANT ? "tenant " + tenant + " holds " : "all tenants hold ")
            + heldBytes
            + " bytes not yet flushed, this push of tenant "
            + tenant
            + " adds about "
            + incomingBytes
            + ", limit is "
            + limitBytes
            + " bytes; a flush is under way, retry in "
            + retryAfterSeconds
            + " s");
    this.tenant = tenant;
    this.scope = scope;
    this.heldBytes = heldBytes;
    this.incomingBytes = incomingBytes;
    this.limitBytes = limitBytes;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public String tenant() {
    return tenant;
  }

  public Scope scope() {
    return scope;
  }

  public long heldBytes() {
    return heldBytes;
  }

  public long incomingBytes() {
    return incomingBytes;
  }

  public long limitBytes() {
    return limitBytes;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
