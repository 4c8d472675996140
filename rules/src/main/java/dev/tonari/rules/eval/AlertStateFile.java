package dev.tonari.rules.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.rules.alert.AlertState;
import dev.tonari.tenancy.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The saved alerts of one rule group, so that a restart neither pages again nor loses the
 * progress of {@code for} (what Prometheus recovers from its {@code ALERTS_FOR_STATE} series).
 * One file per group, {@code <state dir>/group-<32 hex digits of SHA-256(tenant NUL namespace NUL
 * group)>.state}, replaced atomically (and fsynced) after every evaluation that changed it.
 *
 * <p>Layout, UTF-8 text in three parts:
 *
 * <pre>
 * tonari-ruler-alert-state 1\n          the format name and version
 * {"tenant":..,"namespace":..,"group":..,"savedAt":"2026-01-01T00:00:00Z",
 *  "rules":[{"rule":"HighErrors#0","alerts":[{"labels":{..},"annotations":{..},"state":"firing",
 *   "activeAt":"..","value":"1.5","firedAt":"..","resolvedAt":"..","lastSentAt":"..",
 *   "validUntil":"..","keepFiringSince":".."}]}]}\n   one JSON document on one line
 * crc32 0123abcd\n                      CRC32 of everything before this line, 8 hex digits
 * </pre>
 *
 * Instants are ISO-8601 ({@link Instant#toString}), absent when Prometheus has the zero time;
 * values are decimal text so that NaN and infinities survive; {@code rule} is the alert name and
 * the how-manieth rule of that name it is in the group. A file whose head, checksum or JSON is
 * wrong is reported as an {@link IOException} naming the file and what is wrong.
 */
final class AlertStateFile {
  static final String MAGIC = "tonari-ruler-alert-state";
  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertStateFile() {}

  /** What one file holds. */
  record Saved(GroupKey key, Instant savedAt, Map<String, List<ActiveAlert>> alertsByRule) {}

  static Path pathOf(Path directory, GroupKey key) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] hash = digest.digest((key.tenant() + "\0" + key.namespace() + "\0" + key.group()).getBytes(StandardCharsets.UTF_8));
      return directory.resolve("group-" + HexFormat.of().formatHex(hash).substring(0, 32) + ".state");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static byte[] encode(GroupKey key, Instant savedAt, Map<String, List<ActiveAlert>> alertsByRule) {
    ObjectNode root = JSON.createObjectNode();
    root.put("tenant", key.tenant());
    root.put("namespace", key.namespace());
    root.put("group", key.group());
    root.put("savedAt", savedAt.toString());
    ArrayNode rules = root.putArray("rules");
    new TreeMap<>(alertsByRule).forEach((rule, alerts) -> {
      if (alerts.isEmpty()) {
        return;
      }
      ObjectNode ruleNode = rules.addObject();
      ruleNode.put("rule", rule);
      ArrayNode alertNodes = ruleNode.putArray("alerts");
      for (ActiveAlert alert : alerts) {
        ObjectNode node = alertNodes.addObject();
        putMap(node.putObject("labels"), alert.labels);
        putMap(node.putObject("annotations"), alert.annotations);
        node.put("state", alert.state.label());
        node.put("activeAt", alert.activeAt.toString());
        node.put("value", Double.toString(alert.value));
        putInstant(node, "firedAt", alert.firedAt);
        putInstant(node, "resolvedAt", alert.resolvedAt);
        putInstant(node, "lastSentAt", alert.lastSentAt);
        putInstant(node, "validUntil", alert.validUntil);
        putInstant(node, "keepFiringSince", alert.keepFiringSince);
      }
    });
    String body;
    try {
      body = MAGIC + " " + VERSION + "\n" + JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write the alert state of " + key + " as JSON", e);
    }
    byte[] head = body.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(head);
    byte[] foot = String.format(Locale.ROOT, "crc32 %08x\n", crc.getValue()).getBytes(StandardCharsets.UTF_8);
    byte[] content = new byte[head.length + foot.length];
    System.arraycopy(head, 0, content, 0, head.length);
    System.arraycopy(foot, 0, content, head.length, foot.length);
    return content;
  }

  static void write(Path file, byte[] content) throws IOException {
    AtomicFiles.write(file, content);
  }

  static void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  /** Every state file in the directory; files that cannot be read are reported to {@code problems}. */
  static List<Saved> readAll(Path directory, List<String> problems) throws IOException {
    List<Saved> saved = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return saved;
    }
    try (var files = Files.list(directory)) {
      for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".state")).sorted().toList()) {
        try {
          saved.add(decode(file, Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
          // Removed since the listing: nothing to restore.
        } catch (IOException e) {
          problems.add(e.getMessage());
        }
      }
    }
    return saved;
  }

  static Saved decode(Path file, byte[] content) throws IOException {
    return decode(describe(file), content);
  }

  /** How messages name a state file. */
  static String describe(Path file) {
    return "alert state file " + file;
  }

  /**
   * Decodes a saved state wherever it was stored; {@code where} names it in errors ("alert state
   * file /data/rules/state/group-....state", "alert state ruler/t/... in the catalog").
   */
  static Saved decode(String where, byte[] content) throws IOException {
    String text = new String(content, StandardCharsets.UTF_8);
    int firstLine = text.indexOf('\n');
    if (firstLine < 0 || !text.substring(0, firstLine).equals(MAGIC + " " + VERSION)) {
      String head = firstLine < 0 ? text.substring(0, Math.min(40, text.length())) : text.substring(0, Math.min(firstLine, 60));
      throw new IOException(where + ": line 1: expected \"" + MAGIC + " " + VERSION + "\", found \"" + head + "\"");
    }
    int footStart = text.lastIndexOf("crc32 ");
    if (footStart <= firstLine || !text.endsWith("\n") || text.length() - footStart != "crc32 00000000\n".length()) {
      throw new IOException(where + ": the crc32 line at the end is missing (a torn write?)");
    }
    byte[] head = text.substring(0, footStart).getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(head);
    String expected = String.format(Locale.ROOT, "%08x", crc.getValue());
    String found = text.substring(footStart + "crc32 ".length(), text.length() - 1);
    if (!expected.equals(found)) {
      throw new IOException(where + ": checksum mismatch, the file says crc32 " + found + " but its content has " + expected);
    }
    try {
      JsonNode root = JSON.readTree(text.substring(firstLine + 1, footStart));
      GroupKey key = new GroupKey(required(root, "tenant").asText(), required(root, "namespace").asText(), required(root, "group").asText());
      Instant savedAt = Instant.parse(required(root, "savedAt").asText());
      Map<String, List<ActiveAlert>> byRule = new LinkedHashMap<>();
      for (JsonNode ruleNode : required(root, "rules")) {
        List<ActiveAlert> alerts = new ArrayList<>();
        for (JsonNode node : required(ruleNode, "alerts")) {
          alerts.add(alert(node));
        }
        byRule.put(required(ruleNode, "rule").asText(), alerts);
      }
      return new Saved(key, savedAt, byRule);
    } catch (JsonProcessingException e) {
      throw new IOException(where + ": line 2: not valid JSON: " + e.getOriginalMessage(), e);
    } catch (DateTimeParseException | IllegalArgumentException | NullPointerException e) {
      throw new IOException(where + ": line 2: " + e.getMessage(), e);
    }
  }

  private static ActiveAlert alert(JsonNode node) {
    AlertState state = AlertState.valueOf(required(node, "state").asText().toUpperCase(Locale.ROOT));
    ActiveAlert alert = new ActiveAlert(map(required(node, "labels")), map(required(node, "annotations")), state,
        Instant.parse(required(node, "activeAt").asText()), Double.parseDouble(required(node, "value").asText()));
    alert.firedAt = instant(node, "firedAt");
    alert.resolvedAt = instant(node, "resolvedAt");
    alert.lastSentAt = instant(node, "lastSentAt");
    alert.validUntil = instant(node, "validUntil");
    alert.keepFiringSince = instant(node, "keepFiringSince");
    return alert;
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing field \"" + field + "\"");
    }
    return value;
  }

  private static Map<String, String> map(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("expected an object of labels, found " + node.getNodeType());
    }
    Map<String, String> map = new TreeMap<>();
    node.properties().forEach(entry -> map.put(entry.getKey(), entry.getValue().asText()));
    return map;
  }

  private static Instant instant(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : Instant.parse(value.asText());
  }

  private static void putInstant(ObjectNode node, String field, Instant value) {
    if (value != null) {
      node.put(field, value.toString());
    }
  }

  private static void putMap(ObjectNode node, Map<String, String> map) {
    new TreeMap<>(map).forEach(node::put);
  }
}
