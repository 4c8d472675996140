package dev.tonari.cluster.ruler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.rules.alert.OutgoingAlert;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The payload of a notification in the catalog's outbox: the alerts of one group evaluation as
 * JSON, {@code {"alerts":[{"labels":{..},"annotations":{..},"startsAt":"..","endsAt":"..","generatorUrl":".."}]}},
 * the fields of {@link OutgoingAlert} (Alertmanager's postable alert) with instants in ISO-8601.
 */
final class OutgoingAlertsCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OutgoingAlertsCodec() {}

  static byte[] encode(List<OutgoingAlert> alerts) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode array = root.putArray("alerts");
    for (OutgoingAlert alert : alerts) {
      ObjectNode node = array.addObject();
      ObjectNode labels = node.putObject("labels");
      alert.labels().forEach(labels::put);
      ObjectNode annotations = node.putObject("annotations");
      alert.annotations().forEach(annotations::put);
      node.put("startsAt", alert.startsAt().toString());
      node.put("endsAt", alert.endsAt().toString());
      node.put("generatorUrl", alert.generatorUrl());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("encoding " + alerts.size() + " alerts as JSON failed", e);
    }
  }

  /** @throws IOException naming {@code where} when the payload is not what {@link #encode} writes */
  static List<OutgoingAlert> decode(String where, byte[] payload) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (IOException e) {
      throw new IOException(where + ": the payload is not JSON: " + e.getMessage(), e);
    }
    JsonNode array = root == null ? null : root.get("alerts");
    if (array == null || !array.isArray()) {
      throw new IOException(where + ": the payload has no \"alerts\" array");
    }
    List<OutgoingAlert> alerts = new ArrayList<>();
    for (JsonNode node : array) {
      try {
        alerts.add(new OutgoingAlert(strings(node.get("labels")), strings(node.get("annotations")), Instant.parse(text(node, "startsAt")),
            Instant.parse(text(node, "endsAt")), text(node, "generatorUrl")));
      } catch (DateTimeParseException | IllegalArgumentException | NullPointerException e) {
        throw new IOException(where + ": alert " + alerts.size() + " is malformed: " + e.getMessage(), e);
      }
    }
    return alerts;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("\"" + field + "\" is missing or not a string");
    }
    return value.asText();
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> map = new TreeMap<>();
    if (node != null) {
      node.properties().forEach(entry -> map.put(entry.getKey(), entry.getValue().asText()));
    }
    return map;
  }
}
