package dev.tonari.store;

import java.util.TreeMap;

/** Parser of the {@code {name="value", ...}} text form; see {@link Labels#parse(String)}. */
final class LabelsParser {
  private final String text;
  private int pos;

  LabelsParser(String text) {
    this.text = text;
  }

  Labels parse() {
    TreeMap<String, String> map = new TreeMap<>();
    skipSpace();
    expect('{');
    skipSpace();
    if (peek() == '}') {
      pos++;
      skipSpace();
      ensureEnd();
      return Labels.EMPTY;
    }
    while (true) {
      skipSpace();
      String name = name();
      skipSpace();
      expect('=');
      skipSpace();
      String value = quoted();
      if (map.put(name, value) != null) {
        throw error("duplicate label name " + name);
      }
      skipSpace();
      char c = peek();
      if (c == ',') {
        pos++;
        continue;
      }
      if (c == '}') {
        pos++;
        break;
      }
      throw error("expected ',' or '}'");
    }
    skipSpace();
    ensureEnd();
    return Labels.of(map);
  }

  private void ensureEnd() {
    if (pos != text.length()) {
      throw error("unexpected text after '}'");
    }
  }

  private String name() {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (pos > start && c >= '0' && c <= '9');
      if (!ok) {
        break;
      }
      pos++;
    }
    if (pos == start) {
      throw error("expected a label name");
    }
    return text.substring(start, pos);
  }

  private String quoted() {
    char quote = peek();
    if (quote != '"' && quote != '`') {
      throw error("expected a quoted label value");
    }
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated label value");
      }
      char c = text.charAt(pos++);
      if (c == quote) {
        return sb.toString();
      }
      if (c == '\\' && quote == '"') {
        if (pos >= text.length()) {
          throw error("unterminated escape");
        }
        char e = text.charAt(pos++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case '\\' -> sb.append('\\');
          case '"' -> sb.append('"');
          case '\'' -> sb.append('\'');
          case 'u' -> {
            if (pos + 4 > text.length()) {
              throw error("short \\u escape");
            }
            try {
              sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            pos += 4;
          }
          default -> throw error("unknown escape \\" + e);
        }
      } else {
        sb.append(c);
      }
    }
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("invalid labels at offset " + pos + ": " + what + " in " + abbreviate(text));
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
