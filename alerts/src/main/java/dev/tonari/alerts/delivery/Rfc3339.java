package dev.tonari.alerts.delivery;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Times as Go's {@code encoding/json} writes a {@code time.Time} (RFC 3339 with as many fraction
 * digits as needed, none when whole), the way Alertmanager's API and webhooks spell them, so that
 * byte comparisons with Alertmanager's own output hold. Go's zero time, which Alertmanager sends
 * as the {@code endsAt} of a firing alert, is {@link #ZERO}.
 */
public final class Rfc3339 {
  /** Go's zero {@code time.Time}: 0001-01-01T00:00:00Z. */
  public static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private Rfc3339() {}

  public static String format(Instant instant) {
    StringBuilder text = new StringBuilder(SECONDS.format(instant));
    int nanos = instant.getNano();
    if (nanos != 0) {
      String digits = String.format("%09d", nanos);
      int end = digits.length();
      while (digits.charAt(end - 1) == '0') {
        end--;
      }
      text.append('.').append(digits, 0, end);
    }
    return text.append('Z').toString();
  }

  /**
   * Parses an RFC 3339 time with any offset.
   *
   * @throws IllegalArgumentException naming the text when it is not one
   */
  public static Instant parse(String text) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not an RFC 3339 time (like 2024-05-01T12:00:00Z)", e);
    }
  }
}
