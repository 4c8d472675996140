package dev.tonari.logql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The units of LogQL, parsed and printed as Loki's Go libraries do: Prometheus durations
 * ({@code 1h30m}, {@code 2d}, {@code 1w}: ranges and offsets), Go durations ({@code 1.5s},
 * {@code 250ms}, {@code 3us}: label filters, {@code duration()} unwraps, offsets) and byte sizes in
 * go-humanize's syntax ({@code 20MB} = 20,000,000, {@code 1KiB} = 1024). The query engine uses the
 * same parsers for label values, so that a filter and the values it compares agree.
 */
public final class LogqlUnits {
  private static final long NANOS_PER_MILLI = 1_000_000L;
  private static final long MILLIS_PER_DAY = 86_400_000L;

  /** Prometheus units in the order they must appear, with their length in milliseconds. */
  private static final String[] PROMETHEUS_UNITS = {"y", "w", "d", "h", "m", "s", "ms"};

  private static final long[] PROMETHEUS_UNIT_MILLIS = {365 * MILLIS_PER_DAY, 7 * MILLIS_PER_DAY, MILLIS_PER_DAY, 3_600_000L, 60_000L, 1_000L, 1L};

  private static final Map<String, Long> GO_UNIT_NANOS =
      Map.of("ns", 1L, "us", 1_000L, "\u00b5s", 1_000L, "\u03bcs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  private static final Map<String, Long> BYTE_UNITS =
      Map.ofEntries(
          Map.entry("", 1L),
          Map.entry("b", 1L),
          Map.entry("k", 1_000L),
          Map.entry("kb", 1_000L),
          Map.entry("ki", 1L << 10),
          Map.entry("kib", 1L << 10),
          Map.entry("m", 1_000_000L),
          Map.entry("mb", 1_000_000L),
          Map.entry("mi", 1L << 20),
          Map.entry("mib", 1L << 20),
          Map.entry("g", 1_000_000_000L),
          Map.entry("gb", 1_000_000_000L),
          Map.entry("gi", 1L << 30),
          Map.entry("gib", 1L << 30),
          Map.entry("t", 1_000_000_000_000L),
          Map.entry("tb", 1_000_000_000_000L),
          Map.entry("ti", 1L << 40),
          Map.entry("tib", 1L << 40),
          Map.entry("p", 1_000_000_000_000_000L),
          Map.entry("pb", 1_000_000_000_000_000L),
          Map.entry("pi", 1L << 50),
          Map.entry("pib", 1L << 50),
          Map.entry("e", 1_000_000_000_000_000_000L),
          Map.entry("eb", 1_000_000_000_000_000_000L),
          Map.entry("ei", 1L << 60),
          Map.entry("eib", 1L << 60));

  /** Units the printer may choose, largest first, so that the printed size parses back exactly. */
  private static final String[] PRINTED_BYTE_UNITS = {"PiB", "PB", "TiB", "TB", "GiB", "GB", "MiB", "MB", "KiB", "kB"};

  private static final double TWO_TO_THE_64 = 18446744073709551616.0;

  private LogqlUnits() {}

  /**
   * Parses a Prometheus duration ({@code model.ParseDuration}): whole numbers with units y, w, d,
   * h, m, s, ms from largest to smallest, or {@code 0}.
   *
   * @throws IllegalArgumentException with Prometheus's message when the text is not one
   */
  public static Duration parsePrometheusDuration(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty duration string");
    }
    String invalid = "not a valid duration string: " + goQuote(text);
    BigInteger totalMillis = BigInteger.ZERO;
    int lastUnit = -1;
    int position = 0;
    while (position < text.length()) {
      int digitsStart = position;
      while (position < text.length() && isAsciiDigit(text.charAt(position))) {
        position++;
      }
      if (position == digitsStart || position - digitsStart > 19) {
        throw new IllegalArgumentException(invalid);
      }
      BigInteger value = new BigInteger(text.substring(digitsStart, position));
      int unitStart = position;
      while (position < text.length() && !isAsciiDigit(text.charAt(position))) {
        position++;
      }
      if (position == unitStart) {
        throw new IllegalArgumentException(invalid);
      }
      String unit = text.substring(unitStart, position);
      int unitIndex = java.util.Arrays.asList(PROMETHEUS_UNITS).indexOf(unit);
      if (unitIndex < 0) {
        throw new IllegalArgumentException("unknown unit " + goQuote(unit) + " in duration " + goQuote(text));
      }
      if (unitIndex <= lastUnit) {
        throw new IllegalArgumentException(invalid);
      }
      lastUnit = unitIndex;
      totalMillis = totalMillis.add(value.multiply(BigInteger.valueOf(PROMETHEUS_UNIT_MILLIS[unitIndex])));
      if (totalMillis.multiply(BigInteger.valueOf(NANOS_PER_MILLI)).bitLength() > 63) {
        throw new IllegalArgumentException("duration out of range");
      }
    }
    return Duration.ofMillis(totalMillis.longValueExact());
  }

