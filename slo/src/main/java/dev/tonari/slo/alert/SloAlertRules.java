package dev.tonari.slo.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.tonari.slo.model.Alerting;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.SloSpec;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alerting rules Sloth would generate for an SLO, as data (for the ruler to load) and as a
 * Prometheus rule file (for teams who run the alerts in their own Prometheus from Tonari's
 * /metrics). Same group name ({@code sloth-slo-alerts-<id>}), alert name ({@code alerting.name}),
 * labels ({@code sloth_severity} plus the spec's), default annotations and expression: per severity,
 * one rule whose expression ORs its tiers, each tier
 * {@code short > factor x budget and ignoring (sloth_window) long > factor x budget} over the
 * {@code slo:sli_error:ratio_rate<window>} series selected by {@code sloth_id}, {@code sloth_service}
 * and {@code sloth_slo}.
 *
 * <p>The rule labels do not repeat {@code sloth_id}, {@code sloth_service}, {@code sloth_slo},
 * {@code tenant} or the group labels: as in Sloth, the alert takes them from the series the
 * expression yields, which is also what makes a {@code group_by} SLO raise one alert per group.
 *
 * <p>Tiers of one severity with different {@code alertAfter} cannot share one rule (a rule has one
 * {@code for}), so they get one rule per distinct {@code alertAfter}, in tier order, each labelled
 * {@value #TIERS_LABEL} with its tier names so that the rules stay distinct (promtool refuses two
 * rules with the same alert name and labels). Sloth's own specs never need this.
 */
public final class SloAlertRules {
  /** The label that tells apart the rules of one severity split by {@code alertAfter}. */
  public static final String TIERS_LABEL = "tonari_tiers";

  private static final String GROUP_PREFIX = "sloth-slo-alerts-";
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .build());

  private SloAlertRules() {}

  /** The SLO's alert rule group; empty when the spec names no alert or has no tiers (Sloth generates none then). */
  public static Optional<AlertRuleGroup> of(SloSpec spec) {
    Alerting alerting = spec.alerting();
    if (alerting.name().isEmpty() || alerting.tiers().isEmpty()) {
      return Optional.empty();
    }
    String selector = SlothConventions.promqlSelector(SlothConventions.idLabels(spec));
    String budget = SlothConventions.goFloat(SlothConventions.alertErrorBudgetRatio(spec.target()));
    Map<List<Object>, List<BurnRateTier>> tiersByRule = new LinkedHashMap<>();
    for (BurnRateTier tier : alerting.tiers()) {
      tiersByRule.computeIfAbsent(List.of(tier.severity(), tier.alertAfter()), key -> new ArrayList<>()).add(tier);
    }
    Map<String, Integer> rulesPerSeverity = new HashMap<>();
    tiersByRule.keySet().forEach(key -> rulesPerSeverity.merge((String) key.get(0), 1, Integer::sum));
    List<AlertRule> rules = new ArrayList<>(tiersByRule.size());
    for (List<BurnRateTier> tiers : tiersByRule.values()) {
      boolean split = rulesPerSeverity.get(tiers.get(0).severity()) > 1;
      rules.add(rule(alerting, tiers, selector, budget, split));
    }
    return Optional.of(new AlertRuleGroup(GROUP_PREFIX + spec.id(), rules));
  }

  /** The groups of many SLOs, skipping those without alerts. */
  public static List<AlertRuleGroup> of(List<SloSpec> specs) {
    List<AlertRuleGroup> groups = new ArrayList<>(specs.size());
    for (SloSpec spec : specs) {
      of(spec).ifPresent(groups::add);
    }
    return groups;
  }

  private static AlertRule rule(Alerting alerting, List<BurnRateTier> tiers, String selector, String budget, boolean split) {
    String severity = tiers.get(0).severity();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(SlothConventions.SEVERITY_LABEL, severity);
    labels.putAll(alerting.labels());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("title", "(" + severity + ") {{$labels." + SlothConventions.SERVICE_LABEL + "}} {{$labels." + SlothConventions.SLO_LABEL
        + "}} SLO error budget burn rate is too fast.");
    annotations.put("summary", "{{$labels." + SlothConventions.SERVICE_LABEL + "}} {{$labels." + SlothConventions.SLO_LABEL
        + "}} SLO error budget burn rate is over expected.");
    annotations.putAll(alerting.annotations());
    StringBuilder expr = new StringBuilder();
    for (BurnRateTier tier : tiers) {
      labels.putAll(tier.labels());
      annotations.putAll(tier.annotations());
      if (!expr.isEmpty()) {
        expr.append("or ignoring (").append(SlothConventions.WINDOW_LABEL).append(")\n");
      }
      String threshold = "(" + SlothConventions.goFloat(tier.factor()) + " * " + budget + ")";
      expr.append("(\n");
      expr.append("    (").append(SlothConventions.sliErrorMetric(tier.shortWindow())).append(selector).append(" > ").append(threshold).append(")\n");
      expr.append("    and ignoring (").append(SlothConventions.WINDOW_LABEL).append(")\n");
      expr.append("    (").append(SlothConventions.sliErrorMetric(tier.longWindow())).append(selector).append(" > ").append(threshold).append(")\n");
      expr.append(")\n");
    }
    if (split) {
      labels.put(TIERS_LABEL, String.join(",", tiers.stream().map(BurnRateTier::name).toList()));
    }
    return new AlertRule(alerting.name(), expr.toString(), tiers.get(0).alertAfter(), labels, annotations);
  }

  /**
   * A Prometheus rule file ({@code groups: [{name, rules: [{alert, expr, for, labels,
   * annotations}]}]}) that {@code promtool check rules} accepts; multi-line expressions as literal
   * blocks so the file reads like Sloth's.
   */
  public static String toYaml(List<AlertRuleGroup> groups) {
    List<Map<String, Object>> groupNodes = new ArrayList<>(groups.size());
    for (AlertRuleGroup group : groups) {
      List<Map<String, Object>> ruleNodes = new ArrayList<>(group.rules().size());
      for (AlertRule rule : group.rules()) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("alert", rule.alert());
        node.put("expr", rule.expr());
        if (!rule.forDuration().isZero()) {
          node.put("for", SlothConventions.promDuration(rule.forDuration()));
        }
        if (!rule.labels().isEmpty()) {
          node.put("labels", rule.labels());
        }
        if (!rule.annotations().isEmpty()) {
          node.put("annotations", rule.annotations());
        }
        ruleNodes.add(node);
      }
      Map<String, Object> groupNode = new LinkedHashMap<>();
      groupNode.put("name", group.name());
      groupNode.put("rules", ruleNodes);
      groupNodes.add(groupNode);
    }
    try {
      return YAML.writeValueAsString(Map.of("groups", groupNodes));
    } catch (JsonProcessingException e) {
      // Only maps, lists and strings are written: a failure here is a bug, not bad input.
      throw new UncheckedIOException("could not write alert rules as YAML", e);
    }
  }
}
