package dev.tonari.slo.budget;

import dev.tonari.slo.model.TimeWindow;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/**
 * A window of whole UTC minutes {@code [startMinute, endMinute)} in epoch minutes (minute m covers
 * {@code [m*60s, (m+1)*60s)}), and the rules that place an SLO's window at an instant: the rolling
 * window ending at the current minute, or the calendar period holding it in the SLO's time zone.
 * Everything the budget maths and the reports do with time goes through here, so that alignment
 * and DST are decided once (docs/slo-maths.md, "Windows").
 *
 * <p>The current minute is never counted: at 12:34:56 the newest minute is 12:33, because minute
 * 12:34 is still filling and its rollup is evaluated once it has ended. Hence the {@code asOfMinute}
 * of every method below is exclusive: data before it counts.
 */
public record WindowBounds(long startMinute, long endMinute) {
  /** 1970-01-05 is a Monday: epoch day 4 starts ISO week number 0 of this class's numbering. */
  private static final long FIRST_MONDAY_EPOCH_DAY = 4;

  public WindowBounds {
    if (endMinute < startMinute) {
      throw new IllegalArgumentException("window ends before it starts: [" + startMinute + ", " + endMinute + ")");
    }
  }

  public long lengthMinutes() {
    return endMinute - startMinute;
  }

  public Duration length() {
    return Duration.ofMinutes(lengthMinutes());
  }

  public Instant start() {
    return instantOf(startMinute);
  }

  public Instant end() {
    return instantOf(endMinute);
  }

  public boolean contains(long minute) {
    return minute >= startMinute && minute < endMinute;
  }

  /** The epoch minute holding {@code instant} (rounded down). */
  public static long minuteOf(Instant instant) {
    return Math.floorDiv(instant.getEpochSecond(), 60);
  }

  public static Instant instantOf(long minute) {
    return Instant.ofEpochSecond(minute * 60);
  }

  /** The SLO's window at {@code now}: {@link #endingAt} the minute holding {@code now}. */
  public static WindowBounds current(TimeWindow window, Instant now) {
    return endingAt(window, minuteOf(now));
  }

  /**
   * The window whose figures hold when the data before {@code asOfMinute} is in. Rolling: the last
   * {@code duration} before it, {@code [asOf - duration, asOf)}. Calendar: the whole period holding
   * the instant {@code asOfMinute} (its end may be in the future; only minutes before asOf have
   * data). At a period's first minute the period has no counted minute yet.
   */
  public static WindowBounds endingAt(TimeWindow window, long asOfMinute) {
    return switch (window) {
      case TimeWindow.Rolling rolling -> new WindowBounds(asOfMinute - rolling.duration().toMinutes(), asOfMinute);
      case TimeWindow.Calendar calendar -> periodContaining(calendar, instantOf(asOfMinute));
    };
  }

  /**
   * The calendar period holding {@code instant}. Periods begin at local midnight in the window's
   * zone at the natural boundary of the unit (a day; Monday of an ISO week; the 1st of a month; the
   * 1st of January, April, July or October; the 1st of January), and run for {@code count} units;
   * the groups of {@code count} are aligned so that one begins at the unit holding
   * {@code startTime} (its time of day is ignored). A day on which clocks change is 23 or 25 hours
   * long, and so is every week, month, quarter or year holding one; a zone that skips midnight
   * starts the day at its first valid instant. A boundary that is not a whole UTC minute (only in
   * historical local mean time offsets) is rounded down.
   */
  public static WindowBounds periodContaining(TimeWindow.Calendar calendar, Instant instant) {
    ZoneId zone = calendar.zone();
    long anchor = unitIndex(calendar.unit(), calendar.startTime().atZone(zone).toLocalDate());
    long unit = unitIndex(calendar.unit(), instant.atZone(zone).toLocalDate());
    long first = anchor + Math.floorDiv(unit - anchor, calendar.count()) * calendar.count();
    return new WindowBounds(localMidnight(unitStart(calendar.unit(), first), zone), localMidnight(unitStart(calendar.unit(), first + calendar.count()), zone));
  }

