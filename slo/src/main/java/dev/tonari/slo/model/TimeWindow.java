package dev.tonari.slo.model;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** The SLO period: a rolling duration, or calendar-aligned periods in a time zone. */
public sealed interface TimeWindow permits TimeWindow.Rolling, TimeWindow.Calendar {

  /** The nominal length, used to scale burn-rate tiers and for {@code slo:time_period:days}. */
  Duration nominalLength();

  /** The last {@code duration} up to now (OpenSLO {@code isRolling: true}; Sloth's 30d default). */
  record Rolling(Duration duration) implements TimeWindow {
    public Rolling {
      if (duration.isNegative() || duration.isZero() || duration.toSeconds() % 60 != 0) {
        throw new IllegalArgumentException("a rolling window must be a positive whole number of minutes, got " + duration);
      }
    }

    @Override
    public Duration nominalLength() {
      return duration;
    }
  }

  /**
   * Calendar periods of {@code count} {@code unit}s, aligned to {@code startTime} in {@code zone}
   * (OpenSLO {@code calendar{startTime, timeZone}} with {@code duration} such as {@code 1M},
   * {@code 1w}, {@code 1Q}, {@code 1d}). The current period is the one holding now; it starts at
   * a local midnight, so a DST change inside it makes it an hour shorter or longer.
   */
  record Calendar(CalendarUnit unit, int count, Instant startTime, ZoneId zone) implements TimeWindow {
    public Calendar {
      if (count <= 0) {
        throw new IllegalArgumentException("a calendar window needs a positive count, got " + count);
      }
    }

    @Override
    public Duration nominalLength() {
      return switch (unit) {
        case DAY -> Duration.ofDays(count);
        case WEEK -> Duration.ofDays(7L * count);
        case MONTH -> Duration.ofDays(30L * count);
        case QUARTER -> Duration.ofDays(90L * count);
        case YEAR -> Duration.ofDays(365L * count);
      };
    }
  }

  enum CalendarUnit {
    DAY,
    WEEK,
    MONTH,
    QUARTER,
    YEAR
  }
}
