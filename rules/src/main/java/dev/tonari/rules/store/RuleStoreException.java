package dev.tonari.rules.store;

/**
 * A rules API change the store refuses, with why ({@link Reason}, which the HTTP layer maps to a
 * status) and a message naming the tenant, namespace, group, limit or file concerned.
 */
public final class RuleStoreException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a change is refused. */
  public enum Reason {
    /** A malformed tenant, namespace or group name, or a group over a limit: 400. */
    INVALID(400),
    /** The namespace or group does not exist: 404. */
    NOT_FOUND(404),
    /** The namespace belongs to a rule file or is generated ({@code slo}): 409. */
    CONFLICT(409),
    /** {@code ruler.enable_api} is off: 403. */
    API_DISABLED(403),
    /** The change could not be written to disk: 500. */
    STORAGE(500);

    private final int status;

    Reason(int status) {
      this.status = status;
    }

    /** The HTTP status the rules API answers. */
    public int status() {
      return status;
    }
  }

  private final Reason reason;

  public RuleStoreException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public RuleStoreException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
