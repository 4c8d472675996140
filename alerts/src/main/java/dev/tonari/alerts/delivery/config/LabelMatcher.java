package dev.tonari.alerts.delivery.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.tonari.query.template.GoFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Alertmanager label matcher: {@code name="value"}, {@code name!="value"}, {@code name=~"re"}
 * or {@code name!~"re"}, as routes' {@code matchers} and silences use them. A missing label reads
 * as the empty string; regular expressions are RE2 (Go's syntax) and anchored at both ends, as in
 * Alertmanager.
 */
public final class LabelMatcher {
  /** The four operators, spelled as in Alertmanager. */
  public enum Type {
    EQUAL("="),
    NOT_EQUAL("!="),
    REGEX("=~"),
    NOT_REGEX("!~");

    private final String operator;

    Type(String operator) {
      this.operator = operator;
    }

    public String operator() {
      return operator;
    }

    public boolean isRegex() {
      return this == REGEX || this == NOT_REGEX;
    }

    public boolean isEqual() {
      return this == EQUAL || this == REGEX;
    }

    public static Type of(boolean isRegex, boolean isEqual) {
      return isRegex ? (isEqual ? REGEX : NOT_REGEX) : (isEqual ? EQUAL : NOT_EQUAL);
    }
  }

  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final String name;
  private final Type type;
  private final String value;
  private final Pattern pattern;

  /**
   * @throws IllegalArgumentException when the name is not a label name or the regex does not compile
   */
  public LabelMatcher(String name, Type type, String value) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.value = Objects.requireNonNull(value, "value");
    if (!LABEL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("\"" + name + "\" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)");
    }
    Pattern compiled = null;
    if (type.isRegex()) {
      try {
        compiled = Pattern.compile("^(?:" + value + ")$", Pattern.DOTALL);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("invalid regular expression " + GoFormat.quote(value) + " for label " + name + ": " + e.getDescription(), e);
      }
    }
    this.pattern = compiled;
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public String value() {
    return value;
  }

  public boolean matchesValue(String labelValue) {
    String actual = labelValue == null ? "" : labelValue;
    return switch (type) {
      case EQUAL -> actual.equals(value);
      case NOT_EQUAL -> !actual.equals(value);
      case REGEX -> pattern.matches(actual);
      case NOT_REGEX -> !pattern.matches(actual);
    };
  }

  public boolean matches(Map<String, String> labels) {
    return matchesValue(labels.get(name));
  }

  public static boolean all(List<LabelMatcher> matchers, Map<String, String> labels) {
    for (LabelMatcher matcher : matchers) {
      if (!matcher.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses one item of a {@code matchers} list: one matcher or several separated by commas,
   * optionally in braces ({@code {a="b", c=~"d"}}); values quoted (Go escapes) or bare.
   *
   * @throws IllegalArgumentException saying what is wrong and at which character
   */
  public static List<LabelMatcher> parseList(String text) {
    String body = text.strip();
    if (body.startsWith("{")) {
      if (!body.endsWith("}")) {
        throw new IllegalArgumentException("missing closing '}' in " + GoFormat.quote(text));
      }
      body = body.substring(1, body.length() - 1);
    }
    List<LabelMatcher> matchers = new ArrayList<>();
    int position = 0;
    while (true) {
      position = skipSpaces(body, position);
      if (position >= body.length()) {
        break;
      }
      int[] end = new int[1];
      matchers.add(parseOne(body, position, end));
      position = skipSpaces(body, end[0]);
      if (position < body.length()) {
        if (body.charAt(position) != ',') {
          throw new IllegalArgumentException("expected ',' between matchers at character " + (position + 1) + " of " + GoFormat.quote(text));
        }
        position++;
      }
    }
    if (matchers.isEmpty()) {
      throw new IllegalArgumentException("no matcher in " + GoFormat.quote(text));
    }
    return matchers;
  }

  private static LabelMatcher parseOne(String text, int start, int[] end) {
    int position = start;
    while (position < text.length() && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_')) {
      position++;
    }
    String name = text.substring(start, position);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("expected a label name at character " + (start + 1) + " of " + GoFormat.quote(text));
    }
    position = skipSpaces(text, position);
    Type type;
    if (text.startsWith("=~", position)) {
      type = Type.REGEX;
    } else if (text.startsWith("!~", position)) {
      type = Type.NOT_REGEX;
    } else if (text.startsWith("!=", position)) {
      type = Type.NOT_EQUAL;
    } else if (text.startsWith("=", position)) {
      type = Type.EQUAL;
    } else {
      throw new IllegalArgumentException("expected one of =, !=, =~, !~ after label " + name + " at character " + (position + 1) + " of " + GoFormat.quote(text));
    }
    position = skipSpaces(text, position + type.operator().length());
    StringBuilder value = new StringBuilder();
    if (position < text.length() && text.charAt(position) == '"') {
      position++;
      boolean closed = false;
      while (position < text.length()) {
        char c = text.charAt(position++);
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (position >= text.length()) {
            break;
          }
          char escaped = text.charAt(position++);
          switch (escaped) {
            case 'n' -> value.append('\n');
            case 't' -> value.append('\t');
            case '\\', '"' -> value.append(escaped);
            default -> value.append('\\').append(escaped);
          }
        } else {
          value.append(c);
        }
      }
      if (!closed) {
        throw new IllegalArgumentException("unterminated quoted value for label " + name + " in " + GoFormat.quote(text));
      }
    } else {
      int valueStart = position;
      while (position < text.length() && text.charAt(position) != ',') {
        position++;
      }
      String bare = text.substring(valueStart, position).strip();
      if (bare.contains("\"") || bare.startsWith("=") || bare.startsWith("~")) {
        throw new IllegalArgumentException("unexpected " + GoFormat.quote(bare) + " as the value of label " + name + " in " + GoFormat.quote(text)
            + " (quote values that contain \" or start with = or ~)");
      }
      value.append(bare);
    }
    end[0] = position;
    return new LabelMatcher(name, type, value.toString());
  }

  private static int skipSpaces(String text, int position) {
    while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
      position++;
    }
    return position;
  }

  /** Alertmanager's spelling: {@code name="value"} with Go quoting. */
  @Override
  public String toString() {
    return name + type.operator() + GoFormat.quote(value);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LabelMatcher that && name.equals(that.name) && type == that.type && value.equals(that.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, value);
  }
}
