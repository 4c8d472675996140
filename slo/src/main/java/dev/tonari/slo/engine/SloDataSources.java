package dev.tonari.slo.engine;

import dev.tonari.slo.model.PrometheusEndpoint;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenSLO {@code DataSource} documents of each tenant, by name, as the catalog last read them
 * (files and API bodies); the PromQL source looks its named endpoints up here. One object that both
 * the catalog (writer) and the source (reader) hold, so neither needs the other.
 */
public final class SloDataSources {
  private volatile Map<String, Map<String, PrometheusEndpoint>> byTenant = Map.of();

  public Optional<PrometheusEndpoint> find(String tenant, String name) {
    return Optional.ofNullable(byTenant.getOrDefault(tenant, Map.of()).get(name));
  }

  void replace(Map<String, Map<String, PrometheusEndpoint>> next) {
    Map<String, Map<String, PrometheusEndpoint>> copy = new ConcurrentHashMap<>();
    next.forEach((tenant, sources) -> copy.put(tenant, Map.copyOf(sources)));
    byTenant = copy;
  }

  void put(String tenant, Map<String, PrometheusEndpoint> sources) {
    Map<String, Map<String, PrometheusEndpoint>> copy = new ConcurrentHashMap<>(byTenant);
    Map<String, PrometheusEndpoint> merged = new java.util.HashMap<>(copy.getOrDefault(tenant, Map.of()));
    merged.putAll(sources);
    copy.put(tenant, Map.copyOf(merged));
    byTenant = copy;
  }
}
