package dev.tonari.rules.eval;

import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.Rule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.slo.alert.AlertRule;
import dev.tonari.slo.alert.AlertRuleGroup;
import dev.tonari.slo.alert.BurnRateCondition;
import dev.tonari.slo.alert.SloAlertRules;
import dev.tonari.slo.alert.SlothConventions;
import dev.tonari.slo.engine.SloService;
import dev.tonari.slo.engine.SloView;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SLO burn-rate alerts as generated rules: namespace {@value RuleNamespace#SLO_NAMESPACE}
 * (origin {@code GENERATED}), one group per SLO with Sloth's name, alert names, {@code
 * sloth_severity} labels, annotations and PromQL expression ({@link SloAlertRules}), so that the
 * rules API shows what a Prometheus running Sloth's rules would. Their expressions are not run as
 * PromQL: this source is also their evaluator, answering from the SLO rollups. For every series of
 * the SLO (the whole SLO, and each group of a {@code group_by} SLO) a rule yields a sample when
 * any of its tiers holds ({@link BurnRateCondition#evaluate}: both windows burn above the factor,
 * over the whole minutes before the evaluation's minute), labelled {@code sloth_id},
 * {@code sloth_service}, {@code sloth_slo} and the group's labels, valued at the highest
 * short-window burn rate of the tiers that hold. The ruler's own {@code for} (the tiers'
 * {@code alertAfter}), templates, sending and state then apply, so SLO alerts take the same path
 * as every other alert.
 */
public final class SloRuleSource implements EvaluatingRuleSource {
  /** What the source reads of the SLO engine. */
  public interface SloCatalog {
    /** Every tenant's SLOs now. */
    List<SloView> all();

    /** One SLO series' rollups over {@code [fromMinute, toMinute)}. */
    MinuteSeries series(String tenant, String id, Map<String, String> group, long fromMinute, long toMinute);
  }

  private final SloCatalog catalog;
  /** The tiers behind each generated rule, by tenant and expression; rebuilt at every read of the namespaces. */
  private final Map<String, Map<String, Binding>> bindings = new ConcurrentHashMap<>();
  private final InstantQuerier querier = this::evaluate;

  /** The rules of an SLO engine. */
  public static SloRuleSource over(SloService service) {
    return new SloRuleSource(new SloCatalog() {
      @Override
      public List<SloView> all() {
        return service.all();
      }

      @Override
      public MinuteSeries series(String tenant, String id, Map<String, String> group, long fromMinute, long toMinute) {
        return service.series(tenant, id, group, fromMinute, toMinute);
      }
    });
  }

  public SloRuleSource(SloCatalog catalog) {
    this.catalog = catalog;
  }

  /** One generated rule's SLO and tiers. */
  private record Binding(SloView slo, List<BurnRateTier> tiers) {}

  @Override
  public Set<String> tenants() {
    Set<String> tenants = new TreeSet<>();
    for (SloView view : catalog.all()) {
      if (SloAlertRules.of(view.spec()).isPresent()) {
        tenants.add(view.tenant());
      }
    }
    return tenants;
  }

  @Override
  public List<RuleNamespace> namespaces(String tenant) {
    List<SloView> views = catalog.all().stream().filter(view -> view.tenant().equals(tenant)).sorted((a, b) -> a.spec().id().compareTo(b.spec().id())).toList();
    List<RuleGroup> groups = new ArrayList<>();
    Map<String, Binding> byExpression = new LinkedHashMap<>();
    for (SloView view : views) {
      Optional<AlertRuleGroup> generated = SloAlertRules.of(view.spec());
      if (generated.isEmpty()) {
        continue;
      }
      List<List<BurnRateTier>> tiersByRule = tiersByRule(view.spec());
      List<AlertRule> alertRules = generated.get().rules();
      if (tiersByRule.size() != alertRules.size()) {
        throw new IllegalStateException("SLO " + view.spec().id() + " of tenant " + tenant + ": " + alertRules.size() + " generated rules for "
            + tiersByRule.size() + " tier groups");
      }
      List<Rule> rules = new ArrayList<>(alertRules.size());
      for (int i = 0; i < alertRules.size(); i++) {
        AlertRule alertRule = alertRules.get(i);
        rules.add(new AlertingRule(alertRule.alert(), alertRule.expr(), alertRule.forDuration(), Duration.ZERO, alertRule.labels(),
            alertRule.annotations()));
        byExpression.put(alertRule.expr(), new Binding(view, tiersByRule.get(i)));
      }
      groups.add(new RuleGroup(generated.get().name(), Optional.empty(), 0, rules));
    }
    if (groups.isEmpty()) {
      bindings.remove(tenant);
      return List.of();
    }
    bindings.put(tenant, byExpression);
    return List.of(new RuleNamespace(RuleNamespace.SLO_NAMESPACE, groups, RuleNamespace.Origin.GENERATED));
  }

  /** The tiers of each generated rule, in {@link SloAlertRules}' order: one rule per severity and {@code alertAfter}. */
  private static List<List<BurnRateTier>> tiersByRule(SloSpec spec) {
    Map<List<Object>, List<BurnRateTier>> byRule = new LinkedHashMap<>();
    for (BurnRateTier tier : spec.alerting().tiers()) {
      byRule.computeIfAbsent(List.of(tier.severity(), tier.alertAfter()), key -> new ArrayList<>()).add(tier);
    }
    return List.copyOf(byRule.values());
  }

  @Override
  public Optional<InstantQuerier> querierFor(String tenant, RuleNamespace namespace) {
    boolean ours = namespace.name().equals(RuleNamespace.SLO_NAMESPACE) && namespace.origin() == RuleNamespace.Origin.GENERATED;
    return ours ? Optional.of(querier) : Optional.empty();
  }

  private List<Sample> evaluate(String tenant, String expr, Instant at) throws RuleQueryException {
    Binding binding = bindings.getOrDefault(tenant, Map.of()).get(expr);
    if (binding == null) {
      throw new RuleQueryException("no SLO of tenant " + tenant + " generates this rule any more");
    }
    SloSpec spec = binding.slo().spec();
    long nowMinute = Math.floorDiv(at.getEpochSecond(), 60);
    long longest = 0;
    for (BurnRateTier tier : binding.tiers()) {
      longest = Math.max(longest, Math.max(tier.longWindow().toMinutes(), tier.shortWindow().toMinutes()));
    }
    List<Map<String, String>> seriesGroups = new ArrayList<>();
    seriesGroups.add(Map.of());
    for (SloView.GroupView group : binding.slo().groups()) {
      seriesGroups.add(group.labels());
    }
    List<Sample> samples = new ArrayList<>();
    try {
      for (Map<String, String> group : seriesGroups) {
        MinuteSeries series = catalog.series(tenant, spec.id(), group, nowMinute - longest, nowMinute);
        double highestShortBurn = Double.NaN;
        boolean holds = false;
        for (BurnRateTier tier : binding.tiers()) {
          BurnRateCondition.Evaluation evaluation = new BurnRateCondition(tier, spec.target()).evaluate(series, nowMinute);
          if (evaluation.holds()) {
            holds = true;
            highestShortBurn = Double.isNaN(highestShortBurn) ? evaluation.shortBurnRate() : Math.max(highestShortBurn, evaluation.shortBurnRate());
          }
        }
        if (holds) {
          Map<String, String> labels = new TreeMap<>(SlothConventions.idLabels(spec));
          labels.putAll(group);
          samples.add(new Sample(labels, highestShortBurn));
        }
      }
    } catch (IllegalArgumentException e) {
      throw new RuleQueryException("SLO " + spec.id() + " of tenant " + tenant + ": " + e.getMessage(), e);
    }
    return samples;
  }
}
