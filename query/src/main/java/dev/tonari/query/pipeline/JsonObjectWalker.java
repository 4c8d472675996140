package dev.tonari.query.pipeline;

/**
 * Walks the fields of a JSON object the way Loki 3.x's {@code json} and {@code unpack} parsers
 * read a line (the buger/grafana {@code jsonparser} library's {@code ObjectEach}), so that the
 * same lines fail, at the same field, with the same {@code __error_details__}: fields are handed
 * to the visitor as they are read, so those before a syntax error are kept; the walk stops at the
 * object's closing brace (what follows it is not read); a trailing comma is accepted; a value
 * that starts like a number is taken up to the next space, comma or bracket without checking its
 * digits; a nested object or array is found by counting its brackets (outside strings) and an
 * object is walked when the visitor asks for it. Errors carry the library's messages, which Loki
 * copies into {@code __error_details__}.
 *
 * <p>Works on the line's characters (no offsets appear in the messages). Allocation-free apart
 * from the substrings the visitor asks for.
 */
final class JsonObjectWalker {
  static final String MALFORMED_JSON = "Malformed JSON error";
  static final String MALFORMED_STRING = "Value is string, but can't find closing '\"' symbol";
  static final String MALFORMED_ARRAY = "Value is array, but can't find closing ']' symbol";
  static final String MALFORMED_OBJECT = "Value looks like object, but can't find closing '}' symbol";
  static final String UNKNOWN_VALUE_TYPE = "Unknown value type";
  static final String MALFORMED_STRING_ESCAPE = "Encountered an invalid escape sequence in a string";

