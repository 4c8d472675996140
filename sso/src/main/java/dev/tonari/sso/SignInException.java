package dev.tonari.sso;

/**
 * A sign-in that cannot complete: the provider refused, the ID token failed validation, the
 * callback does not belong to a login this server started. The message says which, for the page
 * the person sees and for the log; it never contains a token or a secret.
 */
public final class SignInException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why, as a short machine-readable reason for metrics ({@code provider_error}, {@code invalid_id_token}, ...). */
  private final String reason;

  public SignInException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public SignInException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
