package dev.tonari.slo.model;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * A Prometheus-compatible HTTP API that PromQL SLIs are read from: an OpenSLO {@code DataSource}
 * of type Prometheus, or a tenant's default ({@code prometheus} in the tenants file).
 *
 * @param url the base URL; {@code /api/v1/query_range} is appended
 * @param bearerToken sent as {@code Authorization: Bearer}
 * @param username with {@code password}, sent as HTTP Basic (when no bearer token)
 * @param orgId sent as {@code X-Scope-OrgID} (Mimir, Cortex, Thanos receive)
 */
public record PrometheusEndpoint(URI url, Optional<String> bearerToken, Optional<String> username, Optional<String> password,
    Optional<String> orgId) {
  public PrometheusEndpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(bearerToken, "bearerToken");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(orgId, "orgId");
  }

  public static PrometheusEndpoint of(URI url) {
    return new PrometheusEndpoint(url, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  @Override
  public String toString() {
    // Never print secrets in logs or error messages.
    return "PrometheusEndpoint[" + url + (bearerToken.isPresent() ? ", bearer" : "") + (username.isPresent() ? ", basic " + username.get() : "")
        + orgId.map(o -> ", X-Scope-OrgID " + o).orElse("") + "]";
  }
}
