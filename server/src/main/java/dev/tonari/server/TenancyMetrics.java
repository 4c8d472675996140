package dev.tonari.server;

import dev.tonari.tenancy.config.TenantConfigWatcher;
import dev.tonari.tenancy.usage.UsageFigures;
import dev.tonari.tenancy.usage.UsageReport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Exports the tenancy figures on {@code /metrics}, read at scrape time: today's usage per tenant
 * (the same figures as {@code GET /tonari/api/v1/usage}, for the current UTC day), today's cost,
 * and the state of the tenants config reloads, so an invalid edit that was refused is visible to
 * alerting and not only in the log.
 */
final class TenancyMetrics {
  private TenancyMetrics() {}

  static void register(ServerMetrics metrics, TenancyServices tenancy) {
    usage(metrics, tenancy, "tonari_usage_entries_ingested", "Entries ingested today (UTC), per tenant.", UsageFigures::entriesIngested);
    usage(metrics, tenancy, "tonari_usage_bytes_ingested", "Line bytes ingested today (UTC), per tenant.", UsageFigures::bytesIngested);
    usage(metrics, tenancy, "tonari_usage_bytes_stored", "Bytes stored after compression at the last hourly sample, per tenant.",
        UsageFigures::storedBytes);
    usage(metrics, tenancy, "tonari_usage_bytes_scanned", "Bytes scanned by queries today (UTC), per tenant.", UsageFigures::bytesScanned);
    usage(metrics, tenancy, "tonari_usage_queries", "Queries today (UTC), per tenant: every read request, and a tail once when it opens.", UsageFigures::queries);
    usage(metrics, tenancy, "tonari_usage_entries_refused", "Entries refused by limits today (UTC), per tenant.", UsageFigures::entriesRefused);
    metrics.registerLabelledGauge("tonari_usage_cost", "Cost of today's usage (UTC) per the price sheet, per tenant.", List.of("tenant", "currency"),
        () -> {
          Map<List<String>, Double> values = new HashMap<>();
          var prices = tenancy.current().pricing();
          tenancy.meter.todayByTenant().forEach((tenant, figures) ->
              values.put(List.of(tenant, prices.currency()), UsageReport.cost(figures, prices).total().doubleValue()));
          return values;
        });
    metrics.registerGauge("tonari_tenants_config_last_reload_successful",
        "1 when the last reload of the tenants files succeeded (or none was needed), 0 while an invalid edit is refused.",
        () -> watcher(tenancy) == null || watcher(tenancy).lastReloadSuccessful() ? 1 : 0);
    metrics.registerCounter("tonari_tenants_config_reloads", "Reloads of the tenants files because they changed, valid or not.",
        () -> watcher(tenancy) == null ? 0 : watcher(tenancy).reloadCount());
    metrics.registerCounter("tonari_tenants_config_reload_failures", "Reloads refused because the changed tenants files were invalid.",
        () -> watcher(tenancy) == null ? 0 : watcher(tenancy).failedReloadCount());
    metrics.registerGauge("tonari_tenants_declared", "Tenants declared in the tenants config in effect.",
        () -> tenancy.current().tenants().size());
  }

  private static TenantConfigWatcher watcher(TenancyServices tenancy) {
    return tenancy.watcher();
  }

  private static void usage(ServerMetrics metrics, TenancyServices tenancy, String name, String help, ToLongFunction<UsageFigures> figure) {
    metrics.registerGaugePerTenant(name, help, () -> {
      Map<String, Long> values = new HashMap<>();
      tenancy.meter.todayByTenant().forEach((tenant, figures) -> values.put(tenant, figure.applyAsLong(figures)));
      return values;
    });
  }
}
