package dev.tonari.alerts.delivery.alertmanager;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.alerts.delivery.Rfc3339;
import dev.tonari.rules.alert.OutgoingAlert;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Alertmanager's v2 {@code postableAlerts} body: a JSON array of objects with {@code labels},
 * {@code annotations}, {@code startsAt}, {@code endsAt} (RFC 3339) and {@code generatorURL}.
 */
public final class PostableAlerts {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PostableAlerts() {}

  public static byte[] encode(List<OutgoingAlert> alerts) {
    ArrayNode array = JSON.createArrayNode();
    for (OutgoingAlert alert : alerts) {
      ObjectNode node = array.addObject();
      putAll(node.putObject("labels"), alert.labels());
      putAll(node.putObject("annotations"), alert.annotations());
      node.put("startsAt", Rfc3339.format(alert.startsAt()));
      node.put("endsAt", Rfc3339.format(alert.endsAt()));
      node.put("generatorURL", alert.generatorUrl());
    }
    return array.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void putAll(ObjectNode node, Map<String, String> values) {
    values.forEach(node::put);
  }
}
