package dev.tonari.slo.metrics;

import java.util.List;
import java.util.Map;

/**
 * One gauge family as the writer and the client collector both emit it: a name, its help, and the
 * samples with their labels (sorted by name). The one list of what /metrics holds for SLOs, so the
 * text writer and the Prometheus-client path cannot disagree.
 */
record MetricFamily(String name, String help, List<Sample> samples) {
  MetricFamily {
    samples = List.copyOf(samples);
  }

  /** One sample; {@code labels} sorted by name. */
  record Sample(Map<String, String> labels, double value) {}
}
