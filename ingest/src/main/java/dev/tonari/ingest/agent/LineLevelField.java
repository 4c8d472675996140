package dev.tonari.ingest.agent;

import java.util.Set;

/**
 * Finds the value of a level field in a line without parsing the line: a JSON key ({@code
 * "level":"warn"}) or a logfmt pair ({@code level=warn}, {@code level="warn"}). One pass over at
 * most {@link #SCAN_LIMIT} characters; the first level field in the line wins. No allocation
 * except the value returned.
 */
final class LineLevelField {
  /** Level fields sit near the start of a line; long lines are not scanned to their end. */
  static final int SCAN_LIMIT = 4096;

  private LineLevelField() {}

  static String find(String line, Set<String> names) {
    int end = Math.min(line.length(), SCAN_LIMIT);
    return !line.isEmpty() && line.charAt(0) == '{' ? json(line, end, names) : logfmt(line, end, names);
  }

  private static String json(String line, int end, Set<String> names) {
    int i = 1;
    while (i < end) {
      int open = line.indexOf('"', i);
      if (open < 0 || open >= end) {
        return null;
      }
      int close = line.indexOf('"', open + 1);
      if (close < 0 || close >= end) {
        return null;
      }
      int after = skipSpaces(line, close + 1, end);
      if (after < end && line.charAt(after) == ':' && isName(line, open + 1, close, names)) {
        int value = skipSpaces(line, after + 1, end);
        if (value >= end) {
          return null;
        }
        if (line.charAt(value) == '"') {
          int valueEnd = line.indexOf('"', value + 1);
          return valueEnd < 0 ? null : line.substring(value + 1, valueEnd);
        }
        int valueEnd = value;
        while (valueEnd < line.length() && Character.isLetterOrDigit(line.charAt(valueEnd))) {
          valueEnd++;
        }
        return line.substring(value, valueEnd);
      }
      i = close + 1;
    }
    return null;
  }

  private static String logfmt(String line, int end, Set<String> names) {
    int i = 0;
    while (i < end) {
      int equals = line.indexOf('=', i);
      if (equals < 0 || equals >= end) {
        return null;
      }
      int keyStart = equals;
      while (keyStart > 0 && !isSpace(line.charAt(keyStart - 1))) {
        keyStart--;
      }
      if (keyStart < equals && isName(line, keyStart, equals, names)) {
        int value = equals + 1;
        if (value < line.length() && line.charAt(value) == '"') {
          int valueEnd = line.indexOf('"', value + 1);
          return valueEnd < 0 ? null : line.substring(value + 1, valueEnd);
        }
        int valueEnd = value;
        while (valueEnd < line.length() && !isSpace(line.charAt(valueEnd))) {
          valueEnd++;
        }
        return line.substring(value, valueEnd);
      }
      i = equals + 1;
    }
    return null;
  }

  /** Whether {@code line[from, to)} is one of the names; checked by length first, so most keys cost no String. */
  private static boolean isName(String line, int from, int to, Set<String> names) {
    int length = to - from;
    if (length < 3 || length > 13) {
      return false;
    }
    char first = line.charAt(from);
    if (first != 'l' && first != 'L' && first != 's' && first != 'S') {
      return false;
    }
    return names.contains(line.substring(from, to));
  }

  private static int skipSpaces(String line, int from, int end) {
    int i = from;
    while (i < end && isSpace(line.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }
}
