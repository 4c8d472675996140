package dev.tonari.slo.report;

import dev.tonari.slo.source.ErrorPatterns.ErrorPattern;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The weekly SLO report of one tenant ({@code tonari slo report}, {@code GET
 * /tonari/api/v1/slo_report}): per SLO what the week did to its budget, and for log-based SLIs the
 * error line patterns that spent it.
 *
 * @param week the ISO week, {@code YYYY-Www}
 * @param from Monday 00:00 UTC
 * @param to the next Monday 00:00 UTC (or now, for the current week)
 */
public record WeeklyReport(String tenant, String week, Instant from, Instant to, List<Entry> slos) {

  /**
   * One SLO's week.
   *
   * @param sliOfWeek the SLI over the week alone
   * @param budgetAtStart budget left of the SLO window ending at the week's start
   * @param budgetAtEnd budget left of the SLO window ending at the week's end
   * @param worstBurnRate the highest one-hour burn rate in the week, and when that hour ended
   * @param alertsRaised how many times each severity's burn-rate conditions started firing in the week
   * @param policyAtEnd the budget policy state at the week's end
   * @param errorPatterns the most common patterns of the error lines in the week (log SLIs only)
   * @param errorPatternsNote why there are no patterns, when there are none
   */
  public record Entry(String id, String service, String name, double objectivePercent, String window, OptionalDouble sliOfWeek,
      double badEvents, double totalEvents, OptionalDouble budgetAtStart, OptionalDouble budgetAtEnd, OptionalDouble worstBurnRate,
      Optional<Instant> worstBurnAt, Map<String, Integer> alertsRaised, String policyAtEnd, List<ErrorPattern> errorPatterns,
      Optional<String> errorPatternsNote) {}
}
