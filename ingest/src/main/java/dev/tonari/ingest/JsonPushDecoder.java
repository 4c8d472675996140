package dev.tonari.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Loki's JSON push format, read with Jackson's streaming parser (no tree, no data binding):
 * {@code {"streams":[{"stream":{"name":"value"},"values":[["<ns>","<line>"],["<ns>","<line>",{"k":"v"}]]}]}}.
 * Timestamps are decimal strings of nanoseconds since the epoch (JSON integers are accepted too);
 * the optional third element of a value is the entry's structured metadata. Unknown fields are
 * skipped, so newer clients do not break older servers.
 */
final class JsonPushDecoder {
  private static final String FORMAT = "json";

  /**
   * Lines may be far longer than Jackson's default string cap (20 MB); the body is already bounded
   * by the decoder's size limit, so strings need no limit of their own.
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
      .build();

  private final PushDecoder.Payload payload;
  private final JsonParser parser;
  private final List<StreamBatch> streams = new ArrayList<>();
  private final List<PushRequest.RejectedStream> rejected = new ArrayList<>();

  private JsonPushDecoder(PushDecoder.Payload payload, JsonParser parser) {
    this.payload = payload;
    this.parser = parser;
  }

  static PushRequest decode(PushDecoder.Payload payload) throws PushException {
    try (JsonParser parser = FACTORY.createParser(payload.bytes(), 0, payload.length())) {
      return new JsonPushDecoder(payload, parser).readRequest();
    } catch (JsonProcessingException e) {
      JsonLocation location = e.getLocation();
      long offset = location == null ? -1 : location.getByteOffset();
      throw ParseErrors.malformed(FORMAT, e.getOriginalMessage(), payload, offset, e);
    } catch (IOException e) {
      throw ParseErrors.malformed(FORMAT, String.valueOf(e.getMessage()), payload, -1, e);
    }
  }

  private PushRequest readRequest() throws IOException, PushException {
    JsonToken token = parser.nextToken();
    if (token != JsonToken.START_OBJECT) {
      throw malformed(token == null ? "empty body, expected a JSON object with \"streams\"" : "expected a JSON object with \"streams\", got " + describe(token));
    }
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      token = parser.nextToken();
      if ("streams".equals(field)) {
        readStreams(token);
      } else {
        parser.skipChildren();
      }
    }
    expectEnd(token, JsonToken.END_OBJECT, "the push object");
    token = parser.nextToken();
    if (token != null) {
      throw malformed("unexpected token (" + describe(token) + ") after the push object");
    }
    return new PushRequest(streams, rejected);
  }

  private void readStreams(JsonToken token) throws IOException, PushException {
    if (token == JsonToken.VALUE_NULL) {
      return;
    }
    if (token != JsonToken.START_ARRAY) {
      throw malformed("\"streams\" must be an array, got " + describe(token));
    }
    while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
      readStream();
    }
    expectEnd(token, JsonToken.END_ARRAY, "\"streams\" (each stream is an object)");
  }

  private void readStream() throws IOException, PushException {
    TreeMap<String, String> labels = new TreeMap<>();
    // Pairs in arrival order, rendered only when the stream must be reported as refused.
    List<String> pairsInOrder = new ArrayList<>();
    String duplicateName = null;
    List<LogEntry> entries = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      token = parser.nextToken();
      switch (field) {
        case "stream" -> {
          if (token == JsonToken.VALUE_NULL) {
            continue;
          }
          if (token != JsonToken.START_OBJECT) {
            throw malformed("\"stream\" must be an object of label names to string values, got " + describe(token));
          }
          while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            token = parser.nextToken();
            if (token != JsonToken.VALUE_STRING) {
              throw malformed("the value of stream label \"" + name + "\" must be a string, got " + describe(token));
            }
            String value = parser.getText();
            pairsInOrder.add(name);
            pairsInOrder.add(value);
            if (labels.put(name, value) != null && duplicateName == null) {
              duplicateName = name;
            }
          }
          expectEnd(token, JsonToken.END_OBJECT, "\"stream\"");
        }
        case "values" -> readValues(token, entries);
        default -> parser.skipChildren();
      }
    }
    expectEnd(token, JsonToken.END_OBJECT, "a stream object");
    if (duplicateName != null) {
      String text = render(pairsInOrder);
      rejected.add(new PushRequest.RejectedStream(text, entries.size(),
          String.format(LokiMessages.DUPLICATE_LABEL_NAME, text, duplicateName)));
    } else {
      streams.add(new StreamBatch(Labels.of(labels), entries));
    }
  }

  private void readValues(JsonToken token, List<LogEntry> entries) throws IOException, PushException {
    if (token == JsonToken.VALUE_NULL) {
      return;
    }
    if (token != JsonToken.START_ARRAY) {
      throw malformed("\"values\" must be an array of [timestamp, line] or [timestamp, line, metadata], got " + describe(token));
    }
    while ((token = parser.nextToken()) == JsonToken.START_ARRAY) {
      entries.add(readValue());
    }
    expectEnd(token, JsonToken.END_ARRAY, "\"values\" (each value is an array [timestamp, line] or [timestamp, line, metadata])");
  }

  private LogEntry readValue() throws IOException, PushException {
    JsonToken token = parser.nextToken();
    long timestamp;
    if (token == JsonToken.VALUE_STRING) {
      timestamp = parseNanos();
    } else if (token == JsonToken.VALUE_NUMBER_INT) {
      if (parser.getNumberType() != JsonParser.NumberType.INT && parser.getNumberType() != JsonParser.NumberType.LONG) {
        throw malformed("timestamp " + parser.getText() + " does not fit in 64 bits of nanoseconds");
      }
      timestamp = parser.getLongValue();
    } else {
      throw malformed("a value must start with its timestamp (nanoseconds since the epoch, as a string), got " + describe(token));
    }
    token = parser.nextToken();
    if (token != JsonToken.VALUE_STRING) {
      throw malformed("the second element of a value must be the line as a string, got " + describe(token));
    }
    String line = parser.getText();
    token = parser.nextToken();
    Labels metadata = Labels.EMPTY;
    if (token == JsonToken.START_OBJECT) {
      metadata = readMetadata();
      token = parser.nextToken();
    } else if (token == JsonToken.VALUE_NULL) {
      token = parser.nextToken();
    }
    if (token != JsonToken.END_ARRAY) {
      throw malformed("a value has 2 or 3 elements (timestamp, line, optional structured metadata object), found more: " + describe(token));
    }
    return new LogEntry(timestamp, line, metadata);
  }

  private Labels readMetadata() throws IOException, PushException {
    JsonToken token = parser.nextToken();
    if (token == JsonToken.END_OBJECT) {
      return Labels.EMPTY;
    }
    // Later duplicates win, as when Go decodes a JSON object into a map.
    TreeMap<String, String> metadata = new TreeMap<>();
    while (token == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      token = parser.nextToken();
      if (token != JsonToken.VALUE_STRING) {
        throw malformed("structured metadata \"" + name + "\" must have a string value, got " + describe(token));
      }
      metadata.put(name, parser.getText());
      token = parser.nextToken();
    }
    expectEnd(token, JsonToken.END_OBJECT, "structured metadata");
    return Labels.of(metadata);
  }

  /** Parses the current string token as a signed decimal long without allocating a String. */
  private long parseNanos() throws IOException, PushException {
    char[] chars = parser.getTextCharacters();
    int offset = parser.getTextOffset();
    int length = parser.getTextLength();
    int end = offset + length;
    int i = offset;
    boolean negative = length > 0 && chars[i] == '-';
    if (negative) {
      i++;
    }
    if (i == end) {
      throw malformed("timestamp \"" + parser.getText() + "\" is not a number of nanoseconds since the epoch");
    }
    long value = 0;
    for (; i < end; i++) {
      int digit = chars[i] - '0';
      if (digit < 0 || digit > 9) {
        throw malformed("timestamp \"" + abbreviate(parser.getText()) + "\" is not a number of nanoseconds since the epoch");
      }
      // Accumulate negatively so Long.MIN_VALUE parses and overflow is one comparison.
      if (value < (Long.MIN_VALUE + digit) / 10) {
        throw malformed("timestamp \"" + abbreviate(parser.getText()) + "\" does not fit in 64 bits of nanoseconds");
      }
      value = value * 10 - digit;
    }
    if (!negative) {
      if (value == Long.MIN_VALUE) {
        throw malformed("timestamp \"" + parser.getText() + "\" does not fit in 64 bits of nanoseconds");
      }
      value = -value;
    }
    return value;
  }

  private void expectEnd(JsonToken actual, JsonToken expected, String inside) throws PushException {
    if (actual != expected) {
      throw malformed("unexpected token (" + describe(actual) + ") in " + inside);
    }
  }

  private PushException malformed(String what) {
    JsonLocation location = parser.currentTokenLocation();
    return ParseErrors.malformed(FORMAT, what, payload, location.getByteOffset(), null);
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "end of input";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case END_OBJECT -> "'}'";
      case START_ARRAY -> "an array";
      case END_ARRAY -> "']'";
      case FIELD_NAME -> "a field name";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case VALUE_EMBEDDED_OBJECT, NOT_AVAILABLE -> "an unexpected token";
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }

  /** Loki's text form of labels in the order received, duplicates included, for messages. */
  static String render(List<String> pairsInOrder) {
    StringBuilder sb = new StringBuilder().append('{');
    for (int i = 0; i < pairsInOrder.size(); i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(pairsInOrder.get(i)).append('=');
      Labels.appendQuoted(sb, pairsInOrder.get(i + 1));
    }
    return sb.append('}').toString();
  }
}
