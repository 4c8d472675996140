package dev.tonari.server;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Parses the time parameters of Loki's HTTP API ({@code start}, {@code end}, {@code time}) exactly
 * as Loki's {@code loghttp} package does, so that logcli, Grafana and scripts get the same
 * instants:
 *
 * <ul>
 *   <li>text with a {@code .} that parses as a number: float seconds, fraction rounded to
 *       milliseconds (Loki rounds there too);
 *   <li>an integer of at most 10 digits: seconds since the epoch;
 *   <li>a longer integer: nanoseconds since the epoch;
 *   <li>otherwise RFC 3339 with optional fractional seconds (RFC3339Nano).
 * </ul>
 */
public final class LokiTime {
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

  private LokiTime() {}

  /**
   * @param name the parameter's name, for the error message
   * @throws IllegalArgumentException naming the parameter, the text and the accepted forms
   */
  public static long parseNanos(String name, String value) {
    String text = value.trim();
    if (text.contains(".")) {
      try {
        BigDecimal seconds = new BigDecimal(text);
        BigDecimal whole = seconds.setScale(0, RoundingMode.DOWN);
        BigDecimal fractionMillis = seconds.subtract(whole).setScale(3, RoundingMode.HALF_EVEN);
        return whole.add(fractionMillis).multiply(NANOS_PER_SECOND).longValueExact();
      } catch (NumberFormatException | ArithmeticException notAFloat) {
        // Not a number: try RFC 3339 below, as Loki does.
      }
    } else {
      try {
        long number = Long.parseLong(text);
        String digits = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
        return digits.length() <= 10 ? Math.multiplyExact(number, 1_000_000_000L) : number;
      } catch (NumberFormatException | ArithmeticException notAnInteger) {
        // Not an integer: try RFC 3339 below, as Loki does.
      }
    }
    try {
      Instant instant = OffsetDateTime.parse(text).toInstant();
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "invalid " + name + " parameter \"" + value + "\": expected Unix seconds, Unix nanoseconds, float seconds or RFC3339 time", e);
    }
  }
}
