package dev.tonari.tenancy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's Prometheus-compatible HTTP API ({@code prometheus} in the tenants file), where its
 * PromQL SLIs are read when they name no OpenSLO {@code DataSource}. Tenancy does not depend on
 * the SLO module; the server turns this into the SLO module's endpoint.
 *
 * <p>Every value ends up in an HTTP request: the URL has {@code /api/v1/query_range} appended, a
 * bearer token or a username and password make the {@code Authorization} header (one or the other,
 * as a request carries one), the org ID is sent as {@code X-Scope-OrgID} (Mimir, Cortex, Thanos).
 * So the checks here are the ones that keep such a request well formed. {@link #toString()} never
 * shows a secret, so logs and error messages can print the record.
 *
 * @param url an {@code http} or {@code https} base URL without credentials, query or fragment
 * @param bearerToken sent as {@code Authorization: Bearer}
 * @param username with {@code password}, sent as HTTP Basic
 * @param password with {@code username}
 * @param orgId sent as {@code X-Scope-OrgID}
 */
public record PrometheusSettings(URI url, Optional<String> bearerToken, Optional<String> username, Optional<String> password,
    Optional<String> orgId) {
  public PrometheusSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(bearerToken, "bearerToken");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(orgId, "orgId");
    urlProblem(url).ifPresent(problem -> {
      throw new IllegalArgumentException("prometheus url " + url + ": " + problem);
    });
    check("bearer token", bearerToken);
    check("username", username);
    check("password", password);
    check("org ID", orgId);
    if (username.isPresent() && username.get().indexOf(':') >= 0) {
      throw new IllegalArgumentException("prometheus username must not contain ':' (HTTP Basic separates it from the password with one)");
    }
    if (username.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException(username.isPresent() ? "prometheus username needs a password" : "prometheus password needs a username");
    }
    if (bearerToken.isPresent() && username.isPresent()) {
      throw new IllegalArgumentException("prometheus bearer token and username/password exclude each other: a request has one Authorization header");
    }
  }

  /** A server without authentication or org ID. */
  public static PrometheusSettings of(URI url) {
    return new PrometheusSettings(url, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Why a text is not a usable base URL, or empty. */
  public static Optional<String> urlProblem(String text) {
    try {
      return urlProblem(new URI(text));
    } catch (URISyntaxException e) {
      return Optional.of("not a URL: " + e.getReason() + " at index " + e.getIndex());
    }
  }

  static Optional<String> urlProblem(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("expected an http or https URL such as http://prometheus:9090");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      return Optional.of("the URL names no host");
    }
    if (url.getRawUserInfo() != null) {
      return Optional.of("credentials do not belong in the URL: use username and password_file (or bearer_token_file)");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      return Optional.of("the URL must not have a query or fragment: /api/v1/query_range and its parameters are appended to it");
    }
    return Optional.empty();
  }

  /**
   * Why a value cannot be sent in an HTTP header, or empty; the value itself is never part of the
   * answer, as it may be a secret.
   */
  public static Optional<String> headerValueProblem(String value) {
    if (value.isEmpty()) {
      return Optional.of("is empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return Optional.of(c == '\n' || c == '\r' ? "contains a line break" : "contains a control character");
      }
    }
    return Optional.empty();
  }

  private static void check(String what, Optional<String> value) {
    value.flatMap(PrometheusSettings::headerValueProblem).ifPresent(problem -> {
      throw new IllegalArgumentException("prometheus " + what + " " + problem);
    });
  }

  @Override
  public String toString() {
    return "PrometheusSettings[" + url + (bearerToken.isPresent() ? ", bearer token" : "")
        + username.map(name -> ", basic auth as " + name).orElse("") + orgId.map(org -> ", X-Scope-OrgID " + org).orElse("") + "]";
  }
}
