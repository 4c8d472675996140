package dev.tonari.rules.file;

import dev.tonari.logql.LogqlUnits;
import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RecordingRule;
import dev.tonari.rules.model.Rule;
import dev.tonari.rules.model.RuleGroup;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import com.google.re2j.Pattern;

/**
 * Renders rule groups as YAML in the shapes Loki's rules API answers, which {@link RuleFileParser}
 * reads back to equal groups:
 *
 * <ul>
 *   <li>{@link #namespaces}: {@code GET /loki/api/v1/rules}, a mapping of namespace to its list of groups;
 *   <li>{@link #namespace}: {@code GET /loki/api/v1/rules/{namespace}}, the same with one namespace;
 *   <li>{@link #group}: {@code GET /loki/api/v1/rules/{namespace}/{group}}, the group mapping;
 *   <li>{@link #file}: a rule file ({@code groups:}, with cortextool's {@code namespace:} when given).
 * </ul>
 *
 * Keys come in Prometheus' {@code rulefmt} order and are left out when unset, as its
 * {@code omitempty} does ({@code rules: []} stays); durations are Prometheus durations
 * ({@code 5m}, {@code 1h30m}). Strings are plain where YAML reads them back as the same string,
 * else single-quoted, multi-line expressions as literal blocks, and anything with control
 * characters double-quoted with escapes.
 */
public final class RuleFileWriter {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_/(][A-Za-z0-9 _./:()+=,;$^<>!?@*%-]*");
  private static final Pattern NUMBER_LIKE = Pattern.compile("[0-9][0-9_:.eExXoOa-fA-F+-]*");
  private static final Set<String> YAML_WORDS = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n", "~");

  private RuleFileWriter() {}

  /** {@code GET /loki/api/v1/rules}: every namespace (in the map's order) with its groups. */
  public static String namespaces(Map<String, List<RuleGroup>> groupsByNamespace) {
    StringBuilder out = new StringBuilder();
    groupsByNamespace.forEach((name, groups) -> appendNamespace(out, name, groups));
    return out.toString();
  }

  /** {@code GET /loki/api/v1/rules/{namespace}}: {@code namespace: [groups]}. */
  public static String namespace(String name, List<RuleGroup> groups) {
    StringBuilder out = new StringBuilder();
    appendNamespace(out, name, groups);
    return out.toString();
  }

  /** {@code GET /loki/api/v1/rules/{namespace}/{group}}: the group mapping, as {@code POST} takes it. */
  public static String group(RuleGroup group) {
    StringBuilder out = new StringBuilder();
    appendGroupBody(out, group, 0, false);
    return out.toString();
  }

  /** A rule file: {@code namespace:} (cortextool's form) when given, then {@code groups:}. */
  public static String file(Optional<String> namespace, List<RuleGroup> groups) {
    StringBuilder out = new StringBuilder();
    namespace.ifPresent(name -> out.append("namespace: ").append(keyScalar(name)).append('\n'));
    out.append("groups:");
    if (groups.isEmpty()) {
      return out.append(" []\n").toString();
    }
    out.append('\n');
    for (RuleGroup group : groups) {
      appendGroupBody(out, group, 2, true);
    }
    return out.toString();
  }

  private static void appendNamespace(StringBuilder out, String name, List<RuleGroup> groups) {
    out.append(keyScalar(name)).append(':');
    if (groups.isEmpty()) {
      out.append(" []\n");
      return;
    }
    out.append('\n');
    for (RuleGroup group : groups) {
      appendGroupBody(out, group, 2, true);
    }
  }

  /** A group at {@code indent}; as a list item, its first key follows {@code "- "}. */
  private static void appendGroupBody(StringBuilder out, RuleGroup group, int indent, boolean listItem) {
    int keys = listItem ? indent + 2 : indent;
    out.append(" ".repeat(indent)).append(listItem ? "- " : "").append("name: ").append(scalar(group.name(), keys)).append('\n');
    group.interval().ifPresent(interval -> key(out, keys, "interval").append(duration(interval)).append('\n'));
    if (group.limit() != 0) {
      key(out, keys, "limit").append(group.limit()).append('\n');
    }
    if (group.rules().isEmpty()) {
      key(out, keys, "rules").append("[]\n");
      return;
    }
    out.append(" ".repeat(keys)).append("rules:\n");
    for (Rule rule : group.rules()) {
      appendRule(out, rule, keys + 2);
    }
  }

