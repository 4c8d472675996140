package dev.tonari.rules.eval;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tonari.query.template.GoFormat;
import dev.tonari.query.template.GoTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prometheus' JSON for {@code /api/v1/rules} and {@code /api/v1/alerts}, field for field in the
 * order of Prometheus' Go structs: the envelope {@code {"status":"success","data":...}};
 * groups {@code name, file, rules, interval, limit, evaluationTime, lastEvaluation}; alerting
 * rules {@code state, name, query, duration, keepFiringFor, labels, annotations, alerts, health,
 * lastError (when set), evaluationTime, lastEvaluation, type: "alerting"}; recording rules
 * {@code name, query, labels (when any), health, lastError (when set), evaluationTime,
 * lastEvaluation, type: "recording"}; alerts {@code labels, annotations, state, activeAt,
 * keepFiringSince (when set), value}. Durations are seconds as JSON numbers, times RFC 3339 with
 * nanoseconds as Go prints them ({@code 0001-01-01T00:00:00Z} before the first evaluation), an
 * alert's value a string as Go's {@code strconv.FormatFloat(v, 'e', -1, 64)} writes it
 * ({@code "1e+00"}), and numbers the way Go's encoding/json writes floats ({@code 600}, not
 * {@code 600.0}). With {@code exclude_alerts}, alerting rules show {@code "alerts": null}, as
 * Prometheus does.
 */
public final class PrometheusRulesJson {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private PrometheusRulesJson() {}

  /** The groups the filter shows, and in them the rules it shows. */
  public static List<RuleViews.Group> filter(List<RuleViews.Group> groups, RulesFilter filter) {
    List<RuleViews.Group> shown = new ArrayList<>();
    for (RuleViews.Group group : groups) {
      if (!filter.showsGroup(group)) {
        continue;
      }
      List<RuleViews.Rule> rules = group.rules().stream().filter(filter::showsRule).toList();
      if (!rules.isEmpty()) {
        shown.add(new RuleViews.Group(group.name(), group.file(), group.origin(), rules, group.interval(), group.limit(), group.evaluationTime(),
            group.lastEvaluation()));
      }
    }
    return shown;
  }

