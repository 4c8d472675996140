package dev.tonari.rules.file;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RecordingRule;
import dev.tonari.rules.model.Rule;
import dev.tonari.tenancy.config.YamlTree.Entry;
import dev.tonari.tenancy.config.YamlTree.Mapping;
import dev.tonari.tenancy.config.YamlTree.Node;
import dev.tonari.tenancy.config.YamlTree.Position;
import dev.tonari.tenancy.config.YamlTree.Scalar;
import dev.tonari.tenancy.config.YamlTree.ScalarKind;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import com.google.re2j.Pattern;

/**
 * Reads one rule mapping with Prometheus' {@code rulefmt} checks (in its words where it has
 * them): exactly one of {@code alert} and {@code record}; {@code expr} set and here a LogQL
 * metric query; {@code record} a metric name; label and annotation names valid; {@code for},
 * {@code keep_firing_for} and annotations on alerting rules only; an alerting rule's label and
 * annotation values valid Go templates.
 */
final class RuleReader {
  static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private RuleReader() {}

  /** @return empty when the rule has a problem (reported) */
  static Optional<Rule> read(ParseRun run, Mapping mapping, String groupContext, int index) {
    int before = run.problemCount();
    String where = groupContext + ", rules[" + index + "]";
    run.checkKeys(mapping, RuleKeys.RULE, "in " + where);
    Optional<String> alert = ParseRun.value(mapping, "alert").flatMap(node -> run.text(node, where + ": alert"));
    Optional<String> record = ParseRun.value(mapping, "record").flatMap(node -> run.text(node, where + ": record"));
    String context = groupContext + ", rule '" + alert.or(() -> record).orElse("rules[" + index + "]") + "'";
    if (alert.isPresent() && record.isPresent()) {
      run.report(mapping.entries().get("record").keyPosition(), context + ": only one of 'record' and 'alert' must be set");
    } else if (alert.isEmpty() && record.isEmpty() && !mapping.entries().containsKey("alert") && !mapping.entries().containsKey("record")) {
      run.report(mapping.position(), context + ": one of 'record' or 'alert' must be set");
    }
    alert.filter(String::isBlank).ifPresent(blank -> run.report(ParseRun.value(mapping, "alert").orElseThrow().position(),
        context + ": the alert name must not be empty"));
    record.filter(name -> !METRIC_NAME.matcher(name).matches()).ifPresent(name -> run.report(ParseRun.value(mapping, "record").orElseThrow().position(),
        context + ": invalid recording rule name: " + name + " (a metric name: [a-zA-Z_:][a-zA-Z0-9_:]*)"));
    Optional<String> expr = expr(run, mapping, context);
    boolean alerting = alert.isPresent() || (record.isEmpty() && mapping.entries().containsKey("alert"));
    Duration forDuration = ParseRun.value(mapping, "for").flatMap(node -> run.duration(node, context + ": for")).orElse(Duration.ZERO);
    Duration keepFiringFor = ParseRun.value(mapping, "keep_firing_for").flatMap(node -> run.duration(node, context + ": keep_firing_for"))
        .orElse(Duration.ZERO);
    if (!alerting) {
      for (String key : new String[] {"for", "keep_firing_for", "annotations"}) {
        Entry entry = mapping.entries().get(key);
        if (entry != null) {
          run.report(entry.keyPosition(), context + ": invalid field '" + key + "' in recording rule (only alerting rules have it)");
        }
      }
    }
    String templateName = "__alert_" + alert.orElse("");
    Map<String, String> labels = ParseRun.value(mapping, "labels")
        .map(node -> names(run, node, context + ": labels", "label", alerting ? Optional.of(templateName) : Optional.empty()))
        .orElse(Map.of());
    Map<String, String> annotations = alerting
        ? ParseRun.value(mapping, "annotations").map(node -> names(run, node, context + ": annotations", "annotation", Optional.of(templateName)))
            .orElse(Map.of())
        : Map.of();
    if (run.problemCount() > before || expr.isEmpty()) {
      return Optional.empty();
    }
    if (alert.isPresent()) {
      return Optional.of(new AlertingRule(alert.get(), expr.get(), forDuration, keepFiringFor, labels, annotations));
    }
    return record.map(name -> new RecordingRule(name, expr.get(), labels));
  }

  private static Optional<String> expr(ParseRun run, Mapping mapping, String context) {
    Entry entry = mapping.entries().get("expr");
    if (entry == null || ParseRun.isNull(entry.value())) {
      run.report(entry == null ? mapping.position() : entry.keyPosition(), context + ": field 'expr' must be set in rule");
      return Optional.empty();
    }
    Optional<String> text = run.text(entry.value(), context + ": expr");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (text.get().isBlank()) {
      run.report(entry.value().position(), context + ": field 'expr' must be set in rule");
      return Optional.empty();
    }
    try {
      LogqlParser.parseSampleExpr(text.get());
      return text;
    } catch (LogqlParseException e) {
      Scalar scalar = (Scalar) entry.value();
      Optional<Position> exact = ExprPositions.locate(run.lines(), scalar, text.get(), e);
      String why = exact.isPresent() ? e.reason() : e.getMessage();
      run.report(exact.orElse(scalar.position()), context + ": expr is not a valid LogQL metric query: " + why);
      return Optional.empty();
    }
  }

  /**
   * A mapping of label or annotation names to values; null values are empty strings. With a
   * template name, each value must be a valid template.
   */
  private static Map<String, String> names(ParseRun run, Node node, String where, String kind, Optional<String> templateName) {
    Optional<Mapping> mapping = run.mapping(node, where, "a mapping from " + kind + " name to value");
    if (mapping.isEmpty()) {
      return Map.of();
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Entry entry : mapping.get().entries().values()) {
      if (!LABEL_NAME.matcher(entry.key()).matches() || (kind.equals("label") && entry.key().equals("__name__"))) {
        run.report(entry.keyPosition(), where + ": invalid " + kind + " name: " + entry.key() + " (a name: [a-zA-Z_][a-zA-Z0-9_]*)");
        continue;
      }
      Node value = entry.value();
      if (value instanceof Scalar scalar && scalar.kind() == ScalarKind.NULL) {
        values.put(entry.key(), "");
        continue;
      }
      Optional<String> text = run.text(value, where + "." + entry.key());
      if (text.isEmpty()) {
        continue;
      }
      Optional<String> problem = templateName.flatMap(name -> dev.tonari.rules.eval.AlertTemplates.problem(name, text.get()));
      if (problem.isPresent()) {
        run.report(value.position(), where + "." + entry.key() + ": invalid template: " + problem.get());
        continue;
      }
      values.put(entry.key(), text.get());
    }
    return values;
  }
}
