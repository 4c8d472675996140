package dev.tonari.query.template;

import java.math.BigInteger;
import java.util.Locale;
import com.google.re2j.Pattern;

/**
 * Go's number parsing as templates meet it: literals in template text, {@code strconv.ParseInt}
 * with base 0, {@code strconv.ParseFloat}, and the lenient conversions of the {@code cast}
 * library behind Sprig's {@code int}, {@code float64} and arithmetic (unparsable text is 0).
 */
public final class GoNumbers {
  private static final Pattern PREFIXED_BASE = Pattern.compile("[+-]?0[xXbBoO]");

  private GoNumbers() {}

  // java.util.regex is fine here: these fixed patterns are linear on their inputs.
  private static final Pattern DECIMAL_FLOAT = Pattern.compile("[+-]?(?:[0-9](?:_?[0-9])*(?:\\.(?:[0-9](?:_?[0-9])*)?)?|\\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?");
  private static final Pattern HEX_FLOAT = Pattern.compile("[+-]?0[xX](?:_?[0-9a-fA-F])*(?:\\.[0-9a-fA-F]*)?[pP][+-]?[0-9]+");

  /** A template literal as Long (integers, including integral floats such as 2.0? no: Go keeps kind) or Double; null if invalid. */
  static Object parseLiteral(String literal) {
    Long integer = parseInt(literal);
    if (integer != null) {
      return integer;
    }
    if (literal.indexOf('_') >= 0 && !PREFIXED_BASE.matcher(literal).lookingAt()) {
      // Go allows underscores in float literals only between digits.
      if (!DECIMAL_FLOAT.matcher(literal).matches()) {
        return null;
      }
    }
    Double floating = parseFloat(literal);
    return floating;
  }

  /** Go's {@code strconv.ParseInt(s, 0, 64)}: sign, 0x/0o/0b/0 prefixes, underscores after a prefix; null if invalid. */
  public static Long parseInt(String text) {
    if (text.isEmpty()) {
      return null;
    }
    String s = text;
    boolean negative = false;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    int base = 10;
    boolean prefixed = false;
    if (s.length() > 1 && s.charAt(0) == '0') {
      char p = Character.toLowerCase(s.charAt(1));
      if (p == 'x') {
        base = 16;
        s = s.substring(2);
        prefixed = true;
      } else if (p == 'o') {
        base = 8;
        s = s.substring(2);
        prefixed = true;
      } else if (p == 'b') {
        base = 2;
        s = s.substring(2);
        prefixed = true;
      } else {
        base = 8;
        s = s.substring(1);
        prefixed = true;
      }
    }
    if (s.indexOf('_') >= 0) {
      if (!prefixed) {
        return null;
      }
      if (s.startsWith("__") || s.endsWith("_") || s.contains("__")) {
        return null;
      }
      s = s.replace("_", "");
    }
    if (s.isEmpty()) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), base) < 0 || s.charAt(i) > 'z') {
        return null;
      }
    }
    try {
      BigInteger value = new BigInteger(s, base);
      if (negative) {
        value = value.negate();
      }
      if (value.bitLength() > 63) {
        return null;
      }
      return value.longValue();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Go's {@code strconv.ParseFloat(s, 64)}; null if invalid. */
  public static Double parseFloat(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
    boolean negative = lower.startsWith("-");
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    if (DECIMAL_FLOAT.matcher(text).matches()) {
      try {
        return Double.parseDouble(text.replace("_", ""));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (HEX_FLOAT.matcher(text).matches()) {
      try {
        return Double.parseDouble(text.replace("_", ""));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** The cast library's {@code ToInt64}: numbers truncate, text parses with base 0 after "1.00" -> "1", otherwise 0. */
  public static long toInt64(Object value) {
    return switch (value) {
      case Long l -> l;
      case Double d -> Double.isNaN(d) ? Long.MIN_VALUE : (long) d.doubleValue();
      case Boolean b -> b ? 1 : 0;
      case String s -> {
        Long parsed = parseInt(trimZeroDecimal(s));
        yield parsed == null ? 0 : parsed;
      }
      case null, default -> 0;
    };
  }

  /** The cast library's {@code ToFloat64}. */
  public static double toFloat64(Object value) {
    return switch (value) {
      case Long l -> l.doubleValue();
      case Double d -> d;
      case Boolean b -> b ? 1 : 0;
      case String s -> {
        Double parsed = parseFloat(s);
        yield parsed == null ? 0 : parsed;
      }
      case null, default -> 0;
    };
  }

  /** "12.000" -> "12"; anything else unchanged, as cast does before parsing integers. */
  private static String trimZeroDecimal(String s) {
    boolean foundZero = false;
    for (int i = s.length() - 1; i >= 0; i--) {
      switch (s.charAt(i)) {
        case '.' -> {
          if (foundZero) {
            return s.substring(0, i);
          }
          return s;
        }
        case '0' -> foundZero = true;
        default -> {
          return s;
        }
      }
    }
    return s;
  }
}