  private static void appendRule(StringBuilder out, Rule rule, int indent) {
    int keys = indent + 2;
    out.append(" ".repeat(indent)).append("- ");
    switch (rule) {
      case RecordingRule recording -> {
        out.append("record: ").append(scalar(recording.record(), keys)).append('\n');
        key(out, keys, "expr").append(scalar(recording.expr(), keys)).append('\n');
        appendMap(out, keys, "labels", recording.labels());
      }
      case AlertingRule alerting -> {
        out.append("alert: ").append(scalar(alerting.alert(), keys)).append('\n');
        key(out, keys, "expr").append(scalar(alerting.expr(), keys)).append('\n');
        if (!alerting.forDuration().isZero()) {
          key(out, keys, "for").append(duration(alerting.forDuration())).append('\n');
        }
        if (!alerting.keepFiringFor().isZero()) {
          key(out, keys, "keep_firing_for").append(duration(alerting.keepFiringFor())).append('\n');
        }
        appendMap(out, keys, "labels", alerting.labels());
        appendMap(out, keys, "annotations", alerting.annotations());
      }
    }
  }

  private static void appendMap(StringBuilder out, int indent, String name, Map<String, String> values) {
    if (values.isEmpty()) {
      return;
    }
    out.append(" ".repeat(indent)).append(name).append(":\n");
    values.forEach((key, value) -> key(out, indent + 2, scalar(key, indent + 2)).append(scalar(value, indent + 4)).append('\n'));
  }

  private static StringBuilder key(StringBuilder out, int indent, String key) {
    return out.append(" ".repeat(indent)).append(key).append(": ");
  }

  /** A Prometheus duration; {@code 0s} never appears, as unset durations are left out. */
  static String duration(Duration duration) {
    return LogqlUnits.formatDuration(duration);
  }

  /** A string as a mapping key (or a one-line value): never a block, which keys cannot be. */
  static String keyScalar(String text) {
    return text.indexOf('\n') >= 0 ? doubleQuoted(text) : scalar(text, 0);
  }

  /**
   * A string as a YAML scalar that reads back as the same string.
   *
   * @param indent the indentation of the key the scalar is the value of (a literal block's lines go 2 deeper)
   */
  static String scalar(String text, int indent) {
    if (text.isEmpty()) {
      return "\"\"";
    }
    if (isPlain(text)) {
      return text;
    }
    if (text.indexOf('\n') >= 0 && isLiteralBlockSafe(text)) {
      boolean trailingNewline = text.endsWith("\n");
      String body = trailingNewline ? text.substring(0, text.length() - 1) : text;
      StringBuilder block = new StringBuilder(trailingNewline ? "|" : "|-");
      String padding = " ".repeat(indent + 2);
      for (String line : body.split("\n", -1)) {
        block.append('\n');
        if (!line.isEmpty()) {
          block.append(padding).append(line);
        }
      }
      return block.toString();
    }
    if (text.codePoints().allMatch(c -> c >= 0x20 && isPrintable(c))) {
      return "'" + text.replace("'", "''") + "'";
    }
    return doubleQuoted(text);
  }

  private static boolean isPlain(String text) {
    if (!PLAIN.matcher(text).matches() || text.endsWith(" ") || text.endsWith(":") || text.contains(": ") || text.contains(" #")) {
      return false;
    }
    return !YAML_WORDS.contains(text.toLowerCase(Locale.ROOT)) && !NUMBER_LIKE.matcher(text).matches();
  }

  /**
   * A literal block keeps every character but needs lines that neither start with a space (the
   * first would set the indentation) nor end with spaces or tabs (kept, but invisible and
   * fragile), one trailing newline at most, and printable characters.
   */
  private static boolean isLiteralBlockSafe(String text) {
    if (text.startsWith(" ") || text.startsWith("\n") || text.endsWith("\n\n") || text.indexOf('\r') >= 0) {
      return false;
    }
    for (String line : text.split("\n", -1)) {
      if (line.endsWith(" ") || line.endsWith("\t")) {
        return false;
      }
      if (!line.codePoints().allMatch(c -> c == '\t' || (c >= 0x20 && isPrintable(c)))) {
        return false;
      }
    }
    return true;
  }

  /** Characters YAML may hold unescaped (besides the C0 controls, which callers test): not DEL, NEL, line separators, BOM or lone surrogates. */
  private static boolean isPrintable(int c) {
    return c != 0x7f && c != 0x85 && c != 0x2028 && c != 0x2029 && c != 0xfeff && !(c >= 0xd800 && c <= 0xdfff);
  }

  private static String doubleQuoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
        continue;
      }
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xfeff || Character.isSurrogate(c)) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
