package dev.tonari.alerts.delivery.receiver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.alerts.delivery.Rfc3339;
import dev.tonari.alerts.delivery.config.Integration;
import dev.tonari.alerts.delivery.notify.Notification;
import dev.tonari.rules.alert.OutgoingAlert;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alertmanager's webhook message, field for field, so receivers written for Alertmanager work:
 * {@code receiver}, {@code status}, {@code alerts[]} ({@code status}, {@code labels},
 * {@code annotations}, {@code startsAt}, {@code endsAt} (Go's zero time while firing, as
 * Alertmanager sends it), {@code generatorURL}, {@code fingerprint}), {@code groupLabels},
 * {@code commonLabels}, {@code commonAnnotations}, {@code externalURL}, {@code version} "4",
 * {@code groupKey} and {@code truncatedAlerts} (alerts left out by {@code max_alerts}).
 */
public final class WebhookMessage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookMessage() {}

  public static RenderedRequest render(Integration.Webhook config, Notification notification) {
    return new RenderedRequest(config.url().toString(), "", "", Map.of(), body(notification, config.maxAlerts()), Optional.empty());
  }

  static String body(Notification notification, int maxAlerts) {
    List<OutgoingAlert> alerts = notification.alerts();
    int truncated = 0;
    if (maxAlerts > 0 && alerts.size() > maxAlerts) {
      truncated = alerts.size() - maxAlerts;
      alerts = alerts.subList(0, maxAlerts);
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("receiver", notification.receiver());
    root.put("status", notification.status());
    ArrayNode array = root.putArray("alerts");
    for (OutgoingAlert alert : alerts) {
      ObjectNode item = array.addObject();
      item.put("status", notification.status(alert));
      putAll(item.putObject("labels"), alert.labels());
      putAll(item.putObject("annotations"), alert.annotations());
      item.put("startsAt", Rfc3339.format(alert.startsAt()));
      item.put("endsAt", Rfc3339.format(notification.resolved(alert) ? alert.endsAt() : Rfc3339.ZERO));
      item.put("generatorURL", alert.generatorUrl());
      item.put("fingerprint", alert.fingerprint());
    }
    putAll(root.putObject("groupLabels"), notification.groupLabels());
    putAll(root.putObject("commonLabels"), notification.commonLabels());
    putAll(root.putObject("commonAnnotations"), notification.commonAnnotations());
    root.put("externalURL", notification.externalUrl());
    root.put("version", "4");
    root.put("groupKey", notification.groupKey());
    root.put("truncatedAlerts", truncated);
    return root.toString();
  }

  private static void putAll(ObjectNode node, Map<String, String> values) {
    values.forEach(node::put);
  }
}
