package dev.tonari.query.metric;

import dev.tonari.logql.UnwrapConversion;
import java.util.Locale;
import java.util.Map;

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

  private static final Map<String, Long> BYTE_UNITS =
      Map.ofEntries(
          Map.entry("b", 1L),
          Map.entry("", 1L),
          Map.entry("kib", 1L << 10),
          Map.entry("ki", 1L << 10),
          Map.entry("kb", 1_000L),
          Map.entry("k", 1_000L),
          Map.entry("mib", 1L << 20),
          Map.entry("mi", 1L << 20),
          Map.entry("mb", 1_000_000L),
          Map.entry("m", 1_000_000L),
          Map.entry("gib", 1L << 30),
          Map.entry("gi", 1L << 30),
          Map.entry("gb", 1_000_000_000L),
          Map.entry("g", 1_000_000_000L),
          Map.entry("tib", 1L << 40),
          Map.entry("ti", 1L << 40),
          Map.entry("tb", 1_000_000_000_000L),
          Map.entry("t", 1_000_000_000_000L),
          Map.entry("pib", 1L << 50),
          Map.entry("pi", 1L << 50),
          Map.entry("pb", 1_000_000_000_000_000L),
          Map.entry("p", 1_000_000_000_000_000L),
          Map.entry("eib", 1L << 60),
          Map.entry("ei", 1L << 60),
          Map.entry("eb", 1_000_000_000_000_000_000L),
          Map.entry("e", 1_000_000_000_000_000_000L));

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

  /** Go's {@code time.ParseDuration}: signed sequence of decimal numbers with units ns, us, µs, ms, s, m, h. */
  static long parseGoDuration(String text) throws ConversionException {
    String invalid = "time: invalid duration " + goQuote(text);
    int position = 0;
    boolean negative = false;
    if (position < text.length() && (text.charAt(position) == '-' || text.charAt(position) == '+')) {
      negative = text.charAt(position) == '-';
      position++;
    }
    if (text.substring(position).equals("0")) {
      return 0;
    }
    if (position == text.length()) {
      throw new ConversionException(invalid);
    }
    double total = 0;
    while (position < text.length()) {
      int numberStart = position;
      while (position < text.length() && (Character.isDigit(text.charAt(position)) || text.charAt(position) == '.')) {
        position++;
      }
      String number = text.substring(numberStart, position);
      if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
        throw new ConversionException(invalid);
      }
      int unitStart = position;
      while (position < text.length() && !Character.isDigit(text.charAt(position)) && text.charAt(position) != '.') {
        position++;
      }
      String unit = text.substring(unitStart, position);
      long unitNanos =
          switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "" -> throw new ConversionException("time: missing unit in duration " + goQuote(text));
            default -> throw new ConversionException("time: unknown unit " + goQuote(unit) + " in duration " + goQuote(text));
          };
      total += Double.parseDouble(number) * unitNanos;
    }
    if (total > Long.MAX_VALUE) {
      throw new ConversionException(invalid);
    }
    long nanos = (long) total;
    return negative ? -nanos : nanos;
  }

  /** go-humanize's {@code ParseBytes}: "42", "42 MB", "1.5GiB", "1,000 kB"; SI and IEC units, any case. */
  static double parseBytes(String text) throws ConversionException {
    int digitsEnd = 0;
    while (digitsEnd < text.length()) {
      char c = text.charAt(digitsEnd);
      if (!(Character.isDigit(c) || c == '.' || c == ',')) {
        break;
      }
      digitsEnd++;
    }
    String number = text.substring(0, digitsEnd).replace(",", "");
    double value = parseFloat(number);
    String unit = text.substring(digitsEnd).strip().toLowerCase(Locale.ROOT);
    Long multiplier = BYTE_UNITS.get(unit);
    if (multiplier == null) {
      throw new ConversionException("unhandled size name: " + unit);
    }
    double bytes = value * multiplier;
    if (bytes >= 0x1p64) {
      throw new ConversionException("too large: " + text);
    }
    // go-humanize returns a uint64, so fractions of a byte are cut off.
    return Math.floor(bytes);
  }

  private static String goQuote(String text) {
    StringBuilder quoted = new StringBuilder();
    dev.tonari.store.Labels.appendQuoted(quoted, text);
    return quoted.toString();
  }
}
