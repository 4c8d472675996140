package dev.tonari.ingest.agent;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The time of a JSON document's time field, as VictoriaLogs reads {@code _time}: RFC 3339 / ISO
 * 8601 with any fraction (a missing offset means UTC, a space may stand for the {@code T}), or a
 * Unix timestamp whose unit follows from its digits (up to 10 seconds, 13 milliseconds, 16
 * microseconds, more nanoseconds), or fractional seconds.
 */
public final class DocumentTime {
  private DocumentTime() {}

  /** Nanoseconds since the epoch; {@link IllegalArgumentException} saying what the value should look like. */
  public static long parseNanos(String text) {
    String value = text.trim();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("empty time");
    }
    char first = value.charAt(0);
    if ((first >= '0' && first <= '9' || first == '-') && isNumber(value)) {
      return numeric(value);
    }
    String iso = value.length() > 10 && value.charAt(10) == ' ' ? value.substring(0, 10) + "T" + value.substring(11) : value;
    try {
      Instant instant;
      try {
        instant = OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        instant = LocalDateTime.parse(iso, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
      }
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("cannot parse time \"" + text + "\": use RFC 3339 (2024-05-01T10:00:00.123Z) or Unix seconds, "
          + "milliseconds, microseconds or nanoseconds", e);
    }
  }

  private static boolean isNumber(String value) {
    int dots = 0;
    for (int i = value.charAt(0) == '-' ? 1 : 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '.') {
        dots++;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return dots <= 1 && value.length() > (value.charAt(0) == '-' ? 1 : 0);
  }

  private static long numeric(String value) {
    try {
      if (value.indexOf('.') >= 0) {
        return new BigDecimal(value).movePointRight(9).longValueExact();
      }
      int digits = value.length() - (value.charAt(0) == '-' ? 1 : 0);
      long number = Long.parseLong(value);
      if (digits <= 10) {
        return Math.multiplyExact(number, 1_000_000_000L);
      } else if (digits <= 13) {
        return Math.multiplyExact(number, 1_000_000L);
      } else if (digits <= 16) {
        return Math.multiplyExact(number, 1_000L);
      }
      return number;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("time \"" + value + "\" is out of range of 64-bit nanoseconds since the epoch", e);
    }
  }
}
