package dev.tonari.rules.eval;

import dev.tonari.query.template.Template;
import dev.tonari.query.template.TemplateDialect;
import dev.tonari.query.template.TemplateExecutionException;
import dev.tonari.query.template.TemplateParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Expands the labels and annotations of alerting rules as Prometheus does. Prometheus parses
 * {@code {{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL :=
 * .ExternalURL}}{{$value := .Value}}} in front of the text; here those four are predeclared
 * variables of the template dialect (and the dot has the same four fields), and the column of
 * first-line positions in messages is shifted by the length of that prefix, so that an error
 * reads exactly as Prometheus writes it. A template that does not parse or fails while running
 * does not fail the rule: its value becomes {@code <error expanding template: ...>} with
 * Prometheus' wording.
 */
public final class AlertTemplates {
  /** What Prometheus writes in front of every alert template; only its length matters here. */
  static final String PROMETHEUS_PREFIX =
      "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

  private final TemplateDialect dialect;
  private final Object externalLabels;
  private final String externalUrl;

  AlertTemplates(Map<String, String> externalLabels, String externalUrl) {
    this.externalUrl = externalUrl;
    this.externalLabels = Template.stringMap(externalLabels);
    this.dialect = TemplateDialect.goBuiltinsWith(List.of("$labels", "$externalLabels", "$externalURL", "$value"),
        PrometheusTemplateFunctions.forExternalUrl(externalUrl), PROMETHEUS_PREFIX.length());
  }

  /**
   * Why {@code text} is not a valid alert template, in Go's words (positions within the value),
   * or empty when it is: the check of {@code tonari lint} and of the rules API, with the same
   * dialect that evaluation uses.
   */
  public static Optional<String> problem(String templateName, String text) {
    if (!text.contains("{{")) {
      return Optional.empty();
    }
    try {
      Template.parse(templateName, text, LINT.dialect);
      return Optional.empty();
    } catch (TemplateParseException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static final AlertTemplates LINT = new AlertTemplates(Map.of(), "");

  /** One rule's templates, parsed once: labels and annotations by name. */
  Compiled compile(String ruleName, Map<String, String> labels, Map<String, String> annotations) {
    String name = "__alert_" + ruleName;
    return new Compiled(parseAll(name, labels), parseAll(name, annotations));
  }

  private Map<String, Parsed> parseAll(String name, Map<String, String> texts) {
    Map<String, Parsed> parsed = new TreeMap<>();
    texts.forEach((key, text) -> parsed.put(key, parse(name, text)));
    return parsed;
  }

  private Parsed parse(String name, String text) {
    if (!text.contains("{{")) {
      return new Parsed(name, null, text, null);
    }
    try {
      return new Parsed(name, Template.parse(name, text, dialect), text, null);
    } catch (TemplateParseException e) {
      return new Parsed(name, null, text, "error parsing template " + name + ": " + e.getMessage());
    }
  }

  /** A template parsed, or the text itself when it has no action, or the parse failure. */
  private record Parsed(String name, Template template, String text, String parseError) {}

  /** The templates of one rule. */
  final class Compiled {
    private final Map<String, Parsed> labels;
    private final Map<String, Parsed> annotations;

    private Compiled(Map<String, Parsed> labels, Map<String, Parsed> annotations) {
      this.labels = labels;
      this.annotations = annotations;
    }

    /** The rule's labels expanded for one series (sorted by name). */
    Map<String, String> labels(Map<String, String> seriesLabels, double value) {
      return expandAll(labels, seriesLabels, value);
    }

    Map<String, String> annotations(Map<String, String> seriesLabels, double value) {
      return expandAll(annotations, seriesLabels, value);
    }

    private Map<String, String> expandAll(Map<String, Parsed> templates, Map<String, String> seriesLabels, double value) {
      if (templates.isEmpty()) {
        return Map.of();
      }
      Object labelMap = Template.stringMap(seriesLabels);
      Map<String, Object> dot = new LinkedHashMap<>();
      dot.put("Labels", labelMap);
      dot.put("ExternalLabels", externalLabels);
      dot.put("ExternalURL", externalUrl);
      dot.put("Value", value);
      Map<String, Object> variables = Map.of("$labels", labelMap, "$externalLabels", externalLabels, "$externalURL", externalUrl, "$value", value);
      Map<String, String> expanded = new TreeMap<>();
      templates.forEach((key, parsed) -> expanded.put(key, expand(parsed, dot, variables)));
      return expanded;
    }
  }

  private static String expand(Parsed parsed, Object dot, Map<String, Object> variables) {
    if (parsed.parseError() != null) {
      return "<error expanding template: " + parsed.parseError() + ">";
    }
    if (parsed.template() == null) {
      return parsed.text();
    }
    try {
      return parsed.template().execute(dot, variables);
    } catch (TemplateExecutionException e) {
      return "<error expanding template: error executing template " + parsed.name() + ": " + e.getMessage() + ">";
    }
  }
}