  /** Parses a duration the way Loki's lexer does: Prometheus syntax first, then Go's; null when neither accepts it. */
  static Duration parseLokiDuration(String text) {
    try {
      return parsePrometheusDuration(text);
    } catch (IllegalArgumentException notPrometheus) {
      try {
        return parseGoDuration(text);
      } catch (IllegalArgumentException notGo) {
        return null;
      }
    }
  }

  /**
   * Parses a Go duration ({@code time.ParseDuration}): an optional sign and a sequence of decimal
   * numbers with units ns, us (µs), ms, s, m, h, such as {@code -1.5h} or {@code 2h45m}.
   *
   * @throws IllegalArgumentException with Go's message when the text is not one
   */
  public static Duration parseGoDuration(String text) {
    String invalid = "time: invalid duration " + goQuote(text);
    int position = 0;
    boolean negative = false;
    if (position < text.length() && (text.charAt(position) == '-' || text.charAt(position) == '+')) {
      negative = text.charAt(position) == '-';
      position++;
    }
    if (text.substring(position).equals("0")) {
      return Duration.ZERO;
    }
    if (position == text.length()) {
      throw new IllegalArgumentException(invalid);
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    while (position < text.length()) {
      int numberStart = position;
      while (position < text.length() && isAsciiDigit(text.charAt(position))) {
        position++;
      }
      boolean hasDigits = position > numberStart;
      if (position < text.length() && text.charAt(position) == '.') {
        position++;
        int fractionStart = position;
        while (position < text.length() && isAsciiDigit(text.charAt(position))) {
          position++;
        }
        hasDigits |= position > fractionStart;
      }
      if (!hasDigits) {
        throw new IllegalArgumentException(invalid);
      }
      String number = text.substring(numberStart, position);
      int unitStart = position;
      while (position < text.length() && text.charAt(position) != '.' && !isAsciiDigit(text.charAt(position))) {
        position++;
      }
      if (position == unitStart) {
        throw new IllegalArgumentException("time: missing unit in duration " + goQuote(text));
      }
      String unit = text.substring(unitStart, position);
      Long unitNanos = GO_UNIT_NANOS.get(unit);
      if (unitNanos == null) {
        throw new IllegalArgumentException("time: unknown unit " + goQuote(unit) + " in duration " + goQuote(text));
      }
      BigDecimal value = new BigDecimal(number.endsWith(".") ? number + "0" : number.startsWith(".") ? "0" + number : number);
      totalNanos = totalNanos.add(value.multiply(BigDecimal.valueOf(unitNanos)));
      if (totalNanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException(invalid);
      }
    }
    // Go truncates fractions of a nanosecond.
    long nanos = totalNanos.toBigInteger().longValueExact();
    return Duration.ofNanos(negative ? -nanos : nanos);
  }

  /**
   * Parses a byte size as go-humanize's {@code ParseBytes}: a decimal number (commas ignored) and
   * an optional case-insensitive unit (B, kB/K, KiB/Ki, ... up to EB/EiB), computed in float64 as
   * humanize does. The result is an unsigned 64-bit count.
   *
   * @throws IllegalArgumentException with humanize's message when the text is not a size
   */
  public static long parseBytes(String text) {
    int lastDigit = 0;
    boolean hasComma = false;
    while (lastDigit < text.length()) {
      char c = text.charAt(lastDigit);
      if (!(isAsciiDigit(c) || c == '.' || c == ',')) {
        break;
      }
      hasComma |= c == ',';
      lastDigit++;
    }
    String number = text.substring(0, lastDigit);
    if (hasComma) {
      number = number.replace(",", "");
    }
    double value;
    try {
      if (number.isEmpty() || number.equals(".")) {
        throw new NumberFormatException();
      }
      value = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("strconv.ParseFloat: parsing " + goQuote(number) + ": invalid syntax", e);
    }
    String unit = text.substring(lastDigit).strip().toLowerCase(Locale.ROOT);
    Long multiplier = BYTE_UNITS.get(unit);
    if (multiplier == null) {
      throw new IllegalArgumentException("unhandled size name: " + unit);
    }
    double bytes = value * multiplier;
    if (bytes >= TWO_TO_THE_64) {
      throw new IllegalArgumentException("too large: " + text);
    }
    return new BigDecimal(bytes).toBigInteger().longValue();
  }

  /** Prints a duration as Prometheus does ({@code 1h30m}, {@code 1d}, {@code 2w}), or as Go does when Prometheus cannot (negative, sub-millisecond). */
  public static String formatDuration(Duration duration) {
    if (duration.isNegative() || duration.toNanosPart() % NANOS_PER_MILLI != 0) {
      return formatGoDuration(duration);
    }
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < PROMETHEUS_UNITS.length; i++) {
      long unitMillis = PROMETHEUS_UNIT_MILLIS[i];
      boolean exactOnly = i < 2;
      if (exactOnly && millis % unitMillis != 0) {
        continue;
      }
      long count = millis / unitMillis;
      if (count > 0) {
        out.append(count).append(PROMETHEUS_UNITS[i]);
        millis -= count * unitMillis;
      }
    }
    return out.toString();
  }

