package dev.tonari.query.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Go's {@code fmt} rules for the values a template handles: how {@code {{ x }}} prints a value
 * ({@code %v}), {@code printf} with Go's verbs, flags, width and precision (including its
 * {@code %!d(string=x)} marks for mismatched arguments), and {@code strconv.Quote}. Values are
 * Java objects standing for Go's: String, Long (int), Double (float64), Boolean, ZonedDateTime
 * (time.Time), Map (map[string]interface{}), List ([]interface{}) and null (nil).
 */
public final class GoFormat {
  private GoFormat() {}

  /** What {@code {{ value }}} writes: {@code %v}, with nil printed as Go's template does. */
  public static String print(Object value) {
    if (value == null) {
      return "<no value>";
    }
    return formatValue(value);
  }

  /** {@code %v} of a value. */
  public static String formatValue(Object value) {
    StringBuilder out = new StringBuilder();
    appendValue(out, value);
    return out.toString();
  }

  private static void appendValue(StringBuilder out, Object value) {
    switch (value) {
      case null -> out.append("<nil>");
      case String s -> out.append(s);
      case Long l -> out.append(l.longValue());
      case Double d -> out.append(formatFloat(d, 'g', -1, false));
      case Boolean b -> out.append(b.booleanValue());
      case ZonedDateTime t -> out.append(GoTime.toGoString(t));
      case Map<?, ?> map -> {
        out.append("map[");
        boolean first = true;
        for (Map.Entry<?, ?> entry : new TreeMap<>(map).entrySet()) {
          if (!first) {
            out.append(' ');
          }
          first = false;
          out.append(entry.getKey()).append(':');
          appendValue(out, entry.getValue());
        }
        out.append(']');
      }
      case List<?> list -> {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(' ');
          }
          appendValue(out, list.get(i));
        }
        out.append(']');
      }
      default -> out.append(value);
    }
  }

  /** Go's type name of a value, as error messages and {@code %!v(type=...)} marks show it. */
  public static String typeName(Object value) {
    return switch (value) {
      case null -> "<nil>";
      case String s -> "string";
      case Long l -> "int";
      case Double d -> "float64";
      case Boolean b -> "bool";
      case ZonedDateTime t -> "time.Time";
      case Map<?, ?> m -> "map[string]interface {}";
      case List<?> l -> "[]interface {}";
      default -> value.getClass().getSimpleName();
    };
  }

  /** Go's {@code strconv.Quote}. */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    text.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case 7 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 11 -> out.append("\\v");
                default -> {
                  if (c < 0x20 || c == 0x7f) {
                    out.append(String.format(Locale.ROOT, "\\x%02x", c));
                  } else if (!isPrintable(c)) {
                    out.append(c > 0xffff ? String.format(Locale.ROOT, "\\U%08x", c) : String.format(Locale.ROOT, "\\u%04x", c));
                  } else {
                    out.appendCodePoint(c);
                  }
                }
              }
            });
    return out.append('"').toString();
  }

  private static boolean isPrintable(int codePoint) {
    int type = Character.getType(codePoint);
    return type != Character.CONTROL
        && type != Character.FORMAT
        && type != Character.SURROGATE
        && type != Character.PRIVATE_USE
        && type != Character.UNASSIGNED
        && type != Character.LINE_SEPARATOR
        && type != Character.PARAGRAPH_SEPARATOR
        && (type != Character.SPACE_SEPARATOR || codePoint == ' ');
  }

  /**
   * Formats a float64 as Go's {@code strconv.FormatFloat} does for formats 'e', 'E', 'f', 'g' and
   * 'G'; precision -1 means the shortest text that reads back as the same value.
   */
  public static String formatFloat(double value, char format, int precision, boolean sharp) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    boolean negative = value < 0 || (value == 0 && 1 / value < 0);
    double magnitude = Math.abs(value);
    String body;
    switch (format) {
      case 'f', 'F' -> {
        BigDecimal decimal = precision < 0 ? shortest(magnitude) : new BigDecimal(magnitude).setScale(precision, RoundingMode.HALF_EVEN);
        body = decimal.toPlainString();
        if (precision < 0 && decimal.scale() < 0) {
          body = decimal.setScale(0).toPlainString();
        }
      }
      case 'e', 'E' -> {
        body = exponentForm(magnitude, precision, format);
      }
      default -> {
        body = generalForm(magnitude, precision, format == 'G' ? 'E' : 'e', sharp);
      }
    }
    return negative ? "-" + body : body;
  }

  private static BigDecimal shortest(double magnitude) {
    if (magnitude == 0) {
      return BigDecimal.ZERO;
    }
    return new BigDecimal(Double.toString(magnitude)).stripTrailingZeros();
  }

  /** Digits (no leading zeros) and decimal exponent so that value = 0.digits * 10^pointPosition. */
  private record Digits(String digits, int pointPosition) {}

  private static Digits digits(BigDecimal decimal) {
    if (decimal.signum() == 0) {
      return new Digits("0", 1);
    }
    BigDecimal stripped = decimal.stripTrailingZeros();
    String unscaled = stripped.unscaledValue().toString();
    return new Digits(unscaled, unscaled.length() - stripped.scale());
  }

  private static String exponentForm(double magnitude, int precision, char e) {
    Digits d;
    if (precision < 0) {
      d = digits(shortest(magnitude));
    } else {
      BigDecimal rounded = magnitude == 0 ? BigDecimal.ZERO : new BigDecimal(magnitude).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
      d = digits(rounded);
    }
    String digitText = d.digits();
    int count = precision < 0 ? digitText.length() : precision + 1;
    StringBuilder mantissa = new StringBuilder();
    mantissa.append(digitText.charAt(0));
    if (count > 1) {
      mantissa.append('.');
      for (int i = 1; i < count; i++) {
        mantissa.append(i < digitText.length() ? digitText.charAt(i) : '0');
      }
    }
    int exponent = magnitude == 0 ? 0 : d.pointPosition() - 1;
    return mantissa.append(e).append(exponent < 0 ? '-' : '+').append(exponent > -10 && exponent < 10 ? "0" : "").append(Math.abs(exponent)).toString();
  }

  private static String generalForm(double magnitude, int precision, char e, boolean sharp) {
    Digits d;
    int exponentPrecision;
    if (precision < 0) {
      d = digits(shortest(magnitude));
      exponentPrecision = 6;
    } else {
      int significant = precision == 0 ? 1 : precision;
      BigDecimal rounded = magnitude == 0 ? BigDecimal.ZERO : new BigDecimal(magnitude).round(new MathContext(significant, RoundingMode.HALF_EVEN));
      d = digits(rounded);
      exponentPrecision = significant;
      if (exponentPrecision > d.digits().length() && d.digits().length() >= d.pointPosition()) {
        exponentPrecision = d.digits().length();
      }
    }
    int exponent = magnitude == 0 ? 0 : d.pointPosition() - 1;
    if (exponent < -4 || exponent >= exponentPrecision) {
      String digitText = d.digits();
      StringBuilder out = new StringBuilder().append(digitText.charAt(0));
      if (digitText.length() > 1) {
        out.append('.').append(digitText, 1, digitText.length());
      }
      return out.append(e).append(exponent < 0 ? '-' : '+').append(exponent > -10 && exponent < 10 ? "0" : "").append(Math.abs(exponent)).toString();
    }
    String digitText = d.digits();
    int point = d.pointPosition();
    StringBuilder out = new StringBuilder();
    if (point <= 0) {
      out.append("0.");
      out.append("0".repeat(-point)).append(digitText);
    } else if (point >= digitText.length()) {
      out.append(digitText).append("0".repeat(point - digitText.length()));
    } else {
      out.append(digitText, 0, point).append('.').append(digitText, point, digitText.length());
    }
    if (digitText.equals("0")) {
      return "0";
    }
    return out.toString();
  }

  /** Go's {@code fmt.Sprintf}. */
  public static String sprintf(String format, List<Object> arguments) {
    StringBuilder out = new StringBuilder();
    int argumentIndex = 0;
    int i = 0;
    int length = format.length();
    while (i < length) {
      char c = format.charAt(i);
      if (c != '%') {
        out.append(c);
        i++;
        continue;
      }
      i++;
      if (i >= length) {
        out.append("%!(NOVERB)");
        break;
      }
      boolean minus = false;
      boolean plus = false;
      boolean sharp = false;
      boolean space = false;
      boolean zero = false;
      flags:
      while (i < length) {
        switch (format.charAt(i)) {
          case '-' -> minus = true;
          case '+' -> plus = true;
          case '#' -> sharp = true;
          case ' ' -> space = true;
          case '0' -> zero = true;
          default -> {
            break flags;
          }
        }
        i++;
      }
      int width = -1;
      if (i < length && format.charAt(i) == '*') {
        i++;
        if (argumentIndex < arguments.size() && arguments.get(argumentIndex) instanceof Long w) {
          width = (int) Math.min(Math.abs(w), 1_000_000);
          minus |= w < 0;
        } else {
          out.append("%!(BADWIDTH)");
        }
        argumentIndex++;
      } else {
        int start = i;
        while (i < length && Character.isDigit(format.charAt(i)) && i - start < 7) {
          i++;
        }
        if (i > start) {
          width = Integer.parseInt(format.substring(start, i));
        }
      }
      int precision = -1;
      if (i < length && format.charAt(i) == '.') {
        i++;
        if (i < length && format.charAt(i) == '*') {
          i++;
          if (argumentIndex < arguments.size() && arguments.get(argumentIndex) instanceof Long p && p >= 0) {
            precision = (int) Math.min(p, 1_000_000);
          } else {
            out.append("%!(BADPREC)");
          }
          argumentIndex++;
        } else {
          int start = i;
          while (i < length && Character.isDigit(format.charAt(i)) && i - start < 7) {
            i++;
          }
          precision = i > start ? Integer.parseInt(format.substring(start, i)) : 0;
        }
      }
      if (i >= length) {
        out.append("%!(NOVERB)");
        break;
      }
      char verb = format.charAt(i);
      i += Character.charCount(format.codePointAt(i));
      if (verb == '%') {
        out.append('%');
        continue;
      }
      if (argumentIndex >= arguments.size()) {
        out.append("%!").append(verb).append("(MISSING)");
        continue;
      }
      Object argument = arguments.get(argumentIndex++);
      Spec spec = new Spec(minus, plus, sharp, space, zero, width, precision, verb);
      out.append(formatArgument(spec, argument));
    }
    if (argumentIndex < arguments.size()) {
      out.append("%!(EXTRA ");
      for (int a = argumentIndex; a < arguments.size(); a++) {
        if (a > argumentIndex) {
          out.append(", ");
        }
        Object extra = arguments.get(a);
        out.append(typeName(extra)).append('=').append(extra == null ? "<nil>" : formatValue(extra));
      }
      out.append(')');
    }
    return out.toString();
  }

  private record Spec(boolean minus, boolean plus, boolean sharp, boolean space, boolean zero, int width, int precision, char verb) {}

  private static String formatArgument(Spec spec, Object argument) {
    char verb = spec.verb();
    String body;
    boolean numeric = false;
    switch (argument) {
      case null -> {
        if (verb == 'v' || verb == 's') {
          body = verb == 'v' ? "<nil>" : "%!s(<nil>)";
        } else {
          body = "%!" + verb + "(<nil>)";
        }
        return pad(spec, body, false);
      }
      case String s -> {
        switch (verb) {
          case 'v', 's' -> body = truncate(s, spec.precision());
          case 'q' -> body = quote(truncate(s, spec.precision()));
          case 'x', 'X' -> body = hex(truncate(s, spec.precision()).getBytes(StandardCharsets.UTF_8), verb == 'X');
          default -> {
            return bad(spec, argument);
          }
        }
      }
      case Long l -> {
        numeric = true;
        long v = l;
        switch (verb) {
          case 'v', 'd' -> body = signed(spec, Long.toString(Math.abs(v)), v < 0);
          case 'b' -> body = signed(spec, Long.toBinaryString(Math.abs(v)), v < 0);
          case 'o', 'O' -> body = signed(spec, (verb == 'O' ? "0o" : spec.sharp() ? "0" : "") + Long.toOctalString(Math.abs(v)), v < 0);
          case 'x', 'X' -> {
            String digits = BigInteger.valueOf(v).abs().toString(16);
            if (verb == 'X') {
              digits = digits.toUpperCase(Locale.ROOT);
            }
            body = signed(spec, (spec.sharp() ? (verb == 'X' ? "0X" : "0x") : "") + digits, v < 0);
          }
          case 'c' -> {
            numeric = false;
            body = Character.isValidCodePoint((int) v) && v == (int) v ? new String(Character.toChars((int) v)) : "\ufffd";
          }
          case 'q' -> {
            numeric = false;
            body = "'" + (Character.isValidCodePoint((int) v) && v == (int) v ? new String(Character.toChars((int) v)) : "\ufffd") + "'";
          }
          case 'U' -> body = "U+" + String.format(Locale.ROOT, "%04X", v);
          case 'e', 'E', 'f', 'F', 'g', 'G' -> {
            return bad(spec, argument);
          }
          default -> {
            return bad(spec, argument);
          }
        }
      }
      case Double d -> {
        numeric = true;
        boolean floatVerb = "vgGeEfF".indexOf(verb) >= 0;
        if (floatVerb && (Double.isNaN(d) || Double.isInfinite(d))) {
          // Go keeps the sign of an infinity (+Inf), drops NaN's unless asked, and never pads these with zeros.
          String sign = Double.isNaN(d) ? (spec.plus() ? "+" : spec.space() ? " " : "") : d < 0 ? "-" : spec.space() && !spec.plus() ? " " : "+";
          String text = sign + (Double.isNaN(d) ? "NaN" : "Inf");
          int padding = Math.max(0, spec.width() - text.length());
          return spec.minus() ? text + " ".repeat(padding) : " ".repeat(padding) + text;
        }
        switch (verb) {
          case 'v', 'g', 'G', 'e', 'E', 'f', 'F' -> {
            char format = verb == 'v' ? 'g' : verb;
            int precision = spec.precision();
            if (precision < 0 && (format == 'e' || format == 'E' || format == 'f' || format == 'F')) {
              precision = 6;
            }
            String text = formatFloat(Math.abs(d), format, precision, spec.sharp());
            body = signed(spec, text, d < 0 || (d == 0 && 1 / d < 0));
          }
          default -> {
            return bad(spec, argument);
          }
        }
      }
      case Boolean b -> {
        if (verb == 'v' || verb == 't') {
          body = b.toString();
        } else {
          return bad(spec, argument);
        }
      }
      default -> {
        if (verb == 'v' || verb == 's') {
          body = truncate(formatValue(argument), spec.precision());
        } else if (verb == 'q' && argument instanceof ZonedDateTime t) {
          body = quote(GoTime.toGoString(t));
        } else {
          return bad(spec, argument);
        }
      }
    }
    return pad(spec, body, numeric);
  }

  private static String bad(Spec spec, Object argument) {
    return "%!" + spec.verb() + "(" + typeName(argument) + "=" + formatValue(argument) + ")";
  }

  private static String signed(Spec spec, String digits, boolean negative) {
    if (negative) {
      return "-" + digits;
    }
    if (spec.plus()) {
      return "+" + digits;
    }
    if (spec.space()) {
      return " " + digits;
    }
    return digits;
  }

  private static String truncate(String text, int precision) {
    if (precision < 0 || text.codePointCount(0, text.length()) <= precision) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, precision));
  }

  private static String hex(byte[] bytes, boolean upper) {
    StringBuilder out = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      out.append(String.format(Locale.ROOT, upper ? "%02X" : "%02x", b & 0xff));
    }
    return out.toString();
  }

  private static String pad(Spec spec, String body, boolean numeric) {
    int length = body.codePointCount(0, body.length());
    if (spec.width() <= length) {
      return body;
    }
    int padding = spec.width() - length;
    if (spec.minus()) {
      return body + " ".repeat(padding);
    }
    if (spec.zero() && numeric) {
      int signLength = !body.isEmpty() && (body.charAt(0) == '-' || body.charAt(0) == '+' || body.charAt(0) == ' ') ? 1 : 0;
      return body.substring(0, signLength) + "0".repeat(padding) + body.substring(signLength);
    }
    if (spec.zero()) {
      return "0".repeat(padding) + body;
    }
    return " ".repeat(padding) + body;
  }
}
