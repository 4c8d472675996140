package dev.tonari.slo.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One service level objective of one tenant, whatever form it was written in.
 *
 * @param id {@code <service>-<name>}, as Sloth's {@code sloth_id}; unique within a tenant
 * @param service the service the SLO belongs to (Sloth {@code service}, OpenSLO {@code spec.service})
 * @param name the SLO's name (Sloth {@code slos[].name}, OpenSLO {@code metadata.name})
 * @param description free text, may be empty
 * @param labels the spec's labels (file-level labels merged under the SLO's own), exported on metrics
 * @param indicator how good and bad events are counted
 * @param target the objective as a ratio in (0, 1]: Sloth's {@code objective} 99.9 is 0.999
 * @param window the SLO period, rolling or calendar-aligned
 * @param budgeting how the window's events turn into an SLI
 * @param timeSlices the slice settings for {@link BudgetingMethod#TIMESLICES} and
 *     {@link BudgetingMethod#RATIO_TIMESLICES}; empty for occurrences
 * @param groupBy labels to split the SLO by (the {@code group_by} extension): one SLO per value
 * @param alerting the burn-rate alerting: names, labels, annotations and the tiers
 * @param origin where the spec came from, for error messages and for "which file owns this id"
 */
public record SloSpec(
    String id,
    String service,
    String name,
    String description,
    Map<String, String> labels,
    Indicator indicator,
    double target,
    TimeWindow window,
    BudgetingMethod budgeting,
    Optional<TimeSlices> timeSlices,
    List<String> groupBy,
    Alerting alerting,
    Origin origin) {

  public SloSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(name, "name");
    description = description == null ? "" : description;
    labels = Map.copyOf(labels);
    Objects.requireNonNull(indicator, "indicator");
    if (!(target > 0 && target <= 1)) {
      throw new IllegalArgumentException("target must be in (0, 1], got " + target + " for SLO " + id);
    }
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(budgeting, "budgeting");
    Objects.requireNonNull(timeSlices, "timeSlices");
    if (budgeting != BudgetingMethod.OCCURRENCES && timeSlices.isEmpty()) {
      throw new IllegalArgumentException(budgeting + " needs timeSlices for SLO " + id);
    }
    groupBy = List.copyOf(groupBy);
    Objects.requireNonNull(alerting, "alerting");
    Objects.requireNonNull(origin, "origin");
  }

  /** Sloth's id rule: {@code <service>-<slo name>}. */
  public static String idOf(String service, String name) {
    return service + "-" + name;
  }

  /** The error budget as a ratio: {@code 1 - target}. */
  public double errorBudget() {
    return 1 - target;
  }

  /** Where a spec was read from: a file in the SLO directory, or the API. */
  public record Origin(Kind kind, String file, int line, int column) {
    public enum Kind {
      FILE,
      API
    }

    public static Origin api() {
      return new Origin(Kind.API, "api", 1, 1);
    }

    public static Origin file(String file, int line, int column) {
      return new Origin(Kind.FILE, file, line, column);
    }
  }
}
