package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays {@code grafana/explore-and-drilldown.json}, the calls Grafana's Loki data source and
 * Logs Drilldown make when a user tests the data source, opens Explore and then Drilldown, against
 * the real server on a free port with pushed data: two services, {@code checkout} (logfmt lines,
 * 30 info on two pods and 10 errors on one) and {@code cart} (20 JSON lines with a trace id), both
 * with {@code detected_level} as structured metadata. Every answer is checked for its status, its
 * shape and its values (the expectation language is described in the file).
 */
class GrafanaContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SECOND = 1_000_000_000L;
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");
  private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC3339_NANO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'").withZone(ZoneOffset.UTC);

  @TempDir Path dataDir;
  private LoopbackServer loopback;
  private final Map<String, String> variables = new HashMap<>();
  private String tenant;

  @BeforeEach
  void startAndPush() throws Exception {
    loopback = LoopbackServer.open(dataDir);
    JsonNode contract = contract();
    tenant = contract.get("tenant").asText();
    long now = System.currentTimeMillis() * 1_000_000L;
    long base = (now / (60 * SECOND)) * 60 * SECOND - 20 * 60 * SECOND;
    long start = base - 60 * SECOND;
    variables.put("nowNanos", Long.toString(now));
    variables.put("startNanos", Long.toString(start));
    variables.put("endNanos", Long.toString(now));
    variables.put("startIso", ISO_MILLIS.format(instant(start)));
    variables.put("endIso", ISO_MILLIS.format(instant(now)));
    variables.put("startSeconds", Long.toString(start / SECOND));
    variables.put("endSeconds", Long.toString(now / SECOND + 1));
    variables.put("startFloatSeconds", start / SECOND + ".250");
    variables.put("endFloatSeconds", now / SECOND + 1 + ".5");
    variables.put("startRfc3339Nano", RFC3339_NANO.format(instant(start + 123_456_789L)));
    variables.put("endRfc3339Nano", RFC3339_NANO.format(instant(now)));

    ArrayNode streams = JSON.createArrayNode();
    ArrayNode podA = stream(streams, Map.of("service_name", "checkout", "cluster", "eu-1", "namespace", "shop", "pod", "checkout-a", "build", "101"));
    ArrayNode podB = stream(streams, Map.of("service_name", "checkout", "cluster", "eu-1", "namespace", "shop", "pod", "checkout-b", "build", "102"));
    ArrayNode cart = stream(streams, Map.of("service_name", "cart", "cluster", "eu-1", "namespace", "shop"));
    long checkoutBytes = 0;
    long cartBytes = 0;
    for (int i = 0; i < 30; i++) {
      String line = "level=info msg=order-placed order_id=" + (1000 + i) + " duration=" + (10 + i) + "ms amount=" + i + ".5";
      entry(i % 2 == 0 ? podA : podB, base + i * 10 * SECOND, line, Map.of("detected_level", "info"));
      checkoutBytes += line.getBytes(StandardCharsets.UTF_8).length;
    }
    for (int i = 0; i < 10; i++) {
      String line = "level=error msg=payment-failed order_id=" + (5000 + i) + " reason=card-declined";
      entry(podB, base + (i * 30 + 5) * SECOND, line, Map.of("detected_level", "error"));
      checkoutBytes += line.getBytes(StandardCharsets.UTF_8).length;
    }
    for (int i = 0; i < 20; i++) {
      String line = "{\"level\":\"info\",\"user\":{\"id\":\"u-" + i + "\",\"plan\":\"pro\"},\"latency_ms\":" + (i * 3) + ",\"cached\":true}";
      entry(cart, base + (i * 15 + 2) * SECOND, line, Map.of("detected_level", "info", "trace_id", String.format("%032x", 0xabc0L + i)));
      cartBytes += line.getBytes(StandardCharsets.UTF_8).length;
    }
    variables.put("checkoutBytes", Long.toString(checkoutBytes));
    variables.put("cartBytes", Long.toString(cartBytes));
    ObjectNode body = JSON.createObjectNode();
    body.set("streams", streams);
    HttpResponse<String> pushed = loopback.http().send(HttpRequest.newBuilder(loopback.uri("/loki/api/v1/push"))
        .header("Content-Type", "application/json").header("X-Scope-OrgID", tenant)
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(204);
  }

  @AfterEach
  void stop() throws Exception {
    loopback.close();
  }

  @Test
  void everyCallOfExploreAndDrilldownGetsTheAnswerGrafanaReads() throws Exception {
    JsonNode calls = contract().get("calls");
    assertThat(calls.size()).isGreaterThan(25);
    for (JsonNode call : calls) {
      String name = call.get("client").asText();
      HttpResponse<String> response = send(call);
      JsonNode expect = call.get("expect");
      assertThat(response.statusCode()).as("%s: status of %s", name, response.body()).isEqualTo(expect.get("status").asInt());
      if (expect.has("bodyText")) {
        assertThat(response.body()).as(name).contains(expect.get("bodyText").asText());
      }
      if (expect.has("body")) {
        assertThat(response.headers().firstValue("Content-Type")).as(name).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode actual = JSON.readTree(response.body());
        List<String> mismatches = new ArrayList<>();
        match(substitute(expect.get("body")), actual, "$", mismatches);
        assertThat(mismatches).as("%s answered %s", name, response.body()).isEmpty();
      }
    }
  }

  @Test
  void theMatcherRejectsWrongValuesAndShapes() throws Exception {
    // The expectation language must be able to fail, or the contract above proves nothing.
    List<String> mismatches = new ArrayList<>();
    match(JSON.readTree("{\"a\": 2, \"b\": [1, 2], \"c\": {\"$sum\": 3}, \"d\": \"<string>\", \"e\": {\"$unordered\": [1, 2]}}"),
        JSON.readTree("{\"a\": 3, \"b\": [1], \"c\": [[0, \"1\"], [1, \"1\"]], \"d\": 5, \"e\": [2, 3]}"), "$", mismatches);
    assertThat(mismatches).hasSize(5);
  }

  private HttpResponse<String> send(JsonNode call) throws IOException, InterruptedException {
    StringBuilder query = new StringBuilder();
    if (call.has("params")) {
      query.append('?').append(formOf(call.get("params")));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(loopback.uri(call.get("path").asText() + query)).header("X-Scope-OrgID", tenant);
    if (call.has("headers")) {
      call.get("headers").fields().forEachRemaining(header -> request.header(header.getKey(), header.getValue().asText()));
    }
    if (call.get("method").asText().equals("POST")) {
      request.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(formOf(call.get("form"))));
    } else {
      request.GET();
    }
    return loopback.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String formOf(JsonNode parameters) {
    List<String> pairs = new ArrayList<>();
    parameters.fields().forEachRemaining(parameter -> pairs.add(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(substitute(parameter.getValue().asText()), StandardCharsets.UTF_8)));
    return String.join("&", pairs);
  }

  private String substitute(String text) {
    Matcher matcher = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = variables.get(matcher.group(1));
      assertThat(value).as("variable %s of the contract", matcher.group(1)).isNotNull();
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return matcher.appendTail(out).toString();
  }

  /** The expectation with every ${variable} filled in; a variable alone stands for its number or text. */
  private JsonNode substitute(JsonNode expected) {
    if (expected.isTextual()) {
      return JSON.getNodeFactory().textNode(substitute(expected.asText()));
    }
    if (expected.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      expected.forEach(item -> copy.add(substitute(item)));
      return copy;
    }
    if (expected.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      expected.fields().forEachRemaining(field -> copy.set(field.getKey(), substitute(field.getValue())));
      return copy;
    }
    return expected;
  }

  /** Compares; a textual expectation also matches a number with the same text (Loki's byte counts are numbers in stats, strings in vectors). */
  static void match(JsonNode expected, JsonNode actual, String where, List<String> mismatches) {
    if (actual == null || actual.isMissingNode()) {
      mismatches.add(where + ": missing, expected " + expected);
      return;
    }
    if (expected.isTextual()) {
      String text = expected.asText();
      boolean ok = switch (text) {
        case "<any>" -> true;
        case "<number>" -> actual.isNumber();
        case "<string>" -> actual.isTextual();
        case "<boolean>" -> actual.isBoolean();
        default -> (actual.isTextual() || actual.isNumber()) && actual.asText().equals(text);
      };
      if (!ok) {
        mismatches.add(where + ": expected " + expected + ", got " + actual);
      }
      return;
    }
    if (expected.isObject() && expected.has("$sum")) {
      matchSum(expected.get("$sum").asDouble(), actual, where, mismatches);
      return;
    }
    if (expected.isObject() && (expected.has("$size") || expected.has("$each"))) {
      if (!actual.isArray()) {
        mismatches.add(where + ": expected an array, got " + actual);
        return;
      }
      if (expected.has("$size") && actual.size() != expected.get("$size").asInt()) {
        mismatches.add(where + ": expected " + expected.get("$size") + " items, got " + actual.size());
      }
      if (expected.has("$each")) {
        for (int i = 0; i < actual.size(); i++) {
          match(expected.get("$each"), actual.get(i), where + "[" + i + "]", mismatches);
        }
      }
      return;
    }
    if (expected.isObject() && expected.has("$unordered")) {
      matchUnordered(expected.get("$unordered"), actual, where, mismatches);
      return;
    }
    if (expected.isObject()) {
      if (!actual.isObject()) {
        mismatches.add(where + ": expected an object, got " + actual);
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        match(field.getValue(), actual.get(field.getKey()), where + "." + field.getKey(), mismatches);
      }
      return;
    }
    if (expected.isArray()) {
      if (!actual.isArray() || actual.size() != expected.size()) {
        mismatches.add(where + ": expected " + expected + ", got " + actual);
        return;
      }
      for (int i = 0; i < expected.size(); i++) {
        match(expected.get(i), actual.get(i), where + "[" + i + "]", mismatches);
      }
      return;
    }
    if (expected.isNull() ? !actual.isNull() : !(expected.equals(actual) || expected.isNumber() && actual.isNumber() && expected.asDouble() == actual.asDouble())) {
      mismatches.add(where + ": expected " + expected + ", got " + actual);
    }
  }

  private static void matchSum(double expected, JsonNode actual, String where, List<String> mismatches) {
    if (!actual.isArray()) {
      mismatches.add(where + ": expected samples, got " + actual);
      return;
    }
    double sum = 0;
    for (JsonNode sample : actual) {
      if (!sample.isArray() || sample.size() != 2 || !sample.get(0).isNumber()) {
        mismatches.add(where + ": expected [time, value] samples, got " + sample);
        return;
      }
      sum += sample.get(1).isNumber() ? sample.get(1).asDouble() : Double.parseDouble(sample.get(1).asText());
    }
    if (sum != expected) {
      mismatches.add(where + ": expected samples adding up to " + expected + ", got " + sum + " in " + actual);
    }
  }

  private static void matchUnordered(JsonNode expected, JsonNode actual, String where, List<String> mismatches) {
    if (!actual.isArray() || actual.size() != expected.size()) {
      mismatches.add(where + ": expected " + expected.size() + " items in any order, got " + actual);
      return;
    }
    List<JsonNode> left = new ArrayList<>();
    actual.forEach(left::add);
    for (JsonNode wanted : expected) {
      boolean found = false;
      for (Iterator<JsonNode> candidates = left.iterator(); candidates.hasNext(); ) {
        List<String> trial = new ArrayList<>();
        match(wanted, candidates.next(), where, trial);
        if (trial.isEmpty()) {
          candidates.remove();
          found = true;
          break;
        }
      }
      if (!found) {
        mismatches.add(where + ": no item matches " + wanted + " in " + actual);
      }
    }
  }

  private static JsonNode contract() throws IOException {
    try (InputStream in = GrafanaContractTest.class.getResourceAsStream("/grafana/explore-and-drilldown.json")) {
      assertThat(in).as("grafana/explore-and-drilldown.json on the test class path").isNotNull();
      return JSON.readTree(in);
    }
  }

  private static ArrayNode stream(ArrayNode streams, Map<String, String> labels) {
    ObjectNode stream = streams.addObject();
    ObjectNode labelNode = stream.putObject("stream");
    labels.forEach(labelNode::put);
    return stream.putArray("values");
  }

  private static void entry(ArrayNode values, long nanos, String line, Map<String, String> metadata) {
    ArrayNode entry = values.addArray();
    entry.add(Long.toString(nanos));
    entry.add(line);
    ObjectNode meta = entry.addObject();
    metadata.forEach(meta::put);
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, SECOND), Math.floorMod(nanos, SECOND));
  }
}