  /**
   * The window before {@code bounds}: the preceding {@code duration} of a rolling window, or the
   * preceding calendar period (for last month's figure in a report).
   */
  public static WindowBounds previous(TimeWindow window, WindowBounds bounds) {
    return switch (window) {
      case TimeWindow.Rolling rolling -> new WindowBounds(bounds.startMinute - rolling.duration().toMinutes(), bounds.startMinute);
      case TimeWindow.Calendar calendar -> periodContaining(calendar, instantOf(bounds.startMinute - 1));
    };
  }

  /**
   * The window that begins at {@code start}: {@code [start, start + duration)} for a rolling window
   * (rounded down to the minute), the calendar period holding {@code start} for a calendar one.
   */
  public static WindowBounds periodStarting(TimeWindow window, Instant start) {
    return switch (window) {
      case TimeWindow.Rolling rolling -> new WindowBounds(minuteOf(start), minuteOf(start) + rolling.duration().toMinutes());
      case TimeWindow.Calendar calendar -> periodContaining(calendar, start);
    };
  }

  /** The ISO week holding {@code instant} in {@code zone}: {@code [Monday 00:00, next Monday 00:00)}. */
  public static WindowBounds isoWeek(Instant instant, ZoneId zone) {
    LocalDate monday = instant.atZone(zone).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    return new WindowBounds(localMidnight(monday, zone), localMidnight(monday.plusWeeks(1), zone));
  }

  /** ISO week {@code week} of the week-based year {@code weekBasedYear} ({@code 2025-W03}) in {@code zone}. */
  public static WindowBounds isoWeek(int weekBasedYear, int week, ZoneId zone) {
    LocalDate someDay = LocalDate.of(weekBasedYear, 6, 1).with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, week);
    if (someDay.get(IsoFields.WEEK_BASED_YEAR) != weekBasedYear) {
      throw new IllegalArgumentException("week-based year " + weekBasedYear + " has no week " + week);
    }
    LocalDate monday = someDay.with(DayOfWeek.MONDAY);
    return new WindowBounds(localMidnight(monday, zone), localMidnight(monday.plusWeeks(1), zone));
  }

  /** Parses {@code YYYY-Www} ({@code 2025-W03}), the form of {@code tonari slo report --week}. */
  public static WindowBounds isoWeek(String yearAndWeek, ZoneId zone) {
    com.google.re2j.Matcher matcher = com.google.re2j.Pattern.compile("(\\d{4})-W(\\d{2})").matcher(yearAndWeek);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("a week is written YYYY-Www (for example 2025-W03), got " + yearAndWeek);
    }
    return isoWeek(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)), zone);
  }

  private static long localMidnight(LocalDate date, ZoneId zone) {
    return minuteOf(date.atStartOfDay(zone).toInstant());
  }

  /** Numbers the units of a kind consecutively, so that groups of {@code count} are a division. */
  private static long unitIndex(TimeWindow.CalendarUnit unit, LocalDate date) {
    return switch (unit) {
      case DAY -> date.toEpochDay();
      case WEEK -> Math.floorDiv(date.toEpochDay() - FIRST_MONDAY_EPOCH_DAY, 7);
      case MONTH -> date.getYear() * 12L + date.getMonthValue() - 1;
      case QUARTER -> date.getYear() * 4L + (date.getMonthValue() - 1) / 3;
      case YEAR -> date.getYear();
    };
  }

  private static LocalDate unitStart(TimeWindow.CalendarUnit unit, long index) {
    return switch (unit) {
      case DAY -> LocalDate.ofEpochDay(index);
      case WEEK -> LocalDate.ofEpochDay(index * 7 + FIRST_MONDAY_EPOCH_DAY);
      case MONTH -> LocalDate.of(Math.toIntExact(Math.floorDiv(index, 12)), (int) Math.floorMod(index, 12) + 1, 1);
      case QUARTER -> LocalDate.of(Math.toIntExact(Math.floorDiv(index, 4)), (int) Math.floorMod(index, 4) * 3 + 1, 1);
      case YEAR -> LocalDate.of(Math.toIntExact(index), 1, 1);
    };
  }
}
