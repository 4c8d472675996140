package dev.tonari.rules.file;

import dev.tonari.query.template.Template;
import dev.tonari.query.template.TemplateParseException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that an alerting rule's label or annotation value is a Go template, as Prometheus
 * expands them: with {@code $labels}, {@code $externalLabels}, {@code $externalURL} and
 * {@code $value} declared before the text (Prometheus prepends the same declarations, on the
 * same line, so Go's line numbers stay those of the value).
 *
 * <p>The query module's engine has Loki's {@code line_format} functions; Prometheus' own
 * ({@code humanize}, {@code query}, {@code reReplaceAll}...) are being added to it. Until they
 * are, a value whose only fault is calling one of them gets the lighter check that every
 * {@code {{} is closed, so that valid rules are not refused.
 */
final class AlertTemplates {
  private static final String DECLARATIONS =
      "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

  /** Prometheus' template functions (and Go's built-ins), which a rule may call. */
  static final Set<String> PROMETHEUS_FUNCTIONS = Set.of("humanize", "humanize1024", "humanizeDuration", "humanizePercentage",
      "humanizeTimestamp", "toTime", "toDuration", "query", "first", "label", "value", "strvalue", "sortByLabel", "args", "reReplaceAll",
      "safeHtml", "match", "title", "toUpper", "toLower", "graphLink", "tableLink", "stripPort", "stripDomain", "pathPrefix",
      "externalURL", "parseDuration", "now", "urlQueryEscape", "and", "or", "not", "len", "index", "slice", "print", "printf", "println",
      "eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery", "call");

  private static final Pattern UNKNOWN_FUNCTION = Pattern.compile("function \"([^\"]+)\" not defined");

  private AlertTemplates() {}

  /** Why {@code text} is not a valid template, in Go's words, or empty when it is. */
  static Optional<String> problem(String templateName, String text) {
    if (!text.contains("{{")) {
      return Optional.empty();
    }
    try {
      Template.parse(templateName, DECLARATIONS + text);
      return Optional.empty();
    } catch (TemplateParseException e) {
      Matcher unknown = UNKNOWN_FUNCTION.matcher(e.getMessage());
      if (unknown.find() && PROMETHEUS_FUNCTIONS.contains(unknown.group(1))) {
        return unclosedAction(templateName, text);
      }
      return Optional.of(e.getMessage());
    }
  }

  /** The lighter check: every {@code {{} has its {@code }}} before the next {@code {{}. */
  static Optional<String> unclosedAction(String templateName, String text) {
    int position = 0;
    while (true) {
      int open = text.indexOf("{{", position);
      if (open < 0) {
        return Optional.empty();
      }
      int close = text.indexOf("}}", open + 2);
      int nextOpen = text.indexOf("{{", open + 2);
      if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
        int line = 1 + (int) text.substring(0, open).chars().filter(c -> c == '\n').count();
        return Optional.of("template: " + templateName + ":" + line + ": unclosed action");
      }
      position = close + 2;
    }
  }
}
