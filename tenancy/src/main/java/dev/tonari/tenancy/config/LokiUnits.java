package dev.tonari.tenancy.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * Parsers of the value syntax Loki's configuration and HTTP API use, so that a Loki config or a
 * logcli habit carries over unchanged.
 *
 * <p>Durations: a sequence of number+unit pairs such as {@code 168h}, {@code 1h30m}, {@code 10m},
 * {@code 1.5h}, {@code 500ms}; units {@code y} (365 days), {@code w}, {@code d}, {@code h}, {@code
 * m}, {@code s}, {@code ms}, {@code us}/{@code µs}, {@code ns}; a bare {@code 0} is zero. This is
 * the union of Prometheus' {@code model.Duration} and Go's {@code time.ParseDuration}.
 *
 * <p>Sizes: as go-humanize's {@code ParseBytes} that Loki's {@code flagext.ByteSize} uses: {@code
 * 256KB} is 256,000 bytes (SI), {@code 1MiB} is 1,048,576 bytes (IEC), unit case ignored, a bare
 * number is bytes.
 *
 * <p>A copy of the server's parser: tenancy depends on none of Tonari's other modules, so that the
 * CLI's offline lint and token commands and the server share one tenancy implementation.
 */
public final class LokiUnits {
  private LokiUnits() {}

  /**
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Duration parseDuration(String text) {
    String value = text == null ? "" : text.trim();
    if (value.equals("0")) {
      return Duration.ZERO;
    }
    if (value.isEmpty()) {
      throw invalidDuration(text);
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    int pos = 0;
    while (pos < value.length()) {
      int numberStart = pos;
      while (pos < value.length() && (Character.isDigit(value.charAt(pos)) || value.charAt(pos) == '.')) {
        pos++;
      }
      if (pos == numberStart) {
        throw invalidDuration(text);
      }
      BigDecimal number;
      try {
        number = new BigDecimal(value.substring(numberStart, pos));
      } catch (NumberFormatException e) {
        throw invalidDuration(text);
      }
      int unitStart = pos;
      while (pos < value.length() && !Character.isDigit(value.charAt(pos)) && value.charAt(pos) != '.') {
        pos++;
      }
      long unitNanos = switch (value.substring(unitStart, pos)) {
        case "y" -> 365L * 24 * 3600 * 1_000_000_000L;
        case "w" -> 7L * 24 * 3600 * 1_000_000_000L;
        case "d" -> 24L * 3600 * 1_000_000_000L;
        case "h" -> 3600L * 1_000_000_000L;
        case "m" -> 60L * 1_000_000_000L;
        case "s" -> 1_000_000_000L;
        case "ms" -> 1_000_000L;
        case "us", "µs" -> 1_000L;
        case "ns" -> 1L;
        default -> throw invalidDuration(text);
      };
      totalNanos = totalNanos.add(number.multiply(BigDecimal.valueOf(unitNanos)));
    }
    try {
      return Duration.ofNanos(totalNanos.longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration " + quote(text) + " is too large or not a whole number of nanoseconds", e);
    }
  }

  /**
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static long parseBytes(String text) {
    String value = text == null ? "" : text.trim();
    int pos = 0;
    while (pos < value.length() && (Character.isDigit(value.charAt(pos)) || value.charAt(pos) == '.')) {
      pos++;
    }
    if (pos == 0) {
      throw invalidSize(text);
    }
    BigDecimal number;
    try {
      number = new BigDecimal(value.substring(0, pos));
    } catch (NumberFormatException e) {
      throw invalidSize(text);
    }
    long multiplier = switch (value.substring(pos).trim().toLowerCase(Locale.ROOT)) {
      case "", "b" -> 1L;
      case "k", "kb" -> 1000L;
      case "ki", "kib" -> 1L << 10;
      case "m", "mb" -> 1000L * 1000;
      case "mi", "mib" -> 1L << 20;
      case "g", "gb" -> 1000L * 1000 * 1000;
      case "gi", "gib" -> 1L << 30;
      case "t", "tb" -> 1000L * 1000 * 1000 * 1000;
      case "ti", "tib" -> 1L << 40;
      default -> throw invalidSize(text);
    };
    BigDecimal bytes = number.multiply(BigDecimal.valueOf(multiplier));
    try {
      // humanize truncates fractional bytes; so do we.
      return bytes.toBigInteger().longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("size " + quote(text) + " is too large", e);
    }
  }

  /** The shortest Loki-style text of a duration, e.g. {@code 168h}, {@code 1h30m}, {@code 0s}. */
  public static String formatDuration(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long seconds = duration.getSeconds();
    if (seconds >= 3600) {
      sb.append(seconds / 3600).append('h');
      seconds %= 3600;
    }
    if (seconds >= 60) {
      sb.append(seconds / 60).append('m');
      seconds %= 60;
    }
    if (seconds > 0) {
      sb.append(seconds).append('s');
    }
    int nanos = duration.getNano();
    if (nanos > 0) {
      sb.append(nanos % 1_000_000 == 0 ? (nanos / 1_000_000) + "ms" : nanos + "ns");
    }
    return sb.toString();
  }

  private static IllegalArgumentException invalidDuration(String text) {
    return new IllegalArgumentException(
        "invalid duration " + quote(text) + ": expected number+unit pairs such as 168h, 10m, 1h30m or 500ms (units y, w, d, h, m, s, ms, us, ns)");
  }

  private static IllegalArgumentException invalidSize(String text) {
    return new IllegalArgumentException(
        "invalid size " + quote(text) + ": expected a number of bytes with an optional unit such as 256KB, 1MB or 1MiB");
  }

  private static String quote(String text) {
    return text == null ? "<missing>" : "\"" + text + "\"";
  }
}
