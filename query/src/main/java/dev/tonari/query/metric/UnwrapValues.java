package dev.tonari.query.metric;

import dev.tonari.logql.LogqlUnits;
import dev.tonari.logql.UnwrapConversion;
import java.util.Locale;

/**
 * Turns an unwrapped label's text into a sample value as Loki does: Go's {@code strconv.ParseFloat}
 * for plain unwraps, Go's {@code time.ParseDuration} in seconds for {@code duration()} and
 * {@code duration_seconds()}, go-humanize's {@code ParseBytes} for {@code bytes()}. A failure
 * carries the Go error text, which Loki puts in {@code __error_details__}.
 */
final class UnwrapValues {
  private UnwrapValues() {}

  /** A value that does not convert; the message is Go's. */
  static final class ConversionException extends Exception {
    private static final long serialVersionUID = 1L;

    ConversionException(String message) {
      super(message);
    }
  }

  static double convert(UnwrapConversion conversion, String text) throws ConversionException {
    return switch (conversion) {
      case NONE -> parseFloat(text);
      case DURATION, DURATION_SECONDS -> RangeWindows.goSeconds(parseGoDuration(text));
      case BYTES -> parseBytes(text);
    };
  }

  /** Go's {@code strconv.ParseFloat(text, 64)}, including "inf", "infinity" and "nan" in any case. */
  static double parseFloat(String text) throws ConversionException {
    String body = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
    boolean negative = text.startsWith("-");
    switch (body.toLowerCase(Locale.ROOT)) {
      case "inf", "infinity" -> {
        return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      }
      case "nan" -> {
        return Double.NaN;
      }
      default -> {}
    }
    // Java also accepts forms Go refuses (a "d" or "f" suffix, surrounding spaces, "Infinity" only).
    boolean plausible = !body.isEmpty();
    for (int i = 0; i < body.length() && plausible; i++) {
      char c = body.charAt(i);
      plausible = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' || c == 'x' || c == 'X' || c == 'p' || c == 'P' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
    boolean hex = body.length() > 1 && body.charAt(0) == '0' && (body.charAt(1) == 'x' || body.charAt(1) == 'X');
    if (plausible && !hex && (body.endsWith("d") || body.endsWith("D") || body.endsWith("f") || body.endsWith("F"))) {
      plausible = false;
    }
    if (plausible) {
      try {
        double value = Double.parseDouble(text);
        if (Double.isInfinite(value)) {
          throw new ConversionException("strconv.ParseFloat: parsing " + goQuote(text) + ": value out of range");
        }
        return value;
      } catch (NumberFormatException e) {
        // Reported below with Go's wording.
      }
    }
    throw new ConversionException("strconv.ParseFloat: parsing " + goQuote(text) + ": invalid syntax");
  }

  /** Go's {@code time.ParseDuration}: signed sequence of decimal numbers with units ns, us, µs, ms, s, m, h (see {@link LogqlUnits}). */
  static long parseGoDuration(String text) throws ConversionException {
    try {
      return LogqlUnits.parseGoDuration(text).toNanos();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ConversionException(e.getMessage());
    }
  }

  /** go-humanize's {@code ParseBytes}: "42", "42 MB", "1.5GiB", "1,000 kB"; SI and IEC units, any case (see {@link LogqlUnits}). */
  static double parseBytes(String text) throws ConversionException {
    try {
      long bytes = LogqlUnits.parseBytes(text);
      // go-humanize returns a uint64: counts of 2^63 and more come back as negative longs.
      return bytes >= 0 ? bytes : Double.parseDouble(Long.toUnsignedString(bytes));
    } catch (IllegalArgumentException e) {
      throw new ConversionException(e.getMessage());
    }
  }

  private static String goQuote(String text) {
    StringBuilder quoted = new StringBuilder();
    dev.tonari.store.Labels.appendQuoted(quoted, text);
    return quoted.toString();
  }
}
