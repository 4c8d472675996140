package dev.tonari.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tonari.query.drilldown.DetectedFields;
import dev.tonari.query.drilldown.DetectedLabels;
import dev.tonari.query.drilldown.PatternMiner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the endpoints Logs Drilldown calls, in Loki's shapes:
 *
 * <ul>
 *   <li>{@code detected_labels}: {@code {"detectedLabels":[{"label":"cluster","cardinality":2}]}};
 *   <li>{@code detected_fields}: {@code {"fields":[{"label","type","cardinality","parsers","jsonPath"}],"limit":N}}
 *       with {@code parsers} null for structured metadata and {@code jsonPath} always an array;
 *   <li>{@code detected_field/{name}/values}: {@code {"values":[...],"limit":N}};
 *   <li>{@code patterns}: {@code {"status":"success","data":[{"pattern","level","samples":[[seconds,count]]}]}};
 *   <li>{@code drilldown-limits}: {@code {"limits":{...},"pattern_ingester_enabled":true,"version":"3.x"}};
 *   <li>a refusal: {@code {"message":"..."}}.
 * </ul>
 */
final class DrilldownJson {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private DrilldownJson() {}

  static void writeDetectedLabels(OutputStream out, List<DetectedLabels.DetectedLabel> labels) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeArrayFieldStart("detectedLabels");
      for (DetectedLabels.DetectedLabel label : labels) {
        json.writeStartObject();
        json.writeStringField("label", label.label());
        json.writeNumberField("cardinality", label.cardinality());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
  }

  static void writeDetectedFields(OutputStream out, List<DetectedFields.Field> fields, int limit) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeArrayFieldStart("fields");
      for (DetectedFields.Field field : fields) {
        json.writeStartObject();
        json.writeStringField("label", field.label());
        json.writeStringField("type", field.type().lokiName());
        json.writeNumberField("cardinality", field.cardinality());
        if (field.parsers() == null) {
          json.writeNullField("parsers");
        } else {
          writeStrings(json, "parsers", field.parsers());
        }
        writeStrings(json, "jsonPath", field.jsonPath());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeNumberField("limit", limit);
      json.writeEndObject();
    }
  }

  static void writeFieldValues(OutputStream out, List<String> values, int limit) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      writeStrings(json, "values", values);
      json.writeNumberField("limit", limit);
      json.writeEndObject();
    }
  }

  static void writePatterns(OutputStream out, List<PatternMiner.Pattern> patterns) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("status", "success");
      json.writeArrayFieldStart("data");
      for (PatternMiner.Pattern pattern : patterns) {
        json.writeStartObject();
        json.writeStringField("pattern", pattern.pattern());
        json.writeStringField("level", pattern.level());
        json.writeArrayFieldStart("samples");
        for (long[] sample : pattern.samples()) {
          json.writeStartArray();
          json.writeNumber(sample[0]);
          json.writeNumber(sample[1]);
          json.writeEndArray();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
  }

  /** {@code limits} values are strings, numbers, booleans, lists of strings or nested maps of those. */
  static void writeLimits(OutputStream out, Map<String, Object> limits, boolean patternIngesterEnabled, String version) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeFieldName("limits");
      writeValue(json, limits);
      json.writeBooleanField("pattern_ingester_enabled", patternIngesterEnabled);
      json.writeStringField("version", version);
      json.writeEndObject();
    }
  }

  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    switch (value) {
      case null -> json.writeNull();
      case String text -> json.writeString(text);
      case Boolean flag -> json.writeBoolean(flag);
      case Integer number -> json.writeNumber(number);
      case Long number -> json.writeNumber(number);
      case List<?> list -> {
        json.writeStartArray();
        for (Object item : list) {
          writeValue(json, item);
        }
        json.writeEndArray();
      }
      case Map<?, ?> map -> {
        json.writeStartObject();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          json.writeFieldName(String.valueOf(entry.getKey()));
          writeValue(json, entry.getValue());
        }
        json.writeEndObject();
      }
      default -> throw new IllegalArgumentException("no JSON form for a limit of type " + value.getClass().getName());
    }
  }

  /** {@code {"message": "..."}}, the error body Grafana shows the message of. */
  static byte[] message(String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("message", message);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing an error message to memory", e);
    }
    return out.toByteArray();
  }

  private static void writeStrings(JsonGenerator json, String name, List<String> values) throws IOException {
    json.writeArrayFieldStart(name);
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
  }
}
