package dev.tonari.slo.engine;

import dev.tonari.slo.model.SloSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the API, the CLI and {@code /metrics} show of one SLO now: the spec, the current window's
 * figures, the budget policy, the burn-rate conditions, and the state of its evaluation. A
 * {@code group_by} SLO has one {@link GroupView} per group and its own figures are those of all
 * groups together.
 *
 * @param spec the spec as parsed
 * @param tenant the owning tenant
 * @param overall the figures over all groups
 * @param groups one entry per group of a {@code group_by} SLO (sorted by budget left); empty otherwise
 * @param evaluation how far evaluation and backfill have come, and the last error
 */
public record SloView(SloSpec spec, String tenant, Figures overall, List<GroupView> groups, Evaluation evaluation) {

  /** The figures of one series (the whole SLO, or one group) over the current window. */
  public record Figures(
      Instant windowStart,
      Instant windowEnd,
      OptionalDouble sli,
      double goodEvents,
      double badEvents,
      double totalEvents,
      String eventUnit,
      OptionalDouble consumed,
      OptionalDouble remaining,
      Map<String, OptionalDouble> errorRatioByWindow,
      Map<String, OptionalDouble> burnRateByWindow,
      OptionalDouble periodBurnRate,
      Optional<Duration> timeToExhaustion,
      Policy policy,
      List<Condition> conditions) {

    /** Whether the window has any event; without, every ratio is "no data". */
    public boolean hasData() {
      return sli.isPresent();
    }
  }

  /** One group of a {@code group_by} SLO: its label values and figures. */
  public record GroupView(Map<String, String> labels, Figures figures) {}

  /** The error-budget policy state and since when it holds. */
  public record Policy(String state, Optional<Instant> since, String meaning) {}

  /** One burn-rate condition now. */
  public record Condition(String name, String severity, String state, Optional<Instant> since, Duration longWindow, Duration shortWindow,
      double factor, OptionalDouble longBurnRate, OptionalDouble shortBurnRate, Duration alertAfter) {}

  /**
   * @param lastEvaluatedMinute the newest minute evaluated (epoch minute), empty before the first
   * @param backfillProgress 1 when the history is rebuilt; below 1 while a backfill runs
   * @param lastError the last evaluation failure (Prometheus down, a query refused), empty when the last run succeeded
   */
  public record Evaluation(Optional<Instant> lastEvaluation, double backfillProgress, Optional<String> lastError) {}
}
