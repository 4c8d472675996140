package dev.tonari.logql;

import java.util.List;

/**
 * Turns an {@link Expr} into canonical LogQL, as Loki's {@code format_query} does:
 * {@code {app="api", env=~"prod|dev"} |= "error" != "timeout"}. Parsing the output gives back an
 * equal expression.
 */
public final class LogqlPrinter {
  private LogqlPrinter() {}

  public static String print(Expr expr) {
    StringBuilder out = new StringBuilder();
    switch (expr) {
      case LogSelectorExpr selector -> appendLogSelector(out, selector);
      case SampleExpr sample -> throw new UnsupportedOperationException("metric queries are not printed yet: " + sample);
    }
    return out.toString();
  }

  /** The selector part alone, {@code {a="1", b!~"x"}}. */
  public static String printMatchers(List<Matcher> matchers) {
    StringBuilder out = new StringBuilder();
    appendMatchers(out, matchers);
    return out.toString();
  }

  private static void appendLogSelector(StringBuilder out, LogSelectorExpr selector) {
    appendMatchers(out, selector.matchers());
    for (PipelineStage stage : selector.pipeline()) {
      switch (stage) {
        case LineFilter filter -> appendLineFilter(out, filter);
        default -> throw new UnsupportedOperationException("stage not printed yet: " + stage);
      }
    }
  }

  private static void appendMatchers(StringBuilder out, List<Matcher> matchers) {
    out.append('{');
    for (int i = 0; i < matchers.size(); i++) {
      Matcher matcher = matchers.get(i);
      if (i > 0) {
        out.append(", ");
      }
      out.append(matcher.name()).append(matcher.type().operator());
      appendQuoted(out, matcher.value());
    }
    out.append('}');
  }

  private static void appendLineFilter(StringBuilder out, LineFilter filter) {
    out.append(' ').append(filter.operator().operator()).append(' ');
    for (int i = 0; i < filter.alternatives().size(); i++) {
      if (i > 0) {
        out.append(" or ");
      }
      switch (filter.alternatives().get(i)) {
        case LineFilterTerm.Text text -> appendQuoted(out, text.value());
        case LineFilterTerm.Ip ip -> {
          out.append("ip(");
          appendQuoted(out, ip.range());
          out.append(')');
        }
      }
    }
  }

  /** Appends a double-quoted string with Go's escapes, as Go's strconv.Quote writes it. */
  public static void appendQuoted(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\u0007' -> out.append("\\a");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\u000b' -> out.append("\\v");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else if (c >= 0x80 && c <= 0x9f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
