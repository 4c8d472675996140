package dev.tonari.alerts.toil;

import dev.tonari.tenancy.config.LokiUnits;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A team's toil settings: the {@code toil} section of its notification config ({@link
 * ToilSettingsParser}), or {@link #defaults()}.
 *
 * @param workdayStart {@code working_hours} start, local time
 * @param workdayEnd {@code working_hours} end, local time, excluded; {@link LocalTime#MIDNIGHT}
 *     means the end of the day (written {@code 24:00})
 * @param workingDays {@code working_days}
 * @param timeZone {@code time_zone}: where the working hours are, and where weeks begin
 * @param flappingWindow {@code flapping_window}: an alert that fires again within this long of
 *     resolving is flapping
 * @param noiseAckWithin {@code noise_ack_within}: an alert that resolved with no acknowledgement
 *     within this long of firing is noise
 */
public record ToilSettings(LocalTime workdayStart, LocalTime workdayEnd, Set<DayOfWeek> workingDays, ZoneId timeZone, Duration flappingWindow,
    Duration noiseAckWithin) {
  public static final LocalTime DEFAULT_START = LocalTime.of(9, 0);
  public static final LocalTime DEFAULT_END = LocalTime.of(17, 0);
  public static final Duration DEFAULT_FLAPPING_WINDOW = Duration.ofHours(1);
  public static final Duration DEFAULT_NOISE_ACK_WITHIN = Duration.ofMinutes(10);

  public ToilSettings {
    Objects.requireNonNull(workdayStart, "workdayStart");
    Objects.requireNonNull(workdayEnd, "workdayEnd");
    if (!workdayEnd.equals(LocalTime.MIDNIGHT) && !workdayEnd.isAfter(workdayStart)) {
      throw new IllegalArgumentException("working hours must end after they start, got " + workdayStart + "-" + workdayEnd);
    }
    workingDays = Collections.unmodifiableSet(workingDays.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(workingDays));
    Objects.requireNonNull(timeZone, "timeZone");
    if (flappingWindow.isNegative() || noiseAckWithin.isNegative()) {
      throw new IllegalArgumentException("flapping_window and noise_ack_within must not be negative");
    }
  }

  /** 09:00 to 17:00, Monday to Friday, UTC; flapping within 1h, noise without acknowledgement within 10m. */
  public static ToilSettings defaults() {
    return new ToilSettings(DEFAULT_START, DEFAULT_END, EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), ZoneId.of("UTC"), DEFAULT_FLAPPING_WINDOW,
        DEFAULT_NOISE_ACK_WITHIN);
  }

  /** Whether {@code at} falls in working hours on a working day, by the wall clock of the time zone (so across DST changes too). */
  public boolean isWorkingTime(Instant at) {
    ZonedDateTime local = at.atZone(timeZone);
    if (!workingDays.contains(local.getDayOfWeek())) {
      return false;
    }
    LocalTime time = local.toLocalTime();
    return !time.isBefore(workdayStart) && (workdayEnd.equals(LocalTime.MIDNIGHT) || time.isBefore(workdayEnd));
  }

  /** {@code 09:00-17:00}, as the config writes it. */
  public String workingHoursText() {
    return workdayStart + "-" + (workdayEnd.equals(LocalTime.MIDNIGHT) ? "24:00" : workdayEnd.toString());
  }

  /** {@code mon-fri}, or a comma-separated list of days and ranges, as the config writes it. */
  public String workingDaysText() {
    if (workingDays.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    DayOfWeek[] days = DayOfWeek.values();
    int i = 0;
    while (i < days.length) {
      if (!workingDays.contains(days[i])) {
        i++;
        continue;
      }
      int end = i;
      while (end + 1 < days.length && workingDays.contains(days[end + 1])) {
        end++;
      }
      parts.add(end == i ? shortName(days[i]) : shortName(days[i]) + "-" + shortName(days[end]));
      i = end + 1;
    }
    return String.join(",", parts);
  }

  static String shortName(DayOfWeek day) {
    return day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toLowerCase(Locale.ROOT);
  }

  public String flappingWindowText() {
    return LokiUnits.formatDuration(flappingWindow);
  }

  public String noiseAckWithinText() {
    return LokiUnits.formatDuration(noiseAckWithin);
  }
}
