package dev.tonari.tenancy.config;

import dev.tonari.tenancy.auth.GroupMapping;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The tenants configuration in effect: defaults for every tenant, the tenants the platform team
 * declared (each with its defaults already merged with its overrides), the optional routing rule
 * and the price sheet. Immutable; a reload builds a new one and swaps it in whole.
 *
 * <p>A tenant that is not declared still exists (auth decides who may use it) and gets the
 * defaults: declaring a tenant is how it gets overrides and becomes a routing target.
 */
public record TenantConfig(TenantSettings defaults, Map<String, TenantSettings> tenants, Optional<RoutingRule> routing, PriceSheet pricing,
    GroupMapping sso) {
  public TenantConfig {
    Objects.requireNonNull(defaults, "defaults");
    tenants = Map.copyOf(tenants);
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(pricing, "pricing");
    Objects.requireNonNull(sso, "sso");
  }

  /** A config without an {@code sso} section. */
  public TenantConfig(TenantSettings defaults, Map<String, TenantSettings> tenants, Optional<RoutingRule> routing, PriceSheet pricing) {
    this(defaults, tenants, routing, pricing, GroupMapping.none());
  }

  /** No file: Loki's defaults for everyone, no routing, everything free. */
  public static TenantConfig empty() {
    return new TenantConfig(TenantSettings.defaults(), Map.of(), Optional.empty(), PriceSheet.free());
  }

  public TenantSettings settingsFor(String tenant) {
    return tenants.getOrDefault(tenant, defaults);
  }

  public TenantLimits limitsFor(String tenant) {
    return settingsFor(tenant).limits();
  }

  public RetentionPolicy retentionFor(String tenant) {
    return settingsFor(tenant).retention();
  }

  /**
   * The tenant's {@code prometheus} (its own, or the defaults' with its overrides), or empty when
   * the tenants files set none for it; the server then falls back to its {@code slo.prometheus}.
   */
  public Optional<PrometheusSettings> prometheusFor(String tenant) {
    return settingsFor(tenant).prometheus();
  }

  public boolean isDeclared(String tenant) {
    return tenants.containsKey(tenant);
  }

  public SortedSet<String> declaredTenants() {
    return new TreeSet<>(tenants.keySet());
  }
}
