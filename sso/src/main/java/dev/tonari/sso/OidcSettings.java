package dev.tonari.sso;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How Tonari signs people in through an OpenID Connect provider: the server config's {@code
 * auth.oidc} section.
 *
 * @param issuer the provider's issuer URL; its {@code /.well-known/openid-configuration} is read
 * @param clientId the client Tonari is registered as
 * @param clientSecret the client's secret (sent with HTTP Basic to the token endpoint)
 * @param publicUrl Tonari's own base URL as browsers reach it; the redirect URI is {@code
 *     <publicUrl>/ui/callback} and must be registered with the provider
 * @param scopes requested scopes; {@code openid} is always included
 * @param sessionTtl how long a sign-in lasts before the person signs in again
 * @param clockSkew tolerated difference between the provider's clock and ours for {@code exp},
 *     {@code iat}, {@code nbf}
 * @param httpTimeout connect and read timeout of calls to the provider
 */
public record OidcSettings(URI issuer, String clientId, String clientSecret, URI publicUrl, List<String> scopes, Duration sessionTtl,
    Duration clockSkew, Duration httpTimeout) {
  public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
  public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);
  public static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email", "groups");
  /** Where the provider sends the browser back, below {@link #publicUrl()}. */
  public static final String CALLBACK_PATH = "/ui/callback";

  public OidcSettings {
    Objects.requireNonNull(issuer, "issuer");
    requireHttp(issuer, "auth.oidc.issuer_url");
    requireHttp(publicUrl, "auth.oidc.public_url");
    if (clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("auth.oidc.client_id is required");
    }
    Objects.requireNonNull(clientSecret, "clientSecret");
    scopes = scopes.contains("openid") ? List.copyOf(scopes) : prepend("openid", scopes);
    if (sessionTtl.isNegative() || sessionTtl.isZero()) {
      throw new IllegalArgumentException("auth.oidc.session_ttl must be positive, got " + sessionTtl);
    }
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("auth.oidc.clock_skew must not be negative, got " + clockSkew);
    }
    if (httpTimeout.isNegative() || httpTimeout.isZero()) {
      throw new IllegalArgumentException("auth.oidc.http_timeout must be positive, got " + httpTimeout);
    }
  }

  /** Settings with the defaults for scopes, session length, clock skew and timeouts. */
  public static OidcSettings of(URI issuer, String clientId, String clientSecret, URI publicUrl) {
    return new OidcSettings(issuer, clientId, clientSecret, publicUrl, DEFAULT_SCOPES, DEFAULT_SESSION_TTL, DEFAULT_CLOCK_SKEW, DEFAULT_HTTP_TIMEOUT);
  }

  public OidcSettings withSessionTtl(Duration ttl) {
    return new OidcSettings(issuer, clientId, clientSecret, publicUrl, scopes, ttl, clockSkew, httpTimeout);
  }

  public OidcSettings withScopes(List<String> requested) {
    return new OidcSettings(issuer, clientId, clientSecret, publicUrl, requested, sessionTtl, clockSkew, httpTimeout);
  }

  @Override
  public String toString() {
    return "OidcSettings[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret=<redacted>, publicUrl=" + publicUrl + ", scopes=" + scopes
        + ", sessionTtl=" + sessionTtl + "]";
  }

  /** {@code <publicUrl>/ui/callback}. */
  public URI redirectUri() {
    String base = publicUrl.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK_PATH);
  }

  /** Cookies get {@code Secure} when browsers reach Tonari over https. */
  public boolean secureCookies() {
    return "https".equalsIgnoreCase(publicUrl.getScheme());
  }

  private static void requireHttp(URI url, String key) {
    if (url == null || url.getScheme() == null || url.getHost() == null
        || !(url.getScheme().equalsIgnoreCase("http") || url.getScheme().equalsIgnoreCase("https"))) {
      throw new IllegalArgumentException(key + " must be an http or https URL with a host, got " + url);
    }
  }

  private static List<String> prepend(String first, List<String> rest) {
    java.util.ArrayList<String> all = new java.util.ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return List.copyOf(all);
  }
}
