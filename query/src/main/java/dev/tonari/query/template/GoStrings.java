package dev.tonari.query.template;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.Map;

/**
 * Go's string functions that template function maps share: {@code strings.Title} (Sprig's
 * {@code title}, Prometheus' {@code title}) and {@code Regexp.ReplaceAllString} (Loki's
 * {@code regexReplaceAll}, Prometheus' {@code reReplaceAll}), with Go's rules for word starts,
 * empty matches and {@code $1}/{@code ${name}} expansion.
 */
public final class GoStrings {
  private GoStrings() {}

  /** Go's deprecated strings.Title: upper-cases letters that start words. */
  public static String title(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int previous = ' ';
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (isTitleSeparator(previous)) {
        out.appendCodePoint(Character.toTitleCase(c));
      } else {
        out.appendCodePoint(c);
      }
      previous = c;
      i += Character.charCount(c);
    }
    return out.toString();
  }

  private static boolean isTitleSeparator(int c) {
    if (c <= 0x7F) {
      return !(Character.isLetterOrDigit(c) || c == '_');
    }
    if (Character.isLetterOrDigit(c)) {
      return false;
    }
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /**
   * Go's ReplaceAllString ({@code literal} false: the replacement's {@code $1}, {@code ${name}}
   * and {@code $$} are expanded) or ReplaceAllLiteralString, including Go's rule that an empty
   * match right after a previous match is not replaced.
   *
   * @param maxChars the result may not grow beyond this, so that a template cannot allocate
   *     without end
   * @throws TemplateFunctionException when the result would exceed {@code maxChars}
   */
  public static String replaceAll(Pattern pattern, String text, String replacement, boolean literal, long maxChars)
      throws TemplateFunctionException {
    Matcher matcher = pattern.matcher(text);
    Map<String, Integer> names = pattern.namedGroups();
    StringBuilder out = new StringBuilder();
    int lastMatchEnd = 0;
    int searchPosition = 0;
    while (searchPosition <= text.length() && matcher.find(searchPosition)) {
      int start = matcher.start();
      int end = matcher.end();
      out.append(text, lastMatchEnd, start);
      if (end > lastMatchEnd || start == 0) {
        if (literal) {
          out.append(replacement);
        } else {
          expand(out, replacement, matcher, names);
        }
        if (out.length() > maxChars) {
          throw new TemplateFunctionException("result of " + out.length() + " characters exceeds the limit of " + maxChars);
        }
      }
      lastMatchEnd = end;
      int width = searchPosition < text.length() ? Character.charCount(text.codePointAt(searchPosition)) : 1;
      if (searchPosition + width > end) {
        searchPosition += width;
      } else if (searchPosition + 1 > end) {
        searchPosition++;
      } else {
        searchPosition = end;
      }
    }
    out.append(text, Math.min(lastMatchEnd, text.length()), text.length());
    return out.toString();
  }

  /** Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$; unknown groups expand to nothing. */
  private static void expand(StringBuilder out, String template, Matcher matcher, Map<String, Integer> names) {
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$' || i + 1 >= template.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = template.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      String name;
      int after;
      if (next == '{') {
        int close = template.indexOf('}', i + 2);
        if (close < 0 || close == i + 2 || !isGroupName(template.substring(i + 2, close))) {
          out.append('$');
          i++;
          continue;
        }
        name = template.substring(i + 2, close);
        after = close + 1;
      } else {
        int end = i + 1;
        while (end < template.length() && (Character.isLetterOrDigit(template.charAt(end)) || template.charAt(end) == '_')) {
          end++;
        }
        if (end == i + 1) {
          out.append('$');
          i++;
          continue;
        }
        name = template.substring(i + 1, end);
        after = end;
      }
      int group = -1;
      if (name.chars().allMatch(Character::isDigit)) {
        try {
          group = Integer.parseInt(name);
        } catch (NumberFormatException e) {
          group = -1;
        }
      } else if (names.containsKey(name)) {
        group = names.get(name);
      }
      if (group >= 0 && group <= matcher.groupCount()) {
        String value = matcher.group(group);
        if (value != null) {
          out.append(value);
        }
      }
      i = after;
    }
  }

  private static boolean isGroupName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_')) {
        return false;
      }
    }
    return true;
  }
}
