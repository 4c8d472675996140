package dev.tonari.query.pipeline;

/**
 * A small JSON scanner over a line, for the json and unpack parsers: it walks values without
 * building a tree, so that flattening a line costs one pass. Failures are {@link JsonException}s
 * whose messages name the offset, which Loki puts in {@code __error_details__}.
 */
final class JsonScanner {
  private static final int MAX_DEPTH = 512;

  /** Malformed JSON at an offset. */
  static final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    JsonException(String message) {
      super(message, null, false, false);
    }
  }

  enum Type {
    STRING,
    NUMBER,
    BOOLEAN,
    NULL,
    OBJECT,
    ARRAY
  }

  final String text;
  int position;

  JsonScanner(String text) {
    this.text = text;
  }

  void skipSpaces() {
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      position++;
    }
  }

  char peek() {
    return position < text.length() ? text.charAt(position) : '\0';
  }

  Type peekType() throws JsonException {
    skipSpaces();
    if (position >= text.length()) {
      throw error("unexpected end of input");
    }
    return switch (text.charAt(position)) {
      case '"' -> Type.STRING;
      case '{' -> Type.OBJECT;
      case '[' -> Type.ARRAY;
      case 't', 'f' -> Type.BOOLEAN;
      case 'n' -> Type.NULL;
      default -> Type.NUMBER;
    };
  }

  void expect(char c) throws JsonException {
    skipSpaces();
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    position++;
  }

  /** Reads a string value, unescaped. */
  String readString() throws JsonException {
    skipSpaces();
    if (peek() != '"') {
      throw error("expected a string");
    }
    position++;
    int start = position;
    // Fast path: no escapes.
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c == '"') {
        return text.substring(start, position++);
      }
      if (c == '\\') {
        break;
      }
      position++;
    }
    StringBuilder out = new StringBuilder(text.length() - start).append(text, start, position);
    while (true) {
      if (position >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(position++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (position >= text.length()) {
        throw error("unterminated string");
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
            throw error("invalid unicode escape");
          }
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(position + i), 16);
            if (digit < 0) {
              throw error("invalid unicode escape");
            }
            code = code * 16 + digit;
          }
          out.append((char) code);
          position += 4;
        }
        default -> throw error("invalid escape '\\" + e + "'");
      }
    }
  }

  /**
   * Skips a string value, checking it exactly as {@link #readString()} does (same errors at the
   * same offsets), without copying it.
   */
  void skipString() throws JsonException {
    skipSpaces();
    if (peek() != '"') {
      throw error("expected a string");
    }
    position++;
    while (true) {
      if (position >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(position++);
      if (c == '"') {
        return;
      }
      if (c != '\\') {
        continue;
      }
      if (position >= text.length()) {
        throw error("unterminated string");
      }
      char e = text.charAt(position++);
      switch (e) {
        case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {}
        case 'u' -> {
          if (position + 4 > text.length()) {
            throw error("invalid unicode escape");
          }
          for (int i = 0; i < 4; i++) {
            if (Character.digit(text.charAt(position + i), 16) < 0) {
              throw error("invalid unicode escape");
            }
          }
          position += 4;
        }
        default -> throw error("invalid escape '\\" + e + "'");
      }
    }
  }

  /** Reads a number, true, false or null as its text. */
  String readScalar() throws JsonException {
    skipSpaces();
    int start = position;
    char c = peek();
    if (c == 't' || c == 'f' || c == 'n') {
      String word = c == 't' ? "true" : c == 'f' ? "false" : "null";
      if (!text.startsWith(word, position)) {
        throw error("invalid literal");
      }
      position += word.length();
      return word;
    }
    if (c == '-') {
      position++;
    }
    int digits = position;
    while (position < text.length() && Character.isDigit(text.charAt(position)) && text.charAt(position) < 128) {
      position++;
    }
    if (position == digits) {
      throw error("invalid character '" + (position < text.length() ? text.charAt(position) : ' ') + "' looking for beginning of value");
    }
    if (peek() == '.') {
      position++;
      int fraction = position;
      while (position < text.length() && text.charAt(position) >= '0' && text.charAt(position) <= '9') {
        position++;
      }
      if (position == fraction) {
        throw error("invalid number");
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      position++;
      if (peek() == '+' || peek() == '-') {
        position++;
      }
      int exponent = position;
      while (position < text.length() && text.charAt(position) >= '0' && text.charAt(position) <= '9') {
        position++;
      }
      if (position == exponent) {
        throw error("invalid number");
      }
    }
    return text.substring(start, position);
  }

  /** Skips any value, checking its syntax; returns the raw text. */
  String skipValue(int depth) throws JsonException {
    if (depth > MAX_DEPTH) {
      throw error("nesting too deep");
    }
    skipSpaces();
    int start = position;
    switch (peekType()) {
      case STRING -> readString();
      case OBJECT -> {
        position++;
        skipSpaces();
        if (peek() == '}') {
          position++;
          break;
        }
        while (true) {
          readString();
          expect(':');
          skipValue(depth + 1);
          skipSpaces();
          if (peek() == ',') {
            position++;
            continue;
          }
          expect('}');
          break;
        }
      }
      case ARRAY -> {
        position++;
        skipSpaces();
        if (peek() == ']') {
          position++;
          break;
        }
        while (true) {
          skipValue(depth + 1);
          skipSpaces();
          if (peek() == ',') {
            position++;
            continue;
          }
          expect(']');
          break;
        }
      }
      default -> readScalar();
    }
    return text.substring(start, position);
  }

  JsonException error(String message) {
    return new JsonException(message + " at offset " + position);
  }
}
