package dev.tonari.tenancy.config;

import java.util.Objects;

/** What applies to one tenant: its limits and its retention, defaults already merged in. */
public record TenantSettings(TenantLimits limits, RetentionPolicy retention) {
  public TenantSettings {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(retention, "retention");
  }

  /** Loki's limits defaults and a 744h retention. */
  public static TenantSettings defaults() {
    return new TenantSettings(TenantLimits.lokiDefaults(), RetentionPolicy.defaults());
  }
}
