package dev.tonari.ingest.agent;

import java.util.List;

/**
 * Finds the value of a level field in a line without parsing the whole line: a top-level JSON key
 * ({@code "level":"warn"}) or a logfmt pair ({@code level=warn}, {@code level="warn"}). A cheap
 * scan, not a parser: it reads the first occurrence of each name and stops at the first found.
 */
final class LineLevelField {
  private LineLevelField() {}

  static String find(String line, List<String> names) {
    boolean json = !line.isEmpty() && line.charAt(0) == '{';
    for (String name : names) {
      String value = json ? jsonValue(line, name) : logfmtValue(line, name);
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return null;
  }

  private static String jsonValue(String line, String name) {
    String key = "\"" + name + "\"";
    int at = line.indexOf(key);
    if (at < 0) {
      return null;
    }
    int i = at + key.length();
    while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ':') {
      return null;
    }
    i++;
    while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
      i++;
    }
    if (i >= line.length()) {
      return null;
    }
    if (line.charAt(i) == '"') {
      int end = line.indexOf('"', i + 1);
      return end < 0 ? null : line.substring(i + 1, end);
    }
    int end = i;
    while (end < line.length() && (Character.isLetterOrDigit(line.charAt(end)))) {
      end++;
    }
    return line.substring(i, end);
  }

  private static String logfmtValue(String line, String name) {
    int from = 0;
    while (true) {
      int at = line.indexOf(name + "=", from);
      if (at < 0) {
        return null;
      }
      // The name must start a key: at the line's start or after a space.
      if (at == 0 || line.charAt(at - 1) == ' ' || line.charAt(at - 1) == '\t') {
        int i = at + name.length() + 1;
        if (i < line.length() && line.charAt(i) == '"') {
          int end = line.indexOf('"', i + 1);
          return end < 0 ? null : line.substring(i + 1, end);
        }
        int end = i;
        while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
          end++;
        }
        return line.substring(i, end);
      }
      from = at + 1;
    }
  }
}
