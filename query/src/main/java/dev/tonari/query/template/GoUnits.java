package dev.tonari.query.template;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * Go's parsers for human units, as Loki applies them to label values and template arguments:
 * {@code time.ParseDuration} ("1h30m", "1.5s", "250ms") and go-humanize's {@code ParseBytes}
 * ("20MB", "1KiB", "3 kb"). Errors carry Go's wording so that {@code __error_details__} reads as
 * Loki's does.
 */
public final class GoUnits {
  private GoUnits() {}

  private static final Map<String, Long> DURATION_UNITS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L,
          "\u03bcs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private static final Map<String, Double> BYTE_UNITS =
      Map.ofEntries(
          Map.entry("", 1d),
          Map.entry("b", 1d),
          Map.entry("kib", 1024d),
          Map.entry("kb", 1e3),
          Map.entry("mib", Math.pow(1024, 2)),
          Map.entry("mb", 1e6),
          Map.entry("gib", Math.pow(1024, 3)),
          Map.entry("gb", 1e9),
          Map.entry("tib", Math.pow(1024, 4)),
          Map.entry("tb", 1e12),
          Map.entry("pib", Math.pow(1024, 5)),
          Map.entry("pb", 1e15),
          Map.entry("eib", Math.pow(1024, 6)),
          Map.entry("eb", 1e18),
          Map.entry("ki", 1024d),
          Map.entry("k", 1e3),
          Map.entry("mi", Math.pow(1024, 2)),
          Map.entry("m", 1e6),
          Map.entry("gi", Math.pow(1024, 3)),
          Map.entry("g", 1e9),
          Map.entry("ti", Math.pow(1024, 4)),
          Map.entry("t", 1e12),
          Map.entry("pi", Math.pow(1024, 5)),
          Map.entry("p", 1e15),
          Map.entry("ei", Math.pow(1024, 6)),
          Map.entry("e", 1e18));

  /** Thrown with Go's message when a value is not a duration or a byte size. */
  public static final class UnitException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnitException(String message) {
      super(message);
    }
  }

  /** Go's {@code time.ParseDuration}, in nanoseconds. */
  public static long parseDurationNanos(String text) throws UnitException {
    String original = text;
    String rest = text;
    boolean negative = false;
    if (!rest.isEmpty() && (rest.charAt(0) == '-' || rest.charAt(0) == '+')) {
      negative = rest.charAt(0) == '-';
      rest = rest.substring(1);
    }
    if (rest.equals("0")) {
      return 0;
    }
    if (rest.isEmpty()) {
      throw new UnitException("time: invalid duration " + GoFormat.quote(original));
    }
    BigDecimal total = BigDecimal.ZERO;
    while (!rest.isEmpty()) {
      int index = 0;
      while (index < rest.length() && Character.isDigit(rest.charAt(index)) && rest.charAt(index) < 128) {
        index++;
      }
      String whole = rest.substring(0, index);
      String fraction = "";
      if (index < rest.length() && rest.charAt(index) == '.') {
        int fractionStart = ++index;
        while (index < rest.length() && rest.charAt(index) >= '0' && rest.charAt(index) <= '9') {
          index++;
        }
        fraction = rest.substring(fractionStart, index);
      }
      if (whole.isEmpty() && fraction.isEmpty()) {
        throw new UnitException("time: invalid duration " + GoFormat.quote(original));
      }
      int unitStart = index;
      while (index < rest.length() && rest.charAt(index) != '.' && (rest.charAt(index) < '0' || rest.charAt(index) > '9')) {
        index++;
      }
      if (unitStart == index) {
        throw new UnitException("time: missing unit in duration " + GoFormat.quote(original));
      }
      String unit = rest.substring(unitStart, index);
      Long scale = DURATION_UNITS.get(unit);
      if (scale == null) {
        throw new UnitException("time: unknown unit " + GoFormat.quote(unit) + " in duration " + GoFormat.quote(original));
      }
      BigDecimal value = new BigDecimal((whole.isEmpty() ? "0" : whole) + (fraction.isEmpty() ? "" : "." + fraction));
      total = total.add(value.multiply(BigDecimal.valueOf(scale)));
      if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw new UnitException("time: invalid duration " + GoFormat.quote(original));
      }
      rest = rest.substring(index);
    }
    long nanos = total.longValue();
    return negative ? -nanos : nanos;
  }

  /** go-humanize's {@code ParseBytes}: a number with an optional SI or IEC unit, in bytes. */
  public static double parseBytes(String text) throws UnitException {
    int lastDigit = 0;
    boolean hasComma = false;
    while (lastDigit < text.length()) {
      char c = text.charAt(lastDigit);
      if (!((c >= '0' && c <= '9') || c == '.' || c == ',')) {
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
      if (number.isEmpty() || number.chars().filter(c -> c == '.').count() > 1 || number.equals(".")) {
        throw new NumberFormatException();
      }
      value = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw new UnitException("strconv.ParseFloat: parsing " + GoFormat.quote(number) + ": invalid syntax");
    }
    String unit = text.substring(lastDigit).strip().toLowerCase(Locale.ROOT);
    Double multiplier = BYTE_UNITS.get(unit);
    if (multiplier == null) {
      throw new UnitException("unhandled size name: " + unit);
    }
    double bytes = value * multiplier;
    if (bytes >= 1.8446744073709552E19) {
      throw new UnitException("too large: " + text);
    }
    // humanize returns a uint64, so fractional bytes are truncated.
    return Math.floor(bytes);
  }
}
