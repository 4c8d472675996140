package dev.tonari.rules.eval;

import dev.tonari.query.template.GoFormat;
import dev.tonari.query.template.GoTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * Prometheus' humanizing template functions, digit for digit: {@code humanize} (SI prefixes,
 * four significant digits), {@code humanize1024} (binary prefixes), {@code humanizeDuration}
 * (days, hours, minutes, seconds; sub-second prefixes), {@code humanizePercentage} and
 * {@code humanizeTimestamp} (Go's time printing of the UTC time, to the millisecond). Every number
 * goes through Go's {@code %.4g}, so 1234567 is {@code 1.235M} and 0.1234567 is {@code 12.35%}.
 */
final class Humanize {
  private static final String[] LARGE = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
  private static final String[] SMALL = {"m", "u", "n", "p", "f", "a", "z", "y"};
  private static final String[] BINARY = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};

  private Humanize() {}

  static String fourDigits(double value) {
    return GoFormat.sprintf("%.4g", List.of(value));
  }

  static String humanize(double value) {
    if (value == 0 || Double.isNaN(value) || Double.isInfinite(value)) {
      return fourDigits(value);
    }
    String prefix = "";
    if (Math.abs(value) >= 1) {
      for (String candidate : LARGE) {
        if (Math.abs(value) < 1000) {
          break;
        }
        prefix = candidate;
        value /= 1000;
      }
      return fourDigits(value) + prefix;
    }
    for (String candidate : SMALL) {
      if (Math.abs(value) >= 1) {
        break;
      }
      prefix = candidate;
      value *= 1000;
    }
    return fourDigits(value) + prefix;
  }

  static String humanize1024(double value) {
    if (Math.abs(value) <= 1 || Double.isNaN(value) || Double.isInfinite(value)) {
      return fourDigits(value);
    }
    String prefix = "";
    for (String candidate : BINARY) {
      if (Math.abs(value) < 1024) {
        break;
      }
      prefix = candidate;
      value /= 1024;
    }
    return fourDigits(value) + prefix;
  }

  static String humanizeDuration(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return fourDigits(value);
    }
    if (value == 0) {
      return fourDigits(value) + "s";
    }
    if (Math.abs(value) >= 1) {
      String sign = "";
      if (value < 0) {
        sign = "-";
        value = -value;
      }
      // Go's int64(v) truncates; out of range, amd64 gives the minimum int64, which Prometheus then prints.
      long duration = value >= 0x1p63 ? Long.MIN_VALUE : (long) value;
      long seconds = duration % 60;
      long minutes = (duration / 60) % 60;
      long hours = (duration / 60 / 60) % 24;
      long days = duration / 60 / 60 / 24;
      if (days != 0) {
        return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
      }
      if (hours != 0) {
        return sign + hours + "h " + minutes + "m " + seconds + "s";
      }
      if (minutes != 0) {
        return sign + minutes + "m " + seconds + "s";
      }
      return sign + fourDigits(value) + "s";
    }
    String prefix = "";
    for (String candidate : SMALL) {
      if (Math.abs(value) >= 1) {
        break;
      }
      prefix = candidate;
      value *= 1000;
    }
    return fourDigits(value) + prefix + "s";
  }

  static String humanizePercentage(double value) {
    return fourDigits(value * 100) + "%";
  }

  /**
   * The time of a Unix timestamp in seconds, as Prometheus' {@code toTime} makes it: truncated to
   * the millisecond (Prometheus' model.Time), in UTC.
   *
   * @throws IllegalArgumentException with Prometheus' message when the nanoseconds overflow int64
   */
  static ZonedDateTime toTime(double seconds) {
    double nanos = seconds * 1e9;
    if (nanos > Long.MAX_VALUE || nanos < Long.MIN_VALUE) {
      throw new IllegalArgumentException(GoFormat.formatValue(seconds) + " cannot be represented as a nanoseconds timestamp since it overflows int64");
    }
    long millis = ((long) nanos) / 1_000_000L;
    return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
  }

  /** @throws IllegalArgumentException when the time overflows (see {@link #toTime}) */
  static String humanizeTimestamp(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return fourDigits(seconds);
    }
    return GoTime.toGoString(toTime(seconds));
  }
}
