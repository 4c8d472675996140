package dev.tonari.ingest.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.tonari.ingest.PushException;
import dev.tonari.ingest.agent.BodyDecompression.Body;
import dev.tonari.ingest.otlp.OtlpLogs.AnyValue;
import dev.tonari.ingest.otlp.OtlpLogs.Attribute;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Reads OTLP/JSON ({@code application/json}) as the OTLP specification defines it: lowerCamelCase
 * keys (the proto's snake_case names accepted too, as protobuf's JSON parsers do), trace and span
 * ids as hex, enums as integers, 64-bit integers as strings or numbers, bytes as base64, unknown
 * fields ignored. One streaming pass with Jackson; nesting is bounded by {@link
 * OtlpProtobufReader#MAX_DEPTH}.
 */
final class OtlpJsonReader {
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2 * OtlpProtobufReader.MAX_DEPTH + 16).build())
      .build();

  private final Body body;
  private final JsonParser parser;

  private OtlpJsonReader(Body body, JsonParser parser) {
    this.body = body;
    this.parser = parser;
  }

  static OtlpLogs read(Body body) throws PushException {
    try (JsonParser parser = JSON.createParser(body.bytes(), 0, body.length())) {
      OtlpJsonReader reader = new OtlpJsonReader(body, parser);
      try {
        return reader.readRequest();
      } catch (IOException | IllegalArgumentException e) {
        throw reader.malformed(String.valueOf(e.getMessage()), e);
      }
    } catch (IOException e) {
      throw new PushException(400, "error parsing OTLP JSON body: " + e.getMessage(), e);
    }
  }

  /** The proto field name in lowerCamelCase, whichever of the two spellings the client used. */
  private static String field(String name) {
    if (name.indexOf('_') < 0) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name.length());
    boolean upper = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_') {
        upper = true;
      } else {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.toString();
  }

  private OtlpLogs readRequest() throws IOException, PushException {
    expect(parser.nextToken(), JsonToken.START_OBJECT, "the request");
    List<OtlpLogs.ResourceLogs> resources = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = field(parser.currentName());
      JsonToken token = parser.nextToken();
      if (name.equals("resourceLogs") && token != JsonToken.VALUE_NULL) {
        expect(token, JsonToken.START_ARRAY, "resourceLogs");
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          resources.add(readResourceLogs());
        }
      } else {
        parser.skipChildren();
      }
    }
    if (parser.nextToken() != null) {
      throw malformed("unexpected data after the request object", null);
    }
    return new OtlpLogs(resources);
  }

  private OtlpLogs.ResourceLogs readResourceLogs() throws IOException, PushException {
    expect(parser.currentToken(), JsonToken.START_OBJECT, "a resourceLogs element");
    List<Attribute> attributes = new ArrayList<>();
    List<OtlpLogs.ScopeLogs> scopes = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = field(parser.currentName());
      JsonToken token = parser.nextToken();
      if (token == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "resource" -> {
          expect(token, JsonToken.START_OBJECT, "resource");
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String inner = field(parser.currentName());
            JsonToken value = parser.nextToken();
            if (inner.equals("attributes") && value != JsonToken.VALUE_NULL) {
              readAttributes(attributes, 0);
            } else {
              parser.skipChildren();
            }
          }
        }
        case "scopeLogs" -> {
          expect(token, JsonToken.START_ARRAY, "scopeLogs");
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            scopes.add(readScopeLogs());
          }
        }
        default -> parser.skipChildren();
      }
    }
    return new OtlpLogs.ResourceLogs(attributes, scopes);
  }

  private OtlpLogs.ScopeLogs readScopeLogs() throws IOException, PushException {
    expect(parser.currentToken(), JsonToken.START_OBJECT, "a scopeLogs element");
    String scopeName = "";
    String version = "";
    List<Attribute> attributes = new ArrayList<>();
    List<OtlpLogs.LogRecord> records = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = field(parser.currentName());
      JsonToken token = parser.nextToken();
      if (token == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "scope" -> {
          expect(token, JsonToken.START_OBJECT, "scope");
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String inner = field(parser.currentName());
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_NULL) {
              continue;
            }
            switch (inner) {
              case "name" -> scopeName = text("scope.name");
              case "version" -> version = text("scope.version");
              case "attributes" -> readAttributes(attributes, 0);
              default -> parser.skipChildren();
            }
          }
        }
        case "logRecords" -> {
          expect(token, JsonToken.START_ARRAY, "logRecords");
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            records.add(readLogRecord());
          }
        }
        default -> parser.skipChildren();
      }
    }
    return new OtlpLogs.ScopeLogs(scopeName, version, attributes, records);
  }

  private OtlpLogs.LogRecord readLogRecord() throws IOException, PushException {
    expect(parser.currentToken(), JsonToken.START_OBJECT, "a logRecords element");
    long time = 0;
    long observed = 0;
    int severityNumber = 0;
    String severityText = "";
    AnyValue bodyValue = null;
    List<Attribute> attributes = new ArrayList<>();
    long dropped = 0;
    int flags = 0;
    String traceId = "";
    String spanId = "";
    String eventName = "";
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = field(parser.currentName());
      JsonToken token = parser.nextToken();
      if (token == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "timeUnixNano" -> time = int64("timeUnixNano");
        case "observedTimeUnixNano" -> observed = int64("observedTimeUnixNano");
        case "severityNumber" -> severityNumber = (int) int64("severityNumber");
        case "severityText" -> severityText = text("severityText");
        case "body" -> bodyValue = readAnyValue(0);
        case "attributes" -> readAttributes(attributes, 0);
        case "droppedAttributesCount" -> dropped = int64("droppedAttributesCount");
        case "flags" -> flags = (int) int64("flags");
        case "traceId" -> traceId = hexId("traceId", 16);
        case "spanId" -> spanId = hexId("spanId", 8);
        case "eventName" -> eventName = text("eventName");
        default -> parser.skipChildren();
      }
    }
    return new OtlpLogs.LogRecord(time, observed, severityNumber, severityText, bodyValue, attributes, dropped, flags, traceId, spanId, eventName);
  }

  /** Reads an array of KeyValue objects at the current START_ARRAY. */
  private void readAttributes(List<Attribute> into, int depth) throws IOException, PushException {
    expect(parser.currentToken(), JsonToken.START_ARRAY, "attributes");
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      into.add(readKeyValue(depth));
    }
  }

  private Attribute readKeyValue(int depth) throws IOException, PushException {
    checkDepth(depth);
    expect(parser.currentToken(), JsonToken.START_OBJECT, "a key/value object");
    String key = "";
    AnyValue value = new AnyValue.Empty();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = field(parser.currentName());
      JsonToken token = parser.nextToken();
      if (token == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "key" -> key = text("key");
        case "value" -> value = readAnyValue(depth + 1);
        default -> parser.skipChildren();
      }
    }
    return new Attribute(key, value);
  }

  /** Reads one element of a {@code values} array. */
  @FunctionalInterface
  private interface ElementReader<T> {
    T read() throws IOException, PushException;
  }

  /**
   * The {@code values} of an ArrayValue or KeyValueList object (both are {@code {"values": [...]}}),
   * other fields skipped; {@code token} is the object's start.
   */
  private <T> List<T> valuesOf(JsonToken token, String what, ElementReader<T> element) throws IOException, PushException {
    expect(token, JsonToken.START_OBJECT, what);
    List<T> values = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String inner = field(parser.currentName());
      JsonToken list = parser.nextToken();
      if (inner.equals("values") && list != JsonToken.VALUE_NULL) {
        expect(list, JsonToken.START_ARRAY, what + ".values");
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          values.add(element.read());
        }
      } else {
        parser.skipChildren();
      }
    }
    return values;
  }

  private AnyValue readAnyValue(int depth) throws IOException, PushException {
    checkDepth(depth);
    expect(parser.currentToken(), JsonToken.START_OBJECT, "an AnyValue object");
    AnyValue value = new AnyValue.Empty();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = field(parser.currentName());
      JsonToken token = parser.nextToken();
      if (token == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "stringValue" -> value = new AnyValue.Text(text("stringValue"));
        case "boolValue" -> {
          if (!token.isBoolean()) {
            throw malformed("boolValue must be true or false, got " + token, null);
          }
          value = new AnyValue.Bool(parser.getBooleanValue());
        }
        case "intValue" -> value = new AnyValue.Int(int64("intValue"));
        case "doubleValue" -> value = new AnyValue.Real(real("doubleValue"));
        case "bytesValue" -> value = new AnyValue.Bytes(base64("bytesValue"));
        case "arrayValue" -> value = new AnyValue.Array(valuesOf(token, "arrayValue", () -> readAnyValue(depth + 1)));
        case "kvlistValue" -> value = new AnyValue.KeyValues(valuesOf(token, "kvlistValue", () -> readKeyValue(depth + 1)));
        default -> parser.skipChildren();
      }
    }
    return value;
  }

  private String text(String what) throws IOException, PushException {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      throw malformed(what + " must be a string, got " + parser.currentToken(), null);
    }
    return parser.getText();
  }

  /** A 64-bit integer: OTLP/JSON writes them as decimal strings, and some clients as numbers. */
  private long int64(String what) throws IOException, PushException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT) {
      try {
        return parser.getLongValue();
      } catch (IOException e) {
        throw malformed(what + " does not fit in 64 bits: " + parser.getText(), e);
      }
    }
    if (token == JsonToken.VALUE_STRING) {
      String text = parser.getText().trim();
      try {
        // Unsigned (fixed64 times) values above Long.MAX_VALUE are read as unsigned.
        return text.startsWith("-") ? Long.parseLong(text) : Long.parseUnsignedLong(text);
      } catch (NumberFormatException e) {
        throw malformed(what + " must be an integer, got \"" + text + "\"", e);
      }
    }
    throw malformed(what + " must be an integer (a number or a decimal string), got " + token, null);
  }

  private double real(String what) throws IOException, PushException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      return parser.getDoubleValue();
    }
    if (token == JsonToken.VALUE_STRING) {
      return switch (parser.getText()) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> {
          try {
            yield Double.parseDouble(parser.getText());
          } catch (NumberFormatException e) {
            throw malformed(what + " must be a number, got \"" + parser.getText() + "\"", e);
          }
        }
      };
    }
    throw malformed(what + " must be a number, got " + token, null);
  }

  private byte[] base64(String what) throws IOException, PushException {
    String text = text(what);
    try {
      return text.indexOf('-') >= 0 || text.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed(what + " must be base64: " + e.getMessage(), e);
    }
  }

  /** Trace and span ids are hex in OTLP/JSON (not base64 as protobuf's JSON mapping would have it). */
  private String hexId(String what, int bytes) throws IOException, PushException {
    String text = text(what);
    if (text.isEmpty()) {
      return "";
    }
    if (text.length() != bytes * 2 || !isHex(text)) {
      throw malformed(what + " must be " + (bytes * 2) + " hex digits, got \"" + text + "\"", null);
    }
    return text.toLowerCase(Locale.ROOT);
  }

  private static boolean isHex(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  private void expect(JsonToken actual, JsonToken expected, String what) throws PushException {
    if (actual != expected) {
      throw malformed(what + ": expected " + describe(expected) + ", got " + (actual == null ? "end of input" : describe(actual)), null);
    }
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case END_OBJECT -> "the end of an object";
      case END_ARRAY -> "the end of an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.toString();
    };
  }

  private void checkDepth(int depth) throws PushException {
    if (depth > OtlpProtobufReader.MAX_DEPTH) {
      throw malformed("values nested deeper than " + OtlpProtobufReader.MAX_DEPTH + " levels", null);
    }
  }

  private PushException malformed(String what, Throwable cause) {
    long offset = parser.currentLocation().getByteOffset();
    String message = "error parsing OTLP JSON body: " + what + " at byte offset " + offset + " of " + body.length();
    return cause == null ? new PushException(400, message) : new PushException(400, message, cause);
  }
}
