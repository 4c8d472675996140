package dev.tonari.tenancy.config;

import java.util.Optional;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A minimal check of a LogQL stream selector ({@code {name="value", name=~"regex", ...}}) for the
 * offline lint: tenancy must not depend on the LogQL module. The server injects the real parser
 * through {@link TenantConfigLoader}'s selector validator; this check catches the typical mistakes
 * (missing braces, unquoted values, bad operators, bad label names, broken regexes) and states the
 * offset. Like Loki, it refuses a selector without matchers.
 */
public final class SelectorSyntax {
  private SelectorSyntax() {}

  /** Why {@code selector} is not a stream selector, or empty when it looks like one. */
  public static Optional<String> problem(String selector) {
    String text = selector == null ? "" : selector;
    int[] cursor = {skipSpaces(text, 0)};
    if (cursor[0] >= text.length() || text.charAt(cursor[0]) != '{') {
      return Optional.of("expected '{' at offset " + cursor[0]);
    }
    cursor[0] = skipSpaces(text, cursor[0] + 1);
    int matchers = 0;
    while (true) {
      if (cursor[0] < text.length() && text.charAt(cursor[0]) == '}') {
        break;
      }
      if (matchers > 0) {
        if (cursor[0] >= text.length() || text.charAt(cursor[0]) != ',') {
          return Optional.of("expected ',' or '}' at offset " + cursor[0]);
        }
        cursor[0] = skipSpaces(text, cursor[0] + 1);
      }
      int nameStart = cursor[0];
      while (cursor[0] < text.length() && isNameChar(text.charAt(cursor[0]), cursor[0] == nameStart)) {
        cursor[0]++;
      }
      if (cursor[0] == nameStart) {
        return Optional.of("expected a label name at offset " + nameStart);
      }
      cursor[0] = skipSpaces(text, cursor[0]);
      String operator = operatorAt(text, cursor[0]);
      if (operator == null) {
        return Optional.of("expected one of =, !=, =~, !~ at offset " + cursor[0]);
      }
      cursor[0] = skipSpaces(text, cursor[0] + operator.length());
      int valueStart = cursor[0];
      String value = quotedValue(text, cursor);
      if (value == null) {
        return Optional.of("expected a quoted value at offset " + valueStart);
      }
      if (operator.endsWith("~")) {
        try {
          Pattern.compile(value);
        } catch (PatternSyntaxException e) {
          return Optional.of("invalid regular expression \"" + value + "\" at offset " + valueStart + ": " + e.getDescription());
        }
      }
      matchers++;
      cursor[0] = skipSpaces(text, cursor[0]);
    }
    if (matchers == 0) {
      return Optional.of("a stream selector needs at least one label matcher");
    }
    int end = skipSpaces(text, cursor[0] + 1);
    if (end != text.length()) {
      return Optional.of("unexpected text after '}' at offset " + end);
    }
    return Optional.empty();
  }

  private static String operatorAt(String text, int at) {
    if (text.startsWith("=~", at)) {
      return "=~";
    }
    if (text.startsWith("!=", at)) {
      return "!=";
    }
    if (text.startsWith("!~", at)) {
      return "!~";
    }
    if (text.startsWith("=", at)) {
      return "=";
    }
    return null;
  }

  /** Reads a "double-quoted" (with backslash escapes) or `backtick` string; null when absent. */
  private static String quotedValue(String text, int[] cursor) {
    if (cursor[0] >= text.length()) {
      return null;
    }
    char quote = text.charAt(cursor[0]);
    if (quote != '"' && quote != '`') {
      return null;
    }
    StringBuilder value = new StringBuilder();
    int i = cursor[0] + 1;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == quote) {
        cursor[0] = i + 1;
        return value.toString();
      }
      if (c == '\\' && quote == '"' && i + 1 < text.length()) {
        char escaped = text.charAt(i + 1);
        value.append(escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped);
        i += 2;
        continue;
      }
      value.append(c);
      i++;
    }
    return null;
  }

  private static boolean isNameChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
  }

  private static int skipSpaces(String text, int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Whether {@code name} is a valid Prometheus/Loki label name. */
  public static boolean isLabelName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isNameChar(name.charAt(i), i == 0)) {
        return false;
      }
    }
    return true;
  }
}