  /** Prints a duration as Go's {@code time.Duration.String} does ({@code 1h30m0s}, {@code 1.5s}, {@code 250ms}), with {@code us} for microseconds. */
  public static String formatGoDuration(Duration duration) {
    BigInteger nanos = BigInteger.valueOf(duration.getSeconds()).multiply(BigInteger.valueOf(1_000_000_000L)).add(BigInteger.valueOf(duration.getNano()));
    boolean negative = nanos.signum() < 0;
    nanos = nanos.abs();
    StringBuilder out = new StringBuilder(negative ? "-" : "");
    if (nanos.signum() == 0) {
      return "0s";
    }
    if (nanos.compareTo(BigInteger.valueOf(1_000_000_000L)) < 0) {
      long value = nanos.longValue();
      if (value < 1_000L) {
        return out.append(value).append("ns").toString();
      }
      if (value < 1_000_000L) {
        return out.append(decimal(value, 1_000L)).append("us").toString();
      }
      return out.append(decimal(value, 1_000_000L)).append("ms").toString();
    }
    BigInteger[] hoursAndRest = nanos.divideAndRemainder(BigInteger.valueOf(3_600_000_000_000L));
    BigInteger[] minutesAndRest = hoursAndRest[1].divideAndRemainder(BigInteger.valueOf(60_000_000_000L));
    if (hoursAndRest[0].signum() > 0) {
      out.append(hoursAndRest[0]).append('h');
    }
    if (hoursAndRest[0].signum() > 0 || minutesAndRest[0].signum() > 0) {
      out.append(minutesAndRest[0]).append('m');
    }
    return out.append(decimal(minutesAndRest[1].longValue(), 1_000_000_000L)).append('s').toString();
  }

  /**
   * Go's {@code time.Duration.String} exactly ({@code 721h0m0s}, {@code 1.5s}, {@code 1.5µs}), as
   * Go programs and so Loki's error messages print durations; {@link #formatGoDuration} differs
   * only in writing microseconds as ASCII {@code us}, which LogQL text needs.
   */
  public static String goDurationString(long nanos) {
    String text = formatGoDuration(Duration.ofNanos(nanos));
    return text.endsWith("us") ? text.substring(0, text.length() - 2) + "\u00b5s" : text;
  }

  private static String decimal(long value, long unit) {
    return new BigDecimal(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
  }

  /** Prints a byte count (unsigned) in a unit that parses back to exactly the same count, the shortest such text. */
  public static String formatBytes(long bytes) {
    String best = Long.toUnsignedString(bytes) + "B";
    for (String unit : PRINTED_BYTE_UNITS) {
      long multiplier = BYTE_UNITS.get(unit.toLowerCase(Locale.ROOT));
      if (Long.remainderUnsigned(bytes, multiplier) == 0 && bytes != 0) {
        String candidate = Long.toUnsignedString(Long.divideUnsigned(bytes, multiplier)) + unit;
        if (candidate.length() < best.length() && parseBytes(candidate) == bytes) {
          best = candidate;
        }
      }
    }
    return best;
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String goQuote(String text) {
    StringBuilder out = new StringBuilder();
    LogqlPrinter.appendQuoted(out, text);
    return out.toString();
  }
}
