package dev.tonari.sso;

import java.net.URI;

/**
 * The start of a sign-in: where to send the browser, and the value of the short-lived cookie that
 * binds the provider's callback to this browser (the callback's {@code state} must equal it).
 */
public record LoginRedirect(URI authorizationUrl, String loginCookie) {
  @Override
  public String toString() {
    return "LoginRedirect[" + authorizationUrl.getHost() + "]";
  }
}