  /** A walk stopped by malformed JSON; the message is the library's. */
  static final class MalformedJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedJsonException(String message) {
      super(message, null, false, false);
    }
  }

  enum ValueType {
    STRING,
    NUMBER,
    BOOLEAN,
    NULL,
    OBJECT,
    ARRAY
  }

  /** Receives each field; {@code [valueStart, valueEnd)} is the raw value (a string's without its quotes). */
  interface Visitor {
    void field(String key, String text, ValueType type, int valueStart, int valueEnd) throws MalformedJsonException;
  }

  private JsonObjectWalker() {}

  /** Walks the object of {@code text[start, end)}, which must start (after spaces) with '{'. */
  static void walk(String text, int start, int end, Visitor visitor) throws MalformedJsonException {
    int position = nextToken(text, start, end);
    if (position < 0 || text.charAt(position) != '{') {
      throw new MalformedJsonException(MALFORMED_OBJECT);
    }
    position = nextToken(text, position + 1, end);
    if (position < 0) {
      throw new MalformedJsonException(MALFORMED_JSON);
    }
    while (position < end) {
      char c = text.charAt(position);
      if (c == '}') {
        return;
      }
      if (c != '"') {
        throw new MalformedJsonException(MALFORMED_OBJECT);
      }
      int keyStart = position + 1;
      int keyEnd = stringEnd(text, keyStart, end);
      if (keyEnd < 0) {
        throw new MalformedJsonException(MALFORMED_JSON);
      }
      String key = unescape(text, keyStart, keyEnd);
      if (key == null) {
        throw new MalformedJsonException(MALFORMED_STRING_ESCAPE);
      }
      position = nextToken(text, keyEnd + 1, end);
      if (position < 0 || text.charAt(position) != ':') {
        throw new MalformedJsonException(MALFORMED_JSON);
      }
      position = nextToken(text, position + 1, end);
      if (position < 0) {
        throw new MalformedJsonException(MALFORMED_JSON);
      }
      position = value(text, position, end, key, visitor);
      position = nextToken(text, position, end);
      if (position < 0) {
        throw new MalformedJsonException(MALFORMED_ARRAY);
      }
      c = text.charAt(position);
      if (c == '}') {
        return;
      }
      if (c != ',') {
        throw new MalformedJsonException(MALFORMED_OBJECT);
      }
      position = nextToken(text, position + 1, end);
      if (position < 0) {
        throw new MalformedJsonException(MALFORMED_ARRAY);
      }
    }
    throw new MalformedJsonException(MALFORMED_OBJECT);
  }

  /** Reads the value at {@code position}, hands it to the visitor and returns where it ends. */
  private static int value(String text, int position, int end, String key, Visitor visitor) throws MalformedJsonException {
    char c = text.charAt(position);
    switch (c) {
      case '"' -> {
        int close = stringEnd(text, position + 1, end);
        if (close < 0) {
          throw new MalformedJsonException(MALFORMED_STRING);
        }
        visitor.field(key, text, ValueType.STRING, position + 1, close);
        return close + 1;
      }
      case '[' -> {
        int close = blockEnd(text, position, end, '[', ']');
        if (close < 0) {
          throw new MalformedJsonException(MALFORMED_ARRAY);
        }
        visitor.field(key, text, ValueType.ARRAY, position, close);
        return close;
      }
      case '{' -> {
        int close = blockEnd(text, position, end, '{', '}');
        if (close < 0) {
          throw new MalformedJsonException(MALFORMED_OBJECT);
        }
        visitor.field(key, text, ValueType.OBJECT, position, close);
        return close;
      }
      default -> {
        int tokenEnd = tokenEnd(text, position, end);
        ValueType type;
        if (c == 't' || c == 'f') {
          int length = tokenEnd - position;
          boolean isTrue = length == 4 && text.startsWith("true", position);
          boolean isFalse = length == 5 && text.startsWith("false", position);
          if (!isTrue && !isFalse) {
            throw new MalformedJsonException(UNKNOWN_VALUE_TYPE);
          }
          type = ValueType.BOOLEAN;
        } else if (c == 'n' || c == 'u') {
          if (tokenEnd - position != 4 || !text.regionMatches(position, "null", 0, 4)) {
            throw new MalformedJsonException(UNKNOWN_VALUE_TYPE);
          }
          type = ValueType.NULL;
        } else if ((c >= '0' && c <= '9') || c == '-') {
          type = ValueType.NUMBER;
        } else {
          throw new MalformedJsonException(UNKNOWN_VALUE_TYPE);
        }
        visitor.field(key, text, type, position, tokenEnd);
        return tokenEnd;
      }
    }
  }

  /** The first non-space position at or after {@code position}, or -1. */
  private static int nextToken(String text, int position, int end) {
    for (int i = position; i < end; i++) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return i;
      }
    }
    return -1;
  }

  /** The position of the quote that closes the string whose body starts at {@code position}, or -1. */
  static int stringEnd(String text, int position, int end) {
    for (int i = position; i < end; i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    return -1;
  }

  /** The position after the bracket closing the one at {@code position}, counting only {@code open} and {@code close}; -1 if none. */
  private static int blockEnd(String text, int position, int end, char open, char close) {
    int level = 0;
    for (int i = position; i < end; i++) {
      char c = text.charAt(i);
      if (c == '"') {
        int closing = stringEnd(text, i + 1, end);
        if (closing < 0) {
          return -1;
        }
        i = closing;
      } else if (c == open) {
        level++;
      } else if (c == close) {
        level--;
        if (level == 0) {
          return i + 1;
        }
      }
    }
    return -1;
  }

  /** Where a number, boolean or null ends: at the first space, comma or closing bracket, or the end. */
  private static int tokenEnd(String text, int position, int end) {
    for (int i = position; i < end; i++) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ',' || c == '}' || c == ']') {
        return i;
      }
    }
    return end;
  }

  /**
   * The string body {@code text[start, end)} with its escapes resolved ({@code \" \\ \/ \b \f \n
   * \r \t \\uXXXX}, surrogate pairs joined); null when an escape is invalid, as a lone surrogate is.
   */
  static String unescape(String text, int start, int end) {
    int backslash = text.indexOf('\\', start);
    if (backslash < 0 || backslash >= end) {
      return text.substring(start, end);
    }
    StringBuilder out = new StringBuilder(end - start);
    out.append(text, start, backslash);
    int i = backslash;
    while (i < end) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 >= end) {
        return null;
      }
      char escaped = text.charAt(i + 1);
      switch (escaped) {
        case '"', '\\', '/' -> out.append(escaped);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          int unit = hex4(text, i + 2, end);
          if (unit < 0) {
            return null;
          }
          if (Character.isSurrogate((char) unit)) {
            // Only a high surrogate followed by an escaped low one makes a character.
            int low = i + 7 < end && text.charAt(i + 6) == '\\' && text.charAt(i + 7) == 'u' ? hex4(text, i + 8, end) : -1;
            if (!Character.isHighSurrogate((char) unit) || low < 0 || !Character.isLowSurrogate((char) low)) {
              return null;
            }
            out.append((char) unit).append((char) low);
            i += 12;
          } else {
            out.append((char) unit);
            i += 6;
          }
          continue;
        }
        default -> {
          return null;
        }
      }
      i += 2;
    }
    return out.toString();
  }

  /**
   * The value of the four hex digits at {@code text[start, start + 4)}, or -1 when they are not
   * four ASCII hex digits before {@code end}: JSON's {@code \\uXXXX}, which logfmt's quoted values
   * (Go's JSON unquoting) share.
   */
  static int hex4(String text, int start, int end) {
    if (start + 4 > end) {
      return -1;
    }
    int value = 0;
    for (int i = start; i < start + 4; i++) {
      char c = text.charAt(i);
      int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) {
        return -1;
      }
      value = value * 16 + digit;
    }
    return value;
  }
}
