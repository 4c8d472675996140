package dev.tonari.slo.metrics;

import dev.tonari.slo.budget.WindowBounds;
import dev.tonari.slo.alert.ConditionState;
import dev.tonari.slo.alert.SlothConventions;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.rollup.MinuteSeries;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import com.google.re2j.Pattern;

/**
 * What /metrics shows for one SLO series (an SLO, or one group of a {@code group_by} SLO) at one
 * minute. Validated here, when it is built, so that one SLO with a label Prometheus cannot carry is
 * refused with its tenant and id before a scrape, and never breaks the scrape of every other SLO.
 *
 * @param tenant the SLO's tenant (the {@code tenant} label)
 * @param spec the SLO
 * @param group the values of the spec's {@code group_by} labels; empty without {@code group_by}
 * @param series the SLO series' minutes, covering the SLO period and at least 3 days before now
 * @param nowMinute the epoch minute now in progress; every window covers the whole minutes before it
 * @param periodStartMinute the first minute of the SLO period that is current at {@code nowMinute}
 * @param conditions the burn-rate condition states of this series (from the last step)
 * @param policyState the error-budget policy state: one of {@link #POLICY_STATES}
 * @param specVersion the spec form, Sloth's {@code sloth_spec}: {@code prometheus/v1} or {@code openslo/v1}
 */
public record SlothMetricsInput(String tenant, SloSpec spec, Map<String, String> group, MinuteSeries series, long nowMinute,
    long periodStartMinute, List<ConditionState> conditions, String policyState, String specVersion) {

  /** The budget policy's states, in the order /metrics lists them. */
  public static final List<String> POLICY_STATES = List.of("healthy", "at_risk", "exhausted", "no_data");

  /** The label Tonari adds to every SLO series. */
  public static final String TENANT_LABEL = "tenant";

  /** Labels the writer sets on Sloth's series; an SLO's own labels must not use them. */
  static final Set<String> RESERVED_LABELS = Set.of(TENANT_LABEL, SlothConventions.ID_LABEL, SlothConventions.SERVICE_LABEL,
      SlothConventions.SLO_LABEL, SlothConventions.WINDOW_LABEL, SlothConventions.SEVERITY_LABEL, SlothConventions.VERSION_LABEL,
      SlothConventions.MODE_LABEL, SlothConventions.SPEC_LABEL, SlothConventions.OBJECTIVE_LABEL);

  /**
   * Labels of Tonari's own condition and policy series. Those series carry the group labels but
   * not the SLO's own labels (join {@code sloth_slo_info} for those), so an SLO may well have a
   * label {@code tier}, as Sloth's getting-started example does; a group label may not.
   */
  static final Set<String> TONARI_LABELS = Set.of("tier", "severity", "state", "window_kind");

  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  public SlothMetricsInput {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(policyState, "policyState");
    Objects.requireNonNull(specVersion, "specVersion");
    group = Collections.unmodifiableMap(new TreeMap<>(group));
    conditions = List.copyOf(conditions);
    String where = "SLO " + spec.id() + " of tenant " + tenant;
    if (!POLICY_STATES.contains(policyState)) {
      throw new IllegalArgumentException(where + ": unknown budget policy state " + policyState + ", expected one of " + POLICY_STATES);
    }
    if (periodStartMinute > nowMinute) {
      throw new IllegalArgumentException(where + ": the period starts at minute " + periodStartMinute + ", after now " + nowMinute);
    }
    for (String name : spec.labels().keySet()) {
      checkLabel(where, "label", name);
      if (group.containsKey(name)) {
        throw new IllegalArgumentException(where + ": group label " + name + " is also one of the SLO's labels");
      }
    }
    for (String name : group.keySet()) {
      checkLabel(where, "group label", name);
      if (TONARI_LABELS.contains(name)) {
        throw new IllegalArgumentException(where + ": group label " + name + " is set by Tonari on the SLO's condition metrics; rename it");
      }
    }
  }

  /**
   * An input whose period is the spec's window as it stands at {@code nowMinute}: the last
   * {@code duration} for a rolling window, and for a calendar window the period that holds now
   * (periods of {@code count} units from {@code startTime} in the window's zone).
   */
  public static SlothMetricsInput of(String tenant, SloSpec spec, Map<String, String> group, MinuteSeries series, long nowMinute,
      List<ConditionState> conditions, String policyState, String specVersion) {
    return new SlothMetricsInput(tenant, spec, group, series, nowMinute, periodStart(spec.window(), nowMinute), conditions, policyState,
        specVersion);
  }

  /**
   * The first minute of the period of {@code window} that holds {@code nowMinute}: the budget
   * maths' own window placement ({@link WindowBounds#endingAt}), so /metrics and the API agree.
   */
  static long periodStart(TimeWindow window, long nowMinute) {
    return WindowBounds.endingAt(window, nowMinute).startMinute();
  }

  private static void checkLabel(String where, String kind, String name) {
    if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
      throw new IllegalArgumentException(where + ": " + kind + " " + name + " is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading __)");
    }
    if (RESERVED_LABELS.contains(name)) {
      throw new IllegalArgumentException(where + ": " + kind + " " + name + " is set by Tonari on the SLO's metrics; rename it");
    }
  }
}
