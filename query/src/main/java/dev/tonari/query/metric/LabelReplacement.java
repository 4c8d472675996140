package dev.tonari.query.metric;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.tonari.store.Labels;

/**
 * {@code label_replace(v, dst, replacement, src, regex)} as Prometheus defines it: when the whole
 * value of {@code src} matches {@code regex}, {@code dst} is set to {@code replacement} with
 * {@code $1}, {@code ${name}} and {@code $name} expanded as Go's {@code Regexp.Expand} does (an
 * empty result removes {@code dst}); otherwise the labels are unchanged.
 */
final class LabelReplacement {
  private final String destination;
  private final String replacement;
  private final String source;
  private final Pattern pattern;

  LabelReplacement(String destination, String replacement, String source, String regex) {
    this.destination = destination;
    this.replacement = replacement;
    this.source = source;
    this.pattern = Pattern.compile("^(?s:" + regex + ")$");
  }

  Labels apply(Labels labels) {
    String value = labels.get(source);
    Matcher matcher = pattern.matcher(value == null ? "" : value);
    if (!matcher.matches()) {
      return labels;
    }
    return labels.with(destination, expand(matcher));
  }

  private String expand(Matcher matcher) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < replacement.length()) {
      char c = replacement.charAt(i);
      if (c != '$' || i + 1 >= replacement.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = replacement.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      String name;
      int end;
      if (next == '{') {
        int close = replacement.indexOf('}', i + 2);
        if (close < 0) {
          out.append(c);
          i++;
          continue;
        }
        name = replacement.substring(i + 2, close);
        end = close + 1;
      } else {
        end = i + 1;
        while (end < replacement.length() && isNameCharacter(replacement.charAt(end))) {
          end++;
        }
        name = replacement.substring(i + 1, end);
      }
      if (name.isEmpty()) {
        // Go keeps a lone "$" that starts no valid reference.
        out.append(c);
        i++;
        continue;
      }
      out.append(group(matcher, name));
      i = end;
    }
    return out.toString();
  }

  private static boolean isNameCharacter(char c) {
    return c == '_' || Character.isLetterOrDigit(c);
  }

  private static String group(Matcher matcher, String name) {
    String text;
    if (name.chars().allMatch(Character::isDigit)) {
      int index;
      try {
        index = Integer.parseInt(name);
      } catch (NumberFormatException tooLarge) {
        return "";
      }
      text = index <= matcher.groupCount() ? matcher.group(index) : null;
    } else {
      try {
        text = matcher.group(name);
      } catch (IllegalArgumentException unknownGroup) {
        // Go expands a reference to a group that does not exist as the empty string.
        return "";
      }
    }
    return text == null ? "" : text;
  }
}
