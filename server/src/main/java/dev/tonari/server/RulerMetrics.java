package dev.tonari.server;

import dev.tonari.alerts.delivery.DeliveryStats;
import dev.tonari.rules.eval.Ruler;
import dev.tonari.rules.eval.RuleHealth;
import dev.tonari.rules.eval.RuleViews;
import dev.tonari.rules.remotewrite.RemoteWriteCounters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The ruler's and delivery's figures on /metrics, read at scrape time: rules per tenant and health
 * (Prometheus' {@code prometheus_rule_group_rules} idea), active alerts per state, group
 * evaluation time, notifications delivered, failed, dead-lettered and dropped with their latency
 * per receiver type, and remote write's samples per client.
 */
final class RulerMetrics {
  private RulerMetrics() {}

  static void register(ServerMetrics metrics, RulerWiring wiring) {
    metrics.registerLabelledGauge("tonari_ruler_rules", "Rules loaded, per tenant and health (ok, err, unknown).", List.of("tenant", "health"),
        () -> perTenant(wiring, RulerMetrics::rulesByHealth));
    metrics.registerLabelledGauge("tonari_ruler_alerts", "Active alerts, per tenant and state (pending, firing).", List.of("tenant", "state"),
        () -> perTenant(wiring, RulerMetrics::alertsByState));
    metrics.registerLabelledGauge("tonari_ruler_group_last_duration_seconds", "How long the last evaluation of each rule group took.",
        List.of("tenant", "namespace", "group"), () -> groupDurations(wiring));
    DeliveryStats stats = wiring.deliveryStats();
    metrics.registerLabelledCounter("tonari_notifications_delivered", "Notifications (requests) delivered, per receiver type.", List.of("receiver_type"),
        () -> byType(stats.delivered()));
    metrics.registerLabelledCounter("tonari_notifications_failed_attempts", "Delivery attempts that failed and may be retried, per receiver type.",
        List.of("receiver_type"), () -> byType(stats.failedAttempts()));
    metrics.registerLabelledCounter("tonari_notifications_dead_lettered", "Notifications given up after their last try, per receiver type.",
        List.of("receiver_type"), () -> byType(stats.deadLettered()));
    metrics.registerLabelledCounter("tonari_notifications_dropped", "Alerts dropped from a full queue, per receiver type.", List.of("receiver_type"),
        () -> byType(stats.dropped()));
    metrics.registerLabelledCounter("tonari_notification_latency_seconds_sum", "Time spent delivering notifications, per receiver type.",
        List.of("receiver_type"), () -> latency(stats, DeliveryStats.Latency::sumSeconds));
    metrics.registerLabelledCounter("tonari_notification_latency_seconds_count", "Deliveries timed, per receiver type.", List.of("receiver_type"),
        () -> latency(stats, latency -> latency.count()));
    wiring.remoteWrite().ifPresent(sink -> {
      metrics.registerLabelledCounter("tonari_ruler_remote_write_samples_sent", "Recorded samples accepted by a remote-write client.",
          List.of("client"), () -> perClient(sink.counters(), RemoteWriteCounters::samplesSent));
      metrics.registerLabelledCounter("tonari_ruler_remote_write_samples_failed", "Recorded samples given up after their last try.",
          List.of("client"), () -> perClient(sink.counters(), RemoteWriteCounters::samplesFailed));
      metrics.registerLabelledCounter("tonari_ruler_remote_write_samples_dropped", "Recorded samples dropped from a full queue or at shutdown.",
          List.of("client"), () -> perClient(sink.counters(), RemoteWriteCounters::samplesDropped));
      metrics.registerLabelledGauge("tonari_ruler_remote_write_samples_pending", "Recorded samples waiting to be sent.", List.of("client"),
          () -> perClient(sink.counters(), RemoteWriteCounters::samplesPending));
    });
  }

  private static Map<List<String>, Double> perTenant(RulerWiring wiring, Function<Ruler, Map<List<String>, Double>> figures) {
    return wiring.ruler().map(figures).orElse(Map.of());
  }

  private static Map<List<String>, Double> rulesByHealth(Ruler ruler) {
    Map<List<String>, Double> counts = new LinkedHashMap<>();
    for (String tenant : ruler.tenants()) {
      for (RuleHealth health : RuleHealth.values()) {
        counts.put(List.of(tenant, health.label()), 0.0);
      }
      for (RuleViews.Group group : ruler.rules(tenant)) {
        for (RuleViews.Rule rule : group.rules()) {
          counts.merge(List.of(tenant, rule.health().label()), 1.0, Double::sum);
        }
      }
    }
    return counts;
  }

  private static Map<List<String>, Double> alertsByState(Ruler ruler) {
    Map<List<String>, Double> counts = new LinkedHashMap<>();
    for (String tenant : ruler.tenants()) {
      counts.put(List.of(tenant, "pending"), 0.0);
      counts.put(List.of(tenant, "firing"), 0.0);
      for (RuleViews.Alert alert : ruler.alerts(tenant)) {
        counts.merge(List.of(tenant, alert.state().label()), 1.0, Double::sum);
      }
    }
    return counts;
  }

  private static Map<List<String>, Double> groupDurations(RulerWiring wiring) {
    Map<List<String>, Double> durations = new LinkedHashMap<>();
    wiring.ruler().ifPresent(ruler -> {
      for (String tenant : ruler.tenants()) {
        for (RuleViews.Group group : ruler.rules(tenant)) {
          if (group.lastEvaluation().isPresent()) {
            durations.put(List.of(tenant, group.file(), group.name()), group.evaluationTime().toNanos() / 1e9);
          }
        }
      }
    });
    return durations;
  }

  private static Map<List<String>, Double> byType(Map<String, Long> values) {
    Map<List<String>, Double> series = new LinkedHashMap<>();
    values.forEach((type, value) -> series.put(List.of(type), value.doubleValue()));
    return series;
  }

  private static Map<List<String>, Double> latency(DeliveryStats stats, ToDoubleFunction<DeliveryStats.Latency> part) {
    Map<List<String>, Double> series = new LinkedHashMap<>();
    stats.latency().forEach((type, latency) -> series.put(List.of(type), part.applyAsDouble(latency)));
    return series;
  }

  private static Map<List<String>, Double> perClient(List<RemoteWriteCounters> counters, ToDoubleFunction<RemoteWriteCounters> figure) {
    Map<List<String>, Double> series = new LinkedHashMap<>();
    for (RemoteWriteCounters client : counters) {
      series.put(List.of(client.client()), figure.applyAsDouble(client));
    }
    return series;
  }
}