  public static void writeRules(List<RuleViews.Group> groups, RulesFilter filter, OutputStream out) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("status", "success");
      json.writeObjectFieldStart("data");
      json.writeArrayFieldStart("groups");
      for (RuleViews.Group group : filter(groups, filter)) {
        writeGroup(json, group, filter.excludeAlerts());
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndObject();
    }
  }

  public static void writeAlerts(List<RuleViews.Alert> alerts, OutputStream out) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("status", "success");
      json.writeObjectFieldStart("data");
      json.writeArrayFieldStart("alerts");
      for (RuleViews.Alert alert : alerts) {
        writeAlert(json, alert);
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndObject();
    }
  }

  /** Prometheus' error envelope, such as {@code errorType} {@code bad_data} for a bad parameter. */
  public static void writeError(String errorType, String message, OutputStream out) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("status", "error");
      json.writeStringField("errorType", errorType);
      json.writeStringField("error", message);
      json.writeEndObject();
    }
  }

  public static String rules(List<RuleViews.Group> groups, RulesFilter filter) {
    return text(out -> writeRules(groups, filter, out));
  }

  public static String alerts(List<RuleViews.Alert> alerts) {
    return text(out -> writeAlerts(alerts, out));
  }

  public static String error(String errorType, String message) {
    return text(out -> writeError(errorType, message, out));
  }

  @FunctionalInterface
  private interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private static String text(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void writeGroup(JsonGenerator json, RuleViews.Group group, boolean excludeAlerts) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", group.name());
    json.writeStringField("file", group.file());
    json.writeArrayFieldStart("rules");
    for (RuleViews.Rule rule : group.rules()) {
      switch (rule) {
        case RuleViews.AlertingRule alerting -> writeAlertingRule(json, alerting, excludeAlerts);
        case RuleViews.RecordingRule recording -> writeRecordingRule(json, recording);
      }
    }
    json.writeEndArray();
    writeNumber(json, "interval", seconds(group.interval()));
    json.writeNumberField("limit", group.limit());
    writeNumber(json, "evaluationTime", seconds(group.evaluationTime()));
    json.writeStringField("lastEvaluation", time(group.lastEvaluation()));
    json.writeEndObject();
  }

  private static void writeAlertingRule(JsonGenerator json, RuleViews.AlertingRule rule, boolean excludeAlerts) throws IOException {
    json.writeStartObject();
    json.writeStringField("state", rule.state().label());
    json.writeStringField("name", rule.name());
    json.writeStringField("query", rule.query());
    writeNumber(json, "duration", seconds(rule.duration()));
    writeNumber(json, "keepFiringFor", seconds(rule.keepFiringFor()));
    writeMap(json, "labels", rule.labels());
    writeMap(json, "annotations", rule.annotations());
    if (excludeAlerts) {
      json.writeNullField("alerts");
    } else {
      json.writeArrayFieldStart("alerts");
      for (RuleViews.Alert alert : rule.alerts()) {
        writeAlert(json, alert);
      }
      json.writeEndArray();
    }
    writeHealth(json, rule);
    json.writeStringField("type", "alerting");
    json.writeEndObject();
  }

  private static void writeRecordingRule(JsonGenerator json, RuleViews.RecordingRule rule) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", rule.name());
    json.writeStringField("query", rule.query());
    if (!rule.labels().isEmpty()) {
      writeMap(json, "labels", rule.labels());
    }
    writeHealth(json, rule);
    json.writeStringField("type", "recording");
    json.writeEndObject();
  }

  private static void writeHealth(JsonGenerator json, RuleViews.Rule rule) throws IOException {
    json.writeStringField("health", rule.health().label());
    if (!rule.lastError().isEmpty()) {
      json.writeStringField("lastError", rule.lastError());
    }
    writeNumber(json, "evaluationTime", seconds(rule.evaluationTime()));
    json.writeStringField("lastEvaluation", time(rule.lastEvaluation()));
  }

  private static void writeAlert(JsonGenerator json, RuleViews.Alert alert) throws IOException {
    json.writeStartObject();
    writeMap(json, "labels", alert.labels());
    writeMap(json, "annotations", alert.annotations());
    json.writeStringField("state", alert.state().label());
    json.writeStringField("activeAt", time(Optional.of(alert.activeAt())));
    if (alert.keepFiringSince().isPresent()) {
      json.writeStringField("keepFiringSince", time(alert.keepFiringSince()));
    }
    json.writeStringField("value", GoFormat.formatFloat(alert.value(), 'e', -1, false));
    json.writeEndObject();
  }

  private static void writeMap(JsonGenerator json, String field, Map<String, String> map) throws IOException {
    json.writeObjectFieldStart(field);
    for (Map.Entry<String, String> entry : new java.util.TreeMap<>(map).entrySet()) {
      json.writeStringField(entry.getKey(), entry.getValue());
    }
    json.writeEndObject();
  }

  private static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNano() / 1e9;
  }

  /** Go's encoding/json float: shortest decimal, exponent form only below 1e-6 or from 1e21. */
  static String goJsonNumber(double value) {
    double magnitude = Math.abs(value);
    if (magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)) {
      String text = GoFormat.formatFloat(value, 'e', -1, false);
      int length = text.length();
      if (length >= 4 && text.charAt(length - 4) == 'e' && text.charAt(length - 3) == '-' && text.charAt(length - 2) == '0') {
        text = text.substring(0, length - 2) + text.charAt(length - 1);
      }
      return text;
    }
    return GoFormat.formatFloat(value, 'f', -1, false);
  }

  private static void writeNumber(JsonGenerator json, String field, double value) throws IOException {
    json.writeFieldName(field);
    json.writeNumber(goJsonNumber(value));
  }

  /** Go's RFC 3339 with nanoseconds, trailing zeros dropped; Go's zero time when absent. */
  static String time(Optional<Instant> instant) {
    return instant.map(value -> GoTime.format(value.atZone(ZoneOffset.UTC), "2006-01-02T15:04:05.999999999Z07:00")).orElse(ZERO_TIME);
  }
}
