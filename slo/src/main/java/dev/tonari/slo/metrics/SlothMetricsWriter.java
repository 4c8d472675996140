package dev.tonari.slo.metrics;

import dev.tonari.slo.alert.ConditionState;
import dev.tonari.slo.alert.SlothConventions;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.WindowSums;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes, per SLO series, the series Sloth's recording rules would give a Prometheus, under the
 * same names and labels, so that Sloth's published Grafana dashboards work when Prometheus scrapes
 * Tonari's /metrics; and Tonari's own condition and budget-policy gauges beside them. Prometheus
 * text exposition format 0.0.4.
 *
 * <p>What Sloth's rules would record, and so what is written:
 *
 * <ul>
 *   <li>{@code slo:sli_error:ratio_rate<w>} for 5m, 30m, 1h, 2h, 6h, 1d, 3d, every tier window and
 *       the period (30d; 28 days is {@code 4w}, as Prometheus spells it), with the SLO's labels,
 *       {@code sloth_id}, {@code sloth_service}, {@code sloth_slo}, {@code sloth_window} and
 *       {@code tenant}; per group of a {@code group_by} SLO, with its group labels (as a Sloth query
 *       with {@code sum by (pod)} would record them). The period ratio is exact (bad over total
 *       events of the period), where Sloth averages its 5m ratios.
 *   <li>{@code slo:current_burn_rate:ratio} (over the first tier's short window, 5m by default) and
 *       {@code slo:period_burn_rate:ratio}, {@code slo:period_error_budget_remaining:ratio}, each
 *       with the {@code sloth_window} label its Sloth rule inherits from the ratio it divides.
 *   <li>{@code slo:objective:ratio}, {@code slo:error_budget:ratio}, {@code slo:time_period:days}
 *       and {@code sloth_slo_info}, once per SLO without group labels (Sloth's {@code vector(...)}
 *       rules have none, and dashboards join them {@code on(sloth_id, sloth_slo, sloth_service)}).
 * </ul>
 *
 * A window without events yields no sample, as a Sloth rule over no data records nothing, so a
 * dashboard shows "no data" rather than 0 % or 100 %.
 *
 * <p>Tonari's own gauges carry {@code tenant}, the Sloth id labels and the group labels (not the
 * SLO's labels; join {@code sloth_slo_info} for those): {@code tonari_slo_sli_no_data},
 * {@code tonari_slo_budget_policy_state{state}}, {@code tonari_slo_burn_rate_condition_state{tier,
 * severity, state}}, {@code tonari_slo_condition_firing{tier, severity}}, the condition's burn
 * rates, factor and since.
 */
public final class SlothMetricsWriter {
  /** The content type of the text exposition format written here. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Sloth's {@code sloth_mode} for series Tonari computes itself (Sloth's own are cli-gen-prom, ctrl-gen-k8s). */
  public static final String MODE = "tonari";

  /** The windows Sloth records for its default tiers, for every SLO whatever its tiers. */
  static final List<Duration> SLOTH_WINDOWS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
      Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(3));

  private static final Duration DEFAULT_CURRENT_WINDOW = Duration.ofMinutes(5);

  private final String version;

  /** @param version Tonari's version, exported as {@code sloth_version} on {@code sloth_slo_info} */
  public SlothMetricsWriter(String version) {
    this.version = Objects.requireNonNull(version, "version");
  }

  /** Writes every SLO's series in the text format. */
  public void write(List<SlothMetricsInput> inputs, Appendable out) throws IOException {
    for (MetricFamily family : families(inputs)) {
      out.append("# HELP ").append(family.name()).append(' ').append(escapeHelp(family.help())).append('\n');
      out.append("# TYPE ").append(family.name()).append(" gauge\n");
      StringBuilder line = new StringBuilder(256);
      for (MetricFamily.Sample sample : family.samples()) {
        line.setLength(0);
        line.append(family.name());
        if (!sample.labels().isEmpty()) {
          line.append('{');
          boolean first = true;
          for (Map.Entry<String, String> label : sample.labels().entrySet()) {
            if (!first) {
              line.append(',');
            }
            first = false;
            line.append(label.getKey()).append("=\"");
            SlothConventions.appendEscaped(line, label.getValue());
            line.append('"');
          }
          line.append('}');
        }
        line.append(' ').append(SlothConventions.goFloat(sample.value())).append('\n');
        out.append(line);
      }
    }
  }

  /** Writes every SLO's series in the text format as UTF-8; flushes, does not close {@code out}. */
  public void write(List<SlothMetricsInput> inputs, OutputStream out) throws IOException {
    Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    write(inputs, writer);
    writer.flush();
  }

  /**
   * The families with at least one sample, Sloth's first (error ratios by window length, then the
   * metadata), Tonari's after.
   *
   * @throws IllegalArgumentException when two inputs are the same series (tenant, SLO id, group)
   */
  List<MetricFamily> families(List<SlothMetricsInput> inputs) {
    Map<Duration, List<MetricFamily.Sample>> ratios = new TreeMap<>();
    Map<Duration, String> ratioNames = new TreeMap<>();
    Families families = new Families();
    Set<List<Object>> seriesSeen = new HashSet<>();
    Set<List<String>> slosSeen = new HashSet<>();
    for (SlothMetricsInput input : inputs) {
      SloSpec spec = input.spec();
      if (!seriesSeen.add(List.of(input.tenant(), spec.id(), input.group()))) {
        throw new IllegalArgumentException("SLO " + spec.id() + " of tenant " + input.tenant() + " group " + input.group()
            + " is given twice; each series must be written once");
      }
      Map<String, String> ids = new TreeMap<>(SlothConventions.idLabels(spec));
      ids.put(SlothMetricsInput.TENANT_LABEL, input.tenant());
      Map<String, String> sloLabels = new TreeMap<>(spec.labels());
      sloLabels.putAll(ids);
      Map<String, String> seriesLabels = new TreeMap<>(input.group());
      seriesLabels.putAll(sloLabels);
      Map<String, String> tonariLabels = new TreeMap<>(input.group());
      tonariLabels.putAll(ids);

      Duration period = spec.window().nominalLength();
      long now = input.nowMinute();
      WindowSums periodSums = WindowSums.of(input.series(), input.periodStartMinute(), now);
      Map<Duration, WindowSums> windows = new TreeMap<>();
      for (Duration window : windowsOf(spec)) {
        windows.put(window, WindowSums.of(input.series(), now - window.toMinutes(), now));
      }
      // The period's own ratio, unless an alert window of the same name already stands for it
      // (a 1d calendar period beside the 1d ticket window).
      windows.putIfAbsent(period, periodSums);
      for (Map.Entry<Duration, WindowSums> window : windows.entrySet()) {
        ratioNames.computeIfAbsent(window.getKey(), SlothConventions::sliErrorMetric);
        if (window.getValue().hasEvents()) {
          ratios.computeIfAbsent(window.getKey(), key -> new ArrayList<>())
              .add(sample(with(seriesLabels, SlothConventions.WINDOW_LABEL, SlothConventions.promDuration(window.getKey())),
                  window.getValue().errorRatio()));
        }
      }

      double errorBudget = SlothConventions.errorBudgetRatio(spec.target());
      Duration currentWindow = spec.alerting().tiers().stream().findFirst().map(BurnRateTier::shortWindow).orElse(DEFAULT_CURRENT_WINDOW);
      WindowSums current = windows.computeIfAbsent(currentWindow, window -> WindowSums.of(input.series(), now - window.toMinutes(), now));
      if (current.hasEvents()) {
        families.add("slo:current_burn_rate:ratio", sample(with(seriesLabels, SlothConventions.WINDOW_LABEL,
            SlothConventions.promDuration(currentWindow)), current.errorRatio() / errorBudget));
      }
      if (periodSums.hasEvents()) {
        double periodBurn = periodSums.errorRatio() / errorBudget;
        Map<String, String> periodLabels = with(seriesLabels, SlothConventions.WINDOW_LABEL, SlothConventions.promDuration(period));
        families.add("slo:period_burn_rate:ratio", sample(periodLabels, periodBurn));
        families.add("slo:period_error_budget_remaining:ratio", sample(periodLabels, 1 - periodBurn));
      }
      if (slosSeen.add(List.of(input.tenant(), spec.id()))) {
        families.add("slo:objective:ratio", sample(sloLabels, SlothConventions.objectiveRatio(spec.target())));
        families.add("slo:error_budget:ratio", sample(sloLabels, errorBudget));
        families.add("slo:time_period:days", sample(sloLabels, period.toMinutes() / 1440.0));
        Map<String, String> info = new TreeMap<>(sloLabels);
        info.put(SlothConventions.VERSION_LABEL, version);
        info.put(SlothConventions.MODE_LABEL, MODE);
        info.put(SlothConventions.SPEC_LABEL, input.specVersion());
        info.put(SlothConventions.OBJECTIVE_LABEL, SlothConventions.objectiveLabel(spec.target()));
        families.add("sloth_slo_info", sample(info, 1));
      }

      families.add("tonari_slo_sli_no_data", sample(tonariLabels, periodSums.hasEvents() ? 0 : 1));
      for (String state : SlothMetricsInput.POLICY_STATES) {
        families.add("tonari_slo_budget_policy_state", sample(with(tonariLabels, "state", state), state.equals(input.policyState()) ? 1 : 0));
      }
      for (ConditionState condition : input.conditions()) {
        Map<String, String> conditionLabels = new TreeMap<>(tonariLabels);
        conditionLabels.put("tier", condition.tierName());
        conditionLabels.put("severity", condition.severity());
        for (ConditionState.State state : ConditionState.State.values()) {
          families.add("tonari_slo_burn_rate_condition_state", sample(with(conditionLabels, "state", state.label()),
              condition.state() == state ? 1 : 0));
        }
        families.add("tonari_slo_condition_firing", sample(conditionLabels, condition.state() == ConditionState.State.FIRING ? 1 : 0));
        if (!Double.isNaN(condition.lastShortBurnRate())) {
          families.add("tonari_slo_burn_rate_condition_burn_rate", sample(with(conditionLabels, "window_kind", "short"),
              condition.lastShortBurnRate()));
        }
        if (!Double.isNaN(condition.lastLongBurnRate())) {
          families.add("tonari_slo_burn_rate_condition_burn_rate", sample(with(conditionLabels, "window_kind", "long"),
              condition.lastLongBurnRate()));
        }
        families.add("tonari_slo_burn_rate_condition_factor", sample(conditionLabels, condition.factor()));
        families.add("tonari_slo_burn_rate_condition_since_timestamp_seconds", sample(conditionLabels, condition.since().getEpochSecond()));
      }
    }

    List<MetricFamily> result = new ArrayList<>();
    for (Map.Entry<Duration, List<MetricFamily.Sample>> ratio : ratios.entrySet()) {
      result.add(new MetricFamily(ratioNames.get(ratio.getKey()), "The SLO's error ratio (bad over all events) over the last "
          + SlothConventions.promDuration(ratio.getKey()) + ", as Sloth records it.", ratio.getValue()));
    }
    for (Map.Entry<String, List<MetricFamily.Sample>> family : families.samples.entrySet()) {
      if (!family.getValue().isEmpty()) {
        result.add(new MetricFamily(family.getKey(), HELP.get(family.getKey()), family.getValue()));
      }
    }
    return result;
  }

  /** The error-ratio windows of an SLO: Sloth's seven and every tier window, shortest first. */
  static List<Duration> windowsOf(SloSpec spec) {
    Set<Duration> windows = new java.util.TreeSet<>(SLOTH_WINDOWS);
    for (BurnRateTier tier : spec.alerting().tiers()) {
      windows.add(tier.shortWindow());
      windows.add(tier.longWindow());
    }
    for (Duration window : windows) {
      if (window.toSeconds() % 60 != 0) {
        throw new IllegalArgumentException("SLO " + spec.id() + ": window " + window + " is not a whole number of minutes");
      }
    }
    return List.copyOf(windows);
  }

  private static final Map<String, String> HELP = helps();

  private static Map<String, String> helps() {
    Map<String, String> help = new LinkedHashMap<>();
    help.put("slo:current_burn_rate:ratio", "How fast the SLO spends its error budget now: the error ratio over the shortest window over the budget.");
    help.put("slo:period_burn_rate:ratio", "How fast the SLO spent its error budget over the SLO period: 1 spends exactly the budget.");
    help.put("slo:period_error_budget_remaining:ratio", "The share of the period's error budget left (1 - period burn rate); below 0 when overspent.");
    help.put("slo:objective:ratio", "The SLO's objective as a ratio (99.9 % is 0.999).");
    help.put("slo:error_budget:ratio", "The SLO's error budget as a ratio: 1 - objective.");
    help.put("slo:time_period:days", "The SLO period in days.");
    help.put("sloth_slo_info", "One per SLO: its labels, objective, spec form and the version of Tonari that computes it.");
    help.put("tonari_slo_sli_no_data", "1 when the SLO period holds no events, so its SLI and budget are unknown (\"no data\").");
    help.put("tonari_slo_budget_policy_state", "The error-budget policy state: 1 on the current state (healthy, at_risk, exhausted, no_data).");
    help.put("tonari_slo_burn_rate_condition_state", "A burn-rate condition's state: 1 on the current state (inactive, pending, firing).");
    help.put("tonari_slo_condition_firing", "1 while a burn-rate condition fires.");
    help.put("tonari_slo_burn_rate_condition_burn_rate", "A burn-rate condition's burn rate over its short and long window at its last evaluation.");
    help.put("tonari_slo_burn_rate_condition_factor", "A burn-rate condition's threshold: it holds when both its burn rates are above this.");
    help.put("tonari_slo_burn_rate_condition_since_timestamp_seconds", "When a burn-rate condition entered its current state, in Unix seconds.");
    return Collections.unmodifiableMap(help);
  }

  /** Samples per family in {@link #HELP}'s order. */
  private static final class Families {
    final Map<String, List<MetricFamily.Sample>> samples = new LinkedHashMap<>();

    Families() {
      HELP.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
    }

    void add(String name, MetricFamily.Sample sample) {
      List<MetricFamily.Sample> family = samples.get(name);
      if (family == null) {
        throw new IllegalStateException("no help for metric " + name);
      }
      family.add(sample);
    }
  }

  private static MetricFamily.Sample sample(Map<String, String> labels, double value) {
    return new MetricFamily.Sample(Collections.unmodifiableMap(new TreeMap<>(labels)), value);
  }

  private static Map<String, String> with(Map<String, String> labels, String name, String value) {
    Map<String, String> copy = new TreeMap<>(labels);
    copy.put(name, value);
    return copy;
  }

  private static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
