package dev.tonari.query.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a JSON document into template values as Go's {@code encoding/json} decodes into
 * {@code interface{}}: objects to maps, arrays to lists, numbers to float64. Used by
 * {@code fromJson}, which yields nil for text that is not JSON.
 */
final class JsonValues {
  private static final int MAX_DEPTH = 1000;

  private final String text;
  private int position;

  private JsonValues(String text) {
    this.text = text;
  }

  static Object parseOrNull(String text) {
    JsonValues parser = new JsonValues(text);
    try {
      parser.skipSpaces();
      Object value = parser.value(0);
      parser.skipSpaces();
      if (parser.position != text.length()) {
        return null;
      }
      return value;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("too deep");
    }
    if (position >= text.length()) {
      throw new IllegalArgumentException("end of input");
    }
    char c = text.charAt(position);
    switch (c) {
      case '{' -> {
        position++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpaces();
        if (peek() == '}') {
          position++;
          return map;
        }
        while (true) {
          skipSpaces();
          if (peek() != '"') {
            throw new IllegalArgumentException("expected key");
          }
          String key = string();
          skipSpaces();
          expect(':');
          skipSpaces();
          map.put(key, value(depth + 1));
          skipSpaces();
          if (peek() == ',') {
            position++;
            continue;
          }
          expect('}');
          return map;
        }
      }
      case '[' -> {
        position++;
        List<Object> list = new ArrayList<>();
        skipSpaces();
        if (peek() == ']') {
          position++;
          return list;
        }
        while (true) {
          skipSpaces();
          list.add(value(depth + 1));
          skipSpaces();
          if (peek() == ',') {
            position++;
            continue;
          }
          expect(']');
          return list;
        }
      }
      case '"' -> {
        return string();
      }
      case 't' -> {
        literal("true");
        return Boolean.TRUE;
      }
      case 'f' -> {
        literal("false");
        return Boolean.FALSE;
      }
      case 'n' -> {
        literal("null");
        return null;
      }
      default -> {
        return number();
      }
    }
  }

  private Double number() {
    int start = position;
    if (peek() == '-') {
      position++;
    }
    if (peek() == '0') {
      position++;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') {
        position++;
      }
    } else {
      throw new IllegalArgumentException("bad number");
    }
    if (peek() == '.') {
      position++;
      if (!(peek() >= '0' && peek() <= '9')) {
        throw new IllegalArgumentException("bad number");
      }
      while (peek() >= '0' && peek() <= '9') {
        position++;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      position++;
      if (peek() == '+' || peek() == '-') {
        position++;
      }
      if (!(peek() >= '0' && peek() <= '9')) {
        throw new IllegalArgumentException("bad number");
      }
      while (peek() >= '0' && peek() <= '9') {
        position++;
      }
    }
    return Double.parseDouble(text.substring(start, position));
  }

  private String string() {
    position++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (position >= text.length()) {
        throw new IllegalArgumentException("unterminated string");
      }
      char c = text.charAt(position++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw new IllegalArgumentException("control character in string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (position >= text.length()) {
        throw new IllegalArgumentException("unterminated escape");
      }
      char e = text.charAt(position++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (position + 4 > text.length()) {
            throw new IllegalArgumentException("bad escape");
          }
          out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
          position += 4;
        }
        default -> throw new IllegalArgumentException("bad escape");
      }
    }
  }

  private void literal(String word) {
    if (!text.startsWith(word, position)) {
      throw new IllegalArgumentException("bad literal");
    }
    position += word.length();
  }

  private void expect(char c) {
    if (peek() != c) {
      throw new IllegalArgumentException("expected " + c);
    }
    position++;
  }

  private char peek() {
    return position < text.length() ? text.charAt(position) : '\0';
  }

  private void skipSpaces() {
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      position++;
    }
  }
}
