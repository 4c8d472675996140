package dev.tonari.rules.eval;

import java.util.Map;
import java.util.TreeMap;

/** Reads Prometheus' printed label sets, {@code {a="x", b="y \"q\""}}, with Go's string escapes (test output of promtool). */
final class GoLabels {
  private GoLabels() {}

  static Map<String, String> parse(String text) {
    Map<String, String> labels = new TreeMap<>();
    int position = text.indexOf('{') + 1;
    while (position < text.length() && text.charAt(position) != '}') {
      while (text.charAt(position) == ' ' || text.charAt(position) == ',') {
        position++;
      }
      int equals = text.indexOf('=', position);
      String name = text.substring(position, equals);
      position = equals + 2;
      StringBuilder value = new StringBuilder();
      while (text.charAt(position) != '"') {
        char c = text.charAt(position++);
        if (c != '\\') {
          value.append(c);
          continue;
        }
        char escaped = text.charAt(position++);
        switch (escaped) {
          case 'n' -> value.append('\n');
          case 't' -> value.append('\t');
          case 'x' -> {
            value.append((char) Integer.parseInt(text.substring(position, position + 2), 16));
            position += 2;
          }
          case 'u' -> {
            value.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
            position += 4;
          }
          default -> value.append(escaped);
        }
      }
      position++;
      labels.put(name, value.toString());
    }
    return labels;
  }
}
