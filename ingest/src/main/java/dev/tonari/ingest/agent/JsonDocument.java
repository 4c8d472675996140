package dev.tonari.ingest.agent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object (a bulk source, a JSON line) flattened as VictoriaLogs flattens it: nested
 * objects become dotted names ({@code {"host":{"name":"a"}}} is {@code host.name=a}), arrays are
 * kept as their JSON text, numbers and booleans as their text, nulls and empty strings dropped.
 * Later duplicates of a name win.
 */
public final class JsonDocument {
  /** Deeper nesting than this is refused: no agent sends it, and it bounds the recursion. */
  public static final int MAX_DEPTH = 64;

  static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build();

  private JsonDocument() {}

  /** Why a document could not be read: what and where (byte offset within the document). */
  public static final class DocumentException extends Exception {
    private static final long serialVersionUID = 1L;

    public DocumentException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The flattened fields of the object in {@code bytes[from, to)}, in the order they appear. */
  public static Map<String, String> flatten(byte[] bytes, int from, int to) throws DocumentException {
    Map<String, String> fields = new LinkedHashMap<>();
    try (JsonParser parser = JSON.createParser(bytes, from, to - from)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new DocumentException("expected a JSON object, got " + (first == null ? "nothing" : parser.getText()), null);
      }
      readObject(parser, bytes, from, "", fields);
      JsonToken after = parser.nextToken();
      if (after != null) {
        throw new DocumentException("unexpected data after the JSON object at byte " + parser.currentTokenLocation().getByteOffset(), null);
      }
    } catch (IOException e) {
      throw new DocumentException(firstLine(e.getMessage()), e);
    }
    return fields;
  }

  private static void readObject(JsonParser parser, byte[] bytes, int from, String prefix, Map<String, String> into) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = prefix.isEmpty() ? parser.currentName() : prefix + "." + parser.currentName();
      JsonToken value = parser.nextToken();
      switch (value) {
        case START_OBJECT -> readObject(parser, bytes, from, name, into);
        case START_ARRAY -> {
          int start = from + (int) parser.currentTokenLocation().getByteOffset();
          parser.skipChildren();
          int end = from + (int) parser.currentLocation().getByteOffset();
          into.put(name, new String(bytes, start, end - start, StandardCharsets.UTF_8));
        }
        case VALUE_NULL -> { }
        case VALUE_STRING -> {
          String text = parser.getText();
          if (!text.isEmpty()) {
            into.put(name, text);
          }
        }
        default -> into.put(name, parser.getText());
      }
    }
  }

  /** A parser over {@code bytes[from, to)} with the nesting bound. */
  public static JsonParser parser(byte[] bytes, int from, int to) throws IOException {
    return JSON.createParser(bytes, from, to - from);
  }

  /** Jackson's messages carry a source excerpt on later lines; the first line says what was wrong. */
  public static String firstLine(String message) {
    if (message == null) {
      return "malformed JSON";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
