package dev.tonari.slo.spec;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SliQuery.QueryLanguage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * Decides the language of an SLI query and checks it. A query that parses as a LogQL metric
 * expression (once {@code {{.window}}} is rendered as {@code 1m}) is LogQL; a query that does not
 * parse but looks like LogQL (a {@code |} pipe outside strings, which PromQL does not have, or a
 * stream selector with no metric name before it) is an error carrying the LogQL parser's message;
 * a query naming {@code __name__} (valid LogQL, but only PromQL has metric names) and anything
 * else is PromQL, which gets a light check only (not empty, brackets and quotes
 * balanced), since the Prometheus server is the judge of PromQL.
 */
final class SliQueries {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*\\.window\\s*\\}\\}");
  /** What {@code {{.window}}} is rendered as for checking. */
  static final String CHECK_RANGE = "1m";

  private SliQueries() {}

  /** The language a spec prescribes, or {@link #DETECT}. */
  enum Forced {
    DETECT,
    LOGQL,
    PROMQL
  }

  /** A checked query, or why it is refused. */
  sealed interface Checked {
    record Valid(SliQuery query) implements Checked {}

    record Refused(String message) implements Checked {}
  }

  static boolean hasPlaceholder(String template) {
    return PLACEHOLDER.matcher(template).find();
  }

  static Checked check(String template, Forced forced, Optional<String> dataSource) {
    if (template.isBlank()) {
      return new Checked.Refused("the query is empty");
    }
    Rendered rendered = render(template);
    LogqlParseException logqlError = null;
    // {__name__=...} is valid LogQL too, but only PromQL has metric names: such a query is PromQL.
    boolean namesMetric = forced == Forced.DETECT && template.contains("__name__");
    if (forced != Forced.PROMQL && !namesMetric) {
      try {
        LogqlParser.parseSampleExpr(rendered.text);
        return new Checked.Valid(SliQuery.logql(template));
      } catch (LogqlParseException e) {
        logqlError = e;
      }
    }
    if (forced == Forced.LOGQL || (forced == Forced.DETECT && looksLikeLogql(rendered.text))) {
      return new Checked.Refused("not a valid LogQL metric query: " + rendered.message(logqlError));
    }
    Optional<String> promqlProblem = promqlProblem(template);
    if (promqlProblem.isPresent()) {
      return new Checked.Refused("not a valid PromQL query: " + promqlProblem.get());
    }
    return new Checked.Valid(new SliQuery(QueryLanguage.PROMQL, template, dataSource));
  }

  /**
   * LogQL's marks that PromQL never has: a {@code |} outside strings (PromQL spells alternation
   * {@code or}), or a {@code {...}} selector not attached to a metric name and not naming
   * {@code __name__} (PromQL's only nameless selector).
   */
  static boolean looksLikeLogql(String query) {
    char quote = 0;
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote != '`') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '\'' || c == '`') {
        quote = c;
      } else if (c == '|') {
        return true;
      } else if (c == '{') {
        int before = i - 1;
        while (before >= 0 && Character.isWhitespace(query.charAt(before))) {
          before--;
        }
        boolean attached = before >= 0 && isMetricNameChar(query.charAt(before));
        int close = query.indexOf('}', i);
        String inside = close < 0 ? query.substring(i) : query.substring(i, close);
        if (!attached && !inside.contains("__name__")) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isMetricNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }

  /** Why a PromQL query is certainly broken (empty, unbalanced brackets, unclosed string), or empty. */
  static Optional<String> promqlProblem(String query) {
    if (query.isBlank()) {
      return Optional.of("the query is empty");
    }
    List<int[]> open = new ArrayList<>();
    char quote = 0;
    int quoteAt = 0;
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote != '`') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      switch (c) {
        case '"', '\'', '`' -> {
          quote = c;
          quoteAt = i;
        }
        case '(', '[', '{' -> open.add(new int[] {c, i});
        case ')', ']', '}' -> {
          char expected = c == ')' ? '(' : c == ']' ? '[' : '{';
          if (open.isEmpty()) {
            return Optional.of("'" + c + "' at " + where(query, i) + " closes nothing");
          }
          int[] last = open.remove(open.size() - 1);
          if (last[0] != expected) {
            return Optional.of("'" + c + "' at " + where(query, i) + " does not match '" + (char) last[0] + "' at " + where(query, last[1]));
          }
        }
        default -> {
          // Other characters are PromQL's to judge.
        }
      }
    }
    if (quote != 0) {
      return Optional.of("the string opened with " + quote + " at " + where(query, quoteAt) + " is not closed");
    }
    if (!open.isEmpty()) {
      int[] last = open.get(open.size() - 1);
      return Optional.of("'" + (char) last[0] + "' at " + where(query, last[1]) + " is not closed");
    }
    return Optional.empty();
  }

  /** {@code line L, col C} of an offset, 1-based, as the LogQL parser counts. */
  private static String where(String text, int offset) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return "line " + line + ", col " + column + " of the query";
  }

  /** The template with every placeholder as {@link #CHECK_RANGE}, remembering where each one was. */
  private record Rendered(String template, String text, List<int[]> replacements) {
    /** The parser's message with its position moved back into the template as written. */
    String message(LogqlParseException e) {
      if (e.line() == 0 && e.column() == 0) {
        return e.getMessage();
      }
      int offset = offsetOf(text, e.line(), e.column());
      int shift = 0;
      for (int[] replacement : replacements) {
        // replacement: {rendered start, template length}
        if (replacement[0] + CHECK_RANGE.length() <= offset) {
          shift += replacement[1] - CHECK_RANGE.length();
        } else if (replacement[0] <= offset) {
          offset = replacement[0];
        }
      }
      int templateOffset = Math.min(offset + shift, template.length());
      int line = 1;
      int column = 1;
      for (int i = 0; i < templateOffset; i++) {
        if (template.charAt(i) == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      return "parse error at line " + line + ", col " + column + ": " + e.reason();
    }
  }

  private static int offsetOf(String text, int line, int column) {
    int offset = 0;
    for (int currentLine = 1; currentLine < line && offset < text.length(); offset++) {
      if (text.charAt(offset) == '\n') {
        currentLine++;
      }
    }
    return Math.min(text.length(), offset + column - 1);
  }

  private static Rendered render(String template) {
    StringBuilder text = new StringBuilder();
    List<int[]> replacements = new ArrayList<>();
    Matcher matcher = PLACEHOLDER.matcher(template);
    int last = 0;
    while (matcher.find()) {
      text.append(template, last, matcher.start());
      replacements.add(new int[] {text.length(), matcher.end() - matcher.start()});
      text.append(CHECK_RANGE);
      last = matcher.end();
    }
    text.append(template, last, template.length());
    return new Rendered(template, text.toString(), replacements);
  }
}
