package dev.tonari.tenancy.config;

import java.util.Objects;
import java.util.Optional;

/**
 * What applies to one tenant: its limits, its retention and the Prometheus its PromQL SLIs read
 * (when its SLOs name no OpenSLO {@code DataSource}), defaults already merged in.
 */
public record TenantSettings(TenantLimits limits, RetentionPolicy retention, Optional<PrometheusSettings> prometheus) {
  public TenantSettings {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(prometheus, "prometheus");
  }

  /** Limits and retention, no Prometheus. */
  public TenantSettings(TenantLimits limits, RetentionPolicy retention) {
    this(limits, retention, Optional.empty());
  }

  /** Loki's limits defaults and a 744h retention. */
  public static TenantSettings defaults() {
    return new TenantSettings(TenantLimits.lokiDefaults(), RetentionPolicy.defaults());
  }
}
