package dev.tonari.slo.engine;

import dev.tonari.slo.budget.BudgetCalculator;
import dev.tonari.slo.budget.BudgetPolicy;
import dev.tonari.slo.budget.WeekBudget;
import dev.tonari.slo.budget.WindowBounds;
import dev.tonari.slo.model.SloDurations;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.report.WeeklyReport;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.rollup.WindowSums;
import dev.tonari.slo.source.ErrorPatterns;
import dev.tonari.slo.source.SliUnavailableException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Builds the weekly report from the rollups: everything but the error patterns comes from the
 * per-minute rollups, so a report of a past week costs no log scan; the error patterns read the
 * week's error lines of log-based SLIs (bounded, see {@link ErrorPatterns}).
 */
public final class WeeklyReports {
  /** The top patterns listed per SLO. */
  static final int TOP_PATTERNS = 5;
  /** The alert conditions are replayed over the week on this grid (the scheduler evaluates every minute; 5 is exact enough for counts). */
  static final int REPLAY_STEP_MINUTES = 5;

  private WeeklyReports() {}

  /** Reads a series of rollups: {@code (tenant, id, group, fromMinute, toMinute)}. */
  @FunctionalInterface
  interface SeriesReader {
    MinuteSeries read(String tenant, String id, Map<String, String> group, long fromMinute, long toMinute);
  }

  /** Where the error patterns come from; {@link #NONE} when the server has no log store to read. */
  @FunctionalInterface
  public interface ErrorPatternSource {
    ErrorPatterns.Report topPatterns(String tenant, SloSpec spec, long fromNanos, long toNanos, int top) throws SliUnavailableException;

    ErrorPatternSource NONE = (tenant, spec, from, to, top) -> new ErrorPatterns.Report(List.of(), 0, false,
        Optional.of("error patterns need the log store"));
  }

  static WeeklyReport build(String tenant, LocalDate monday, List<SloSpec> specs, SeriesReader reader, long nowMinute, double atRiskShare,
      ErrorPatternSource patterns) {
    WindowBounds week = WindowBounds.isoWeek(monday.get(IsoFields.WEEK_BASED_YEAR), monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), ZoneOffset.UTC);
    long weekEnd = Math.min(week.endMinute(), nowMinute);
    WindowBounds counted = new WindowBounds(week.startMinute(), Math.max(week.startMinute(), weekEnd));
    String label = String.format(Locale.ROOT, "%d-W%02d", monday.get(IsoFields.WEEK_BASED_YEAR), monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    List<WeeklyReport.Entry> entries = new ArrayList<>();
    for (SloSpec spec : specs) {
      long needed = SloService.historyMinutes(spec);
      MinuteSeries series = reader.read(tenant, spec.id(), Map.of(), counted.endMinute() - needed, counted.endMinute());
      WindowSums sums = WindowSums.of(series, counted.startMinute(), counted.endMinute());
      WeekBudget budget = BudgetCalculator.weekBudget(spec, series, counted);
      OptionalDouble worst = OptionalDouble.empty();
      Optional<java.time.Instant> worstAt = Optional.empty();
      // The hours of the week on a grid ending at its last counted minute, so the newest hour is always among them.
      for (long minute = counted.endMinute(); minute >= counted.startMinute() + 60; minute -= REPLAY_STEP_MINUTES) {
        OptionalDouble burn = BudgetCalculator.burnRate(spec, series, minute, Duration.ofHours(1));
        if (burn.isPresent() && (worst.isEmpty() || burn.getAsDouble() >= worst.getAsDouble())) {
          worst = burn;
          worstAt = Optional.of(WindowBounds.instantOf(minute));
        }
      }
      Map<String, Integer> alerts = ConditionTracker.firingsOver(spec, series, counted.startMinute(), counted.endMinute(), REPLAY_STEP_MINUTES);
      String policy = new BudgetPolicy(atRiskShare, SloFigures.POLICY_STEP_MINUTES).stateOf(budget.remainingAtEnd()).wireName();
      List<ErrorPatterns.ErrorPattern> top = List.of();
      Optional<String> note = Optional.empty();
      if (sums.bad() > 0) {
        try {
          ErrorPatterns.Report report = patterns.topPatterns(tenant, spec, WindowBounds.instantOf(counted.startMinute()).toEpochMilli() * 1_000_000L,
              WindowBounds.instantOf(counted.endMinute()).toEpochMilli() * 1_000_000L, TOP_PATTERNS);
          top = report.patterns();
          note = report.notApplicable();
        } catch (SliUnavailableException e) {
          note = Optional.of("error patterns unavailable: " + e.getMessage());
        }
      } else {
        note = Optional.of("no errors in the week");
      }
      entries.add(new WeeklyReport.Entry(spec.id(), spec.service(), spec.name(), spec.target() * 100, windowText(spec.window()),
          sums.hasEvents() ? OptionalDouble.of(1 - sums.errorRatio()) : OptionalDouble.empty(), sums.bad(), sums.total(), budget.remainingAtStart(),
          budget.remainingAtEnd(), worst, worstAt, alerts, policy, top, note));
    }
    return new WeeklyReport(tenant, label, counted.start(), WindowBounds.instantOf(week.endMinute()), entries);
  }

  static String windowText(TimeWindow window) {
    return switch (window) {
      case TimeWindow.Rolling rolling -> SloDurations.format(rolling.duration()) + " rolling";
      case TimeWindow.Calendar calendar -> calendar.count() + " " + calendar.unit().name().toLowerCase(Locale.ROOT) + " calendar ("
          + calendar.zone().getId() + ")";
    };
  }
}
