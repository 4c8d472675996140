/**
 * SLO series on /metrics under Sloth's names and labels, so Sloth's Grafana dashboards work on a
 * Prometheus that scrapes Tonari, and Tonari's own condition and budget-policy gauges: as text
 * ({@code SlothMetricsWriter}) or through the Prometheus Java client ({@code SlothMetricsCollector}).
 */
package dev.tonari.slo.metrics;
