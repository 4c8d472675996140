package dev.tonari.alerts.delivery.notify;

import dev.tonari.alerts.delivery.config.Route;
import dev.tonari.rules.alert.OutgoingAlert;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Alertmanager's aggregation group: the alerts of one route with the same group labels, notified
 * together. The first flush comes {@code group_wait} after the group is created (at once when its
 * first alert is already older than that), then one every {@code group_interval}.
 */
final class AggregationGroup {
  final String tenant;
  final Route route;
  final String groupKey;
  final Map<String, String> groupLabels;
  /** By fingerprint; the last state the ruler sent. */
  final Map<String, OutgoingAlert> alerts = new LinkedHashMap<>();
  Instant nextFlush;
  boolean flushed;

  AggregationGroup(String tenant, Route route, Map<String, String> groupLabels, Instant now) {
    this.tenant = tenant;
    this.route = route;
    this.groupLabels = Map.copyOf(groupLabels);
    this.groupKey = key(route, groupLabels);
    this.nextFlush = now.plus(route.groupWait());
  }

  /** {@code <route key>:<group labels>}, the labels as Prometheus' {@code LabelSet.String()} spells them. */
  static String key(Route route, Map<String, String> groupLabels) {
    String labels = new java.util.TreeMap<>(groupLabels).entrySet().stream()
        .map(label -> label.getKey() + "=" + dev.tonari.query.template.GoFormat.quote(label.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
    return route.key() + ":" + labels;
  }

  void insert(OutgoingAlert alert, Instant now) {
    alerts.put(alert.fingerprint(), alert);
    if (!flushed && alert.startsAt().plus(route.groupWait()).isBefore(now)) {
      // As Alertmanager: an alert that has waited group_wait already is not held back again.
      nextFlush = now;
    }
  }
}
