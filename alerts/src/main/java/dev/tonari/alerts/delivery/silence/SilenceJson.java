package dev.tonari.alerts.delivery.silence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.alerts.delivery.Rfc3339;
import dev.tonari.alerts.delivery.config.LabelMatcher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Silences in Alertmanager's v2 API JSON. A {@code postableSilence}: {@code id} (only to update),
 * {@code matchers} ({@code name}, {@code value}, {@code isRegex}, {@code isEqual} defaulting to
 * true), {@code startsAt}, {@code endsAt}, {@code createdBy}, {@code comment}. A
 * {@code gettableSilence} adds {@code status.state} (pending, active, expired) and {@code updatedAt}.
 */
public final class SilenceJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SilenceJson() {}

  /** A silence as the API receives it, before the store gives it an id and checks it. */
  public record Postable(Optional<String> id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, String createdBy, String comment) {
    public Postable {
      matchers = List.copyOf(matchers);
    }
  }

  /** Reads a {@code postableSilence}; every problem is an {@link InvalidSilenceException} naming the field. */
  public static Postable parsePostable(String json) throws InvalidSilenceException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidSilenceException("silence: not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSilenceException("silence: expected a JSON object");
    }
    Optional<String> id = optionalText(root, "id");
    JsonNode matchersNode = root.get("matchers");
    if (matchersNode == null || !matchersNode.isArray()) {
      throw new InvalidSilenceException("silence.matchers: expected a list of {name, value, isRegex, isEqual}");
    }
    List<LabelMatcher> matchers = new ArrayList<>();
    for (int i = 0; i < matchersNode.size(); i++) {
      JsonNode matcher = matchersNode.get(i);
      String where = "silence.matchers[" + i + "]";
      if (!matcher.isObject()) {
        throw new InvalidSilenceException(where + ": expected an object");
      }
      String name = requiredText(matcher, "name", where);
      String value = requiredText(matcher, "value", where);
      boolean isRegex = bool(matcher, "isRegex", where, false);
      boolean isEqual = bool(matcher, "isEqual", where, true);
      try {
        matchers.add(new LabelMatcher(name, LabelMatcher.Type.of(isRegex, isEqual), value));
      } catch (IllegalArgumentException e) {
        throw new InvalidSilenceException(where + ": " + e.getMessage());
      }
    }
    Instant startsAt = time(root, "startsAt");
    Instant endsAt = time(root, "endsAt");
    return new Postable(id, matchers, startsAt, endsAt, requiredText(root, "createdBy", "silence"), requiredText(root, "comment", "silence"));
  }

  public static ObjectNode toJson(Silence silence, Instant now) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", silence.id());
    ArrayNode matchers = node.putArray("matchers");
    for (LabelMatcher matcher : silence.matchers()) {
      matchers.addObject().put("name", matcher.name()).put("value", matcher.value()).put("isRegex", matcher.type().isRegex()).put("isEqual", matcher.type().isEqual());
    }
    node.put("startsAt", Rfc3339.format(silence.startsAt()));
    node.put("endsAt", Rfc3339.format(silence.endsAt()));
    node.put("updatedAt", Rfc3339.format(silence.updatedAt()));
    node.put("createdBy", silence.createdBy());
    node.put("comment", silence.comment());
    node.putObject("status").put("state", silence.state(now).label());
    return node;
  }

  public static ArrayNode toJson(List<Silence> silences, Instant now) {
    ArrayNode array = JSON.createArrayNode();
    for (Silence silence : silences) {
      array.add(toJson(silence, now));
    }
    return array;
  }

  /** Reads back what {@link #toJson(Silence, Instant)} wrote (the store's own file). */
  static Silence fromStored(JsonNode node) throws InvalidSilenceException {
    Postable postable = parsePostable(node.toString());
    return new Silence(postable.id().orElseThrow(() -> new InvalidSilenceException("stored silence without id")), postable.matchers(), postable.startsAt(),
        postable.endsAt(), time(node, "updatedAt"), postable.createdBy(), postable.comment());
  }

  private static Optional<String> optionalText(JsonNode node, String field) throws InvalidSilenceException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new InvalidSilenceException("silence." + field + ": expected a string");
    }
    return Optional.of(value.asText());
  }

  private static String requiredText(JsonNode node, String field, String where) throws InvalidSilenceException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new InvalidSilenceException(where + "." + field + " is required (a non-empty string)");
    }
    return value.asText();
  }

  private static boolean bool(JsonNode node, String field, String where, boolean fallback) throws InvalidSilenceException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw new InvalidSilenceException(where + "." + field + ": expected true or false");
    }
    return value.asBoolean();
  }

  private static Instant time(JsonNode node, String field) throws InvalidSilenceException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidSilenceException("silence." + field + " is required (an RFC 3339 time)");
    }
    try {
      return Rfc3339.parse(value.asText());
    } catch (IllegalArgumentException e) {
      throw new InvalidSilenceException("silence." + field + ": " + e.getMessage());
    }
  }
}
