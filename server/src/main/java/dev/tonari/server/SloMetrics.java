package dev.tonari.server;

import dev.tonari.slo.engine.SloService;
import dev.tonari.slo.metrics.SlothMetricsCollector;
import dev.tonari.slo.metrics.SlothMetricsWriter;

/**
 * Puts the SLO series on {@code /metrics}: Sloth's recording-rule names and labels (so Sloth's
 * Grafana dashboards work when Prometheus scrapes Tonari), Tonari's condition and policy gauges,
 * and the engine's own figures. Computed at scrape time from the rollups.
 */
final class SloMetrics {
  private SloMetrics() {}

  static void register(ServerMetrics metrics, SloService slos) {
    metrics.registerCollector(new SlothMetricsCollector(new SlothMetricsWriter(TonariServer.VERSION), slos::metricsInputs));
  }
}
