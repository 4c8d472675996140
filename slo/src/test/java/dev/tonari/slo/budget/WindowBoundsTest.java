package dev.tonari.slo.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.model.TimeWindow.CalendarUnit;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class WindowBoundsTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static TimeWindow.Calendar calendar(CalendarUnit unit, int count, String startTime, ZoneId zone) {
    return new TimeWindow.Calendar(unit, count, Instant.parse(startTime), zone);
  }

  private static Instant local(String dateTime, ZoneId zone) {
    return ZonedDateTime.of(java.time.LocalDateTime.parse(dateTime), zone).toInstant();
  }

  private static void assertWindow(WindowBounds bounds, Instant start, Instant end) {
    assertThat(bounds.start()).isEqualTo(start);
    assertThat(bounds.end()).isEqualTo(end);
  }

  @Test
  void aRollingWindowEndsBeforeTheCurrentPartialMinute() {
    Instant now = Instant.parse("2024-03-10T12:34:56Z");
    for (int days : new int[] {7, 28, 30}) {
      WindowBounds bounds = WindowBounds.current(new TimeWindow.Rolling(Duration.ofDays(days)), now);
      assertWindow(bounds, Instant.parse("2024-03-10T12:34:00Z").minus(Duration.ofDays(days)), Instant.parse("2024-03-10T12:34:00Z"));
      assertThat(bounds.lengthMinutes()).isEqualTo(days * 1440L);
    }
    // Exactly on a minute: that minute has not happened yet, so it is not counted.
    assertThat(WindowBounds.current(new TimeWindow.Rolling(Duration.ofDays(7)), Instant.parse("2024-03-10T12:34:00Z")).end())
        .isEqualTo(Instant.parse("2024-03-10T12:34:00Z"));
  }

  @Test
  void berlinMarchIsAnHourShortAndOctoberAnHourLong() {
    TimeWindow.Calendar month = calendar(CalendarUnit.MONTH, 1, "2024-01-01T00:00:00Z", BERLIN);
    WindowBounds march = WindowBounds.current(month, Instant.parse("2024-03-31T12:00:00Z"));
    assertWindow(march, Instant.parse("2024-02-29T23:00:00Z"), Instant.parse("2024-03-31T22:00:00Z"));
    assertThat(march.length()).isEqualTo(Duration.ofHours(31 * 24 - 1));
    WindowBounds october = WindowBounds.current(month, Instant.parse("2024-10-01T00:00:00Z"));
    assertWindow(october, Instant.parse("2024-09-30T22:00:00Z"), Instant.parse("2024-10-31T23:00:00Z"));
    assertThat(october.length()).isEqualTo(Duration.ofHours(31 * 24 + 1));
    WindowBounds changeDay = WindowBounds.current(calendar(CalendarUnit.DAY, 1, "2024-01-01T00:00:00Z", BERLIN), local("2024-03-31T12:00", BERLIN));
    assertThat(changeDay.length()).isEqualTo(Duration.ofHours(23));
  }

  @Test
  void newYorkMarchIsAnHourShortAndNovemberAnHourLong() {
    TimeWindow.Calendar month = calendar(CalendarUnit.MONTH, 1, "2024-01-01T05:00:00Z", NEW_YORK);
    WindowBounds march = WindowBounds.current(month, Instant.parse("2024-03-10T12:00:00Z"));
    assertWindow(march, Instant.parse("2024-03-01T05:00:00Z"), Instant.parse("2024-04-01T04:00:00Z"));
    assertThat(march.length()).isEqualTo(Duration.ofHours(31 * 24 - 1));
    WindowBounds november = WindowBounds.current(month, Instant.parse("2024-11-03T06:30:00Z"));
    assertWindow(november, Instant.parse("2024-11-01T04:00:00Z"), Instant.parse("2024-12-01T05:00:00Z"));
    assertThat(november.length()).isEqualTo(Duration.ofHours(30 * 24 + 1));
    // 2024-11-01 00:30 local is still October 31 in UTC: the local date decides.
    assertThat(WindowBounds.current(month, local("2024-11-01T00:30", NEW_YORK))).isEqualTo(november);
    assertThat(WindowBounds.current(month, local("2024-10-31T23:59", NEW_YORK)).end()).isEqualTo(november.start());
  }

  @Test
  void aQuarterRunsFromTheFirstOfItsFirstMonth() {
    TimeWindow.Calendar quarter = calendar(CalendarUnit.QUARTER, 1, "2024-01-01T00:00:00Z", BERLIN);
    WindowBounds second = WindowBounds.current(quarter, Instant.parse("2024-05-15T00:00:00Z"));
    assertWindow(second, local("2024-04-01T00:00", BERLIN), local("2024-07-01T00:00", BERLIN));
    assertThat(second.length()).isEqualTo(Duration.ofDays(91));
    WindowBounds first = WindowBounds.previous(quarter, second);
    assertWindow(first, local("2024-01-01T00:00", BERLIN), local("2024-04-01T00:00", BERLIN));
    assertThat(first.length()).as("holds the March change").isEqualTo(Duration.ofDays(91).minusHours(1));
  }

  @Test
  void aWeekStartsOnMonday() {
    Instant sunday = local("2024-03-31T12:00", BERLIN);
    WindowBounds week = WindowBounds.isoWeek(sunday, BERLIN);
    assertWindow(week, local("2024-03-25T00:00", BERLIN), local("2024-04-01T00:00", BERLIN));
    assertThat(week.length()).isEqualTo(Duration.ofHours(7 * 24 - 1));
    assertThat(WindowBounds.current(calendar(CalendarUnit.WEEK, 1, "2024-01-03T10:00:00Z", BERLIN), sunday)).isEqualTo(week);
    assertThat(WindowBounds.isoWeek(local("2024-04-01T00:00", BERLIN), BERLIN).start()).isEqualTo(week.end());
    assertThat(WindowBounds.isoWeek("2024-W13", BERLIN)).isEqualTo(week);
    // Week 1 of 2025 starts on Monday 2024-12-30.
    assertWindow(WindowBounds.isoWeek(2025, 1, ZoneId.of("UTC")), Instant.parse("2024-12-30T00:00:00Z"), Instant.parse("2025-01-06T00:00:00Z"));
    assertThatThrownBy(() -> WindowBounds.isoWeek(2025, 53, ZoneId.of("UTC"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WindowBounds.isoWeek("2025-3", ZoneId.of("UTC"))).hasMessageContaining("YYYY-Www");
  }

  @Test
  void severalPeriodsAreAlignedToTheStartTime() {
    // Two-week periods whose first holds Wednesday 2024-01-03: they start on Monday 2024-01-01.
    TimeWindow.Calendar fortnight = calendar(CalendarUnit.WEEK, 2, "2024-01-03T10:00:00Z", ZoneId.of("UTC"));
    assertWindow(WindowBounds.current(fortnight, Instant.parse("2024-01-14T23:59:00Z")), Instant.parse("2024-01-01T00:00:00Z"),
        Instant.parse("2024-01-15T00:00:00Z"));
    assertWindow(WindowBounds.current(fortnight, Instant.parse("2024-01-15T00:00:00Z")), Instant.parse("2024-01-15T00:00:00Z"),
        Instant.parse("2024-01-29T00:00:00Z"));
    // Before the start time the same grid extends backwards.
    assertWindow(WindowBounds.current(fortnight, Instant.parse("2023-12-31T00:00:00Z")), Instant.parse("2023-12-18T00:00:00Z"),
        Instant.parse("2024-01-01T00:00:00Z"));
    TimeWindow.Calendar twoMonths = calendar(CalendarUnit.MONTH, 2, "2024-02-10T00:00:00Z", ZoneId.of("UTC"));
    assertWindow(WindowBounds.current(twoMonths, Instant.parse("2024-01-20T00:00:00Z")), Instant.parse("2023-12-01T00:00:00Z"),
        Instant.parse("2024-02-01T00:00:00Z"));
    TimeWindow.Calendar year = calendar(CalendarUnit.YEAR, 1, "2020-01-01T00:00:00Z", ZoneId.of("UTC"));
    assertThat(WindowBounds.current(year, Instant.parse("2024-06-01T00:00:00Z")).length()).isEqualTo(Duration.ofDays(366));
  }

  @Test
  void previousAndPeriodStartingHelpReports() {
    TimeWindow.Rolling rolling = new TimeWindow.Rolling(Duration.ofDays(28));
    WindowBounds now = WindowBounds.current(rolling, Instant.parse("2024-03-10T00:00:00Z"));
    assertThat(WindowBounds.previous(rolling, now)).isEqualTo(new WindowBounds(now.startMinute() - 28 * 1440, now.startMinute()));
    assertThat(WindowBounds.periodStarting(rolling, Instant.parse("2024-03-10T00:00:30Z")).start()).isEqualTo(Instant.parse("2024-03-10T00:00:00Z"));
    TimeWindow.Calendar month = calendar(CalendarUnit.MONTH, 1, "2024-01-01T00:00:00Z", BERLIN);
    WindowBounds april = WindowBounds.periodStarting(month, local("2024-04-01T00:00", BERLIN));
    assertThat(WindowBounds.previous(month, april)).isEqualTo(WindowBounds.current(month, local("2024-03-15T00:00", BERLIN)));
  }
}
