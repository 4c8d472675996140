package dev.tonari.alerts.delivery.notify;

import dev.tonari.rules.alert.OutgoingAlert;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one notification of an aggregation group says: the alerts (firing and, where the
 * receiver wants them, resolved) with Alertmanager's group data, and that data as the map Go
 * templates see ({@link #templateData()}).
 *
 * @param tenant the tenant
 * @param receiver the receiver's name
 * @param groupKey Alertmanager's group key ({@code <route key>:<group labels>})
 * @param groupLabels the labels the group is named by
 * @param alerts the alerts, in Alertmanager's order (by job, instance, then all labels)
 * @param now when the group was flushed: an alert whose {@code endsAt} is not after it is resolved
 * @param externalUrl the link back to Tonari ({@code .ExternalURL})
 */
public record Notification(String tenant, String receiver, String groupKey, Map<String, String> groupLabels, List<OutgoingAlert> alerts, Instant now,
    String externalUrl) {
  public Notification {
    groupLabels = java.util.Collections.unmodifiableMap(new TreeMap<>(groupLabels));
    List<OutgoingAlert> sorted = new ArrayList<>(alerts);
    sorted.sort(ALERT_ORDER);
    alerts = List.copyOf(sorted);
  }

  /** Alertmanager's {@code AlertSlice} order: {@code job}, then {@code instance}, then the label sets. */
  public static final Comparator<OutgoingAlert> ALERT_ORDER = Comparator.<OutgoingAlert, String>comparing(alert -> alert.labels().getOrDefault("job", ""))
      .thenComparing(alert -> alert.labels().getOrDefault("instance", ""))
      .thenComparing(alert -> alert.labels().toString());

  public boolean resolved(OutgoingAlert alert) {
    return alert.resolvedAt(now);
  }

  public String status(OutgoingAlert alert) {
    return resolved(alert) ? "resolved" : "firing";
  }

  /** {@code firing} when any alert fires, else {@code resolved}. */
  public String status() {
    return firing().isEmpty() ? "resolved" : "firing";
  }

  public List<OutgoingAlert> firing() {
    return alerts.stream().filter(alert -> !resolved(alert)).toList();
  }

  public List<OutgoingAlert> resolvedAlerts() {
    return alerts.stream().filter(this::resolved).toList();
  }

  /** The labels every alert has with the same value. */
  public Map<String, String> commonLabels() {
    return common(alerts.stream().map(OutgoingAlert::labels).toList());
  }

  public Map<String, String> commonAnnotations() {
    return common(alerts.stream().map(OutgoingAlert::annotations).toList());
  }

  private static Map<String, String> common(List<Map<String, String>> maps) {
    if (maps.isEmpty()) {
      return Map.of();
    }
    Map<String, String> common = new TreeMap<>(maps.get(0));
    for (Map<String, String> map : maps.subList(1, maps.size())) {
      common.entrySet().removeIf(entry -> !entry.getValue().equals(map.get(entry.getKey())));
    }
    return common;
  }

  /**
   * Alertmanager's template data: {@code .Receiver}, {@code .Status}, {@code .Alerts} (each with
   * {@code .Status}, {@code .Labels}, {@code .Annotations}, {@code .StartsAt}, {@code .EndsAt},
   * {@code .GeneratorURL}, {@code .Fingerprint}), {@code .GroupLabels}, {@code .CommonLabels},
   * {@code .CommonAnnotations}, {@code .ExternalURL}; plus {@code .GroupKey}, and
   * {@code .FiringAlerts} / {@code .ResolvedAlerts} standing in for Go's {@code .Alerts.Firing}
   * and {@code .Alerts.Resolved} methods, which a list cannot carry here. A missing label reads
   * as the empty string, as with Alertmanager's {@code KV} maps.
   */
  public Map<String, Object> templateData() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("Receiver", receiver);
    data.put("Status", status());
    List<Object> all = new ArrayList<>();
    List<Object> firing = new ArrayList<>();
    List<Object> resolved = new ArrayList<>();
    for (OutgoingAlert alert : alerts) {
      Map<String, Object> item = alertData(alert);
      all.add(item);
      (resolved(alert) ? resolved : firing).add(item);
    }
    data.put("Alerts", all);
    data.put("FiringAlerts", firing);
    data.put("ResolvedAlerts", resolved);
    data.put("GroupLabels", new KeyValues(groupLabels));
    data.put("CommonLabels", new KeyValues(commonLabels()));
    data.put("CommonAnnotations", new KeyValues(commonAnnotations()));
    data.put("ExternalURL", externalUrl);
    data.put("GroupKey", groupKey);
    return data;
  }

  private Map<String, Object> alertData(OutgoingAlert alert) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("Status", status(alert));
    item.put("Labels", new KeyValues(alert.labels()));
    item.put("Annotations", new KeyValues(alert.annotations()));
    item.put("StartsAt", alert.startsAt().atZone(ZoneOffset.UTC));
    item.put("EndsAt", (resolved(alert) ? alert.endsAt() : dev.tonari.alerts.delivery.Rfc3339.ZERO).atZone(ZoneOffset.UTC));
    item.put("GeneratorURL", alert.generatorUrl());
    item.put("Fingerprint", alert.fingerprint());
    return item;
  }

  /** Alertmanager's {@code KV}: a string map whose missing keys read as "". */
  static final class KeyValues extends java.util.AbstractMap<String, Object> {
    private final Map<String, Object> values;

    KeyValues(Map<String, String> values) {
      this.values = new TreeMap<>(values);
    }

    @Override
    public Object get(Object key) {
      Object value = values.get(key);
      return value == null ? "" : value;
    }

    @Override
    public java.util.Set<Entry<String, Object>> entrySet() {
      return values.entrySet();
    }
  }
}
