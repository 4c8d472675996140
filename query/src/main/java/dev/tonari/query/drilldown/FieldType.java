package dev.tonari.query.drilldown;

import java.util.Locale;
import java.util.Set;
import com.google.re2j.Pattern;

/**
 * The type Loki's {@code detected_fields} gives a value, tried in Loki's order: {@code int} (Go's
 * {@code strconv.ParseInt}, base 10, 64 bits), {@code float} ({@code strconv.ParseFloat}),
 * {@code boolean} ({@code strconv.ParseBool}), {@code duration} ({@code time.ParseDuration}),
 * {@code bytes} (go-humanize's {@code ParseBytes}), else {@code string}. Drilldown offers numeric
 * filters and unwraps by these types, so they follow Go's parsers rather than Java's (which would
 * accept {@code 1d}, {@code 0x10} or {@code Infinity} differently).
 */
public enum FieldType {
  STRING,
  INT,
  FLOAT,
  BOOLEAN,
  DURATION,
  BYTES;

  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern DECIMAL_FLOAT = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  private static final Pattern HEX_FLOAT = Pattern.compile("[+-]?0[xX]([0-9a-fA-F]+(\\.[0-9a-fA-F]*)?|\\.[0-9a-fA-F]+)[pP][+-]?[0-9]+");
  private static final Pattern SPECIAL_FLOAT = Pattern.compile("(?i)[+-]?(inf|infinity)|nan");
  private static final Set<String> BOOLEANS = Set.of("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False");
  private static final Pattern DURATION_TEXT = Pattern.compile("[+-]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)");
  private static final Pattern BYTES_NUMBER = Pattern.compile("[0-9.,]*");
  private static final Set<String> BYTE_UNITS = Set.of(
      "", "b", "k", "kb", "ki", "kib", "m", "mb", "mi", "mib", "g", "gb", "gi", "gib", "t", "tb", "ti", "tib",
      "p", "pb", "pi", "pib", "e", "eb", "ei", "eib", "z", "zb", "zi", "zib", "y", "yb", "yi", "yib");

  /** The type of one value, Loki's first match. */
  public static FieldType of(String value) {
    if (isInt(value)) {
      return INT;
    }
    if (isFloat(value)) {
      return FLOAT;
    }
    if (BOOLEANS.contains(value)) {
      return BOOLEAN;
    }
    if (DURATION_TEXT.matcher(value).matches()) {
      return DURATION;
    }
    if (isBytes(value)) {
      return BYTES;
    }
    return STRING;
  }

  /** The name in Loki's JSON: {@code string}, {@code int}, ... */
  public String lokiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  private static boolean isInt(String value) {
    if (!INTEGER.matcher(value).matches()) {
      return false;
    }
    try {
      Long.parseLong(value);
      return true;
    } catch (NumberFormatException outOfRange) {
      // Go's ParseInt refuses values past 64 bits too; they are floats then.
      return false;
    }
  }

  private static boolean isFloat(String value) {
    // Go's ParseFloat also refuses values out of range (it returns ±Inf with an error).
    if (DECIMAL_FLOAT.matcher(value).matches() || HEX_FLOAT.matcher(value).matches()) {
      return !Double.isInfinite(Double.parseDouble(value.startsWith("+") ? value.substring(1) : value));
    }
    return SPECIAL_FLOAT.matcher(value).matches();
  }

  /** go-humanize: digits, dots and commas, optional spaces, then a known unit (any case). */
  private static boolean isBytes(String value) {
    int end = 0;
    while (end < value.length() && (Character.isDigit(value.charAt(end)) && value.charAt(end) < 128 || value.charAt(end) == '.' || value.charAt(end) == ',')) {
      end++;
    }
    String number = value.substring(0, end).replace(",", "");
    if (!BYTES_NUMBER.matcher(number).matches() || !DECIMAL_FLOAT.matcher(number).matches()) {
      return false;
    }
    String unit = value.substring(end).strip().toLowerCase(Locale.ROOT);
    return BYTE_UNITS.contains(unit);
  }
}
