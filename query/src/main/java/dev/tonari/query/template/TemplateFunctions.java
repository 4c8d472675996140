package dev.tonari.query.template;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.tonari.query.template.Template.Execution;
import dev.tonari.query.template.Template.FunctionError;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loki's template function map: Go's builtins ({@code eq}, {@code printf}, {@code len}, ...), the
 * Sprig functions Loki enables, and Loki's own ({@code __line__}, {@code duration}, {@code bytes},
 * {@code unixToTime}, {@code alignLeft}, ...). Arguments arrive as Go-like values (see
 * {@link GoFormat}); each function checks them as Go's reflection would, with Go's messages.
 */
final class TemplateFunctions {
  private TemplateFunctions() {}

  @FunctionalInterface
  private interface Body {
    Object call(List<Object> arguments, Execution execution) throws FunctionError;
  }

  /** A function with its arity: {@code maximum} -1 means variadic. */
  private record Function(int minimum, int maximum, Body body) {}

  private static final Map<String, Function> FUNCTIONS = new HashMap<>();

  /** Loki's whole function map: Go's builtins, Sprig's subset and Loki's own. */
  static final Set<String> NAMES;

  /** Go's builtins alone, the map of dialects without Loki's functions. */
  static final Set<String> GO_BUILTIN_NAMES =
      Set.of("and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "slice", "print", "println", "printf", "html", "js", "urlquery");

  private static void define(String name, int minimum, int maximum, Body body) {
    FUNCTIONS.put(name, new Function(minimum, maximum, body));
  }

  static {
    // Go's builtins. "and" and "or" are evaluated lazily by the executor; listed here for the parser.
    define("and", 1, -1, (a, e) -> null);
    define("or", 1, -1, (a, e) -> null);
    define("not", 1, 1, (a, e) -> !GoValues.truth(a.get(0)));
    define("eq", 1, -1, TemplateFunctions::eq);
    define("ne", 2, 2, (a, e) -> !GoValues.equal(a.get(0), a.get(1)));
    define("lt", 2, 2, (a, e) -> GoValues.less(a.get(0), a.get(1)));
    define("le", 2, 2, (a, e) -> GoValues.less(a.get(0), a.get(1)) || GoValues.equal(a.get(0), a.get(1)));
    define("gt", 2, 2, (a, e) -> !GoValues.less(a.get(0), a.get(1)) && !GoValues.equal(a.get(0), a.get(1)));
    define("ge", 2, 2, (a, e) -> !GoValues.less(a.get(0), a.get(1)));
    define("len", 1, 1, TemplateFunctions::length);
    define("index", 1, -1, TemplateFunctions::index);
    define("slice", 1, 3, TemplateFunctions::slice);
    define("print", 0, -1, (a, e) -> sprint(a));
    define("println", 0, -1, (a, e) -> sprintln(a));
    define("printf", 1, -1, (a, e) -> GoFormat.sprintf(string(a, 0), a.subList(1, a.size())));
    define("html", 0, -1, (a, e) -> htmlEscape(sprint(a)));
    define("js", 0, -1, (a, e) -> jsEscape(sprint(a)));
    define("urlquery", 0, -1, (a, e) -> queryEscape(sprint(a)));

    // Loki's line and timestamp.
    define("__line__", 0, 0, (a, e) -> e.line());
    define("__timestamp__", 0, 0, (a, e) -> GoTime.fromEpochNanos(e.timestampNanos()));

    // Go's strings functions that Loki kept under their old names (receiver first).
    define("ToLower", 1, 1, (a, e) -> string(a, 0).toLowerCase(Locale.ROOT));
    define("ToUpper", 1, 1, (a, e) -> string(a, 0).toUpperCase(Locale.ROOT));
    define("Replace", 4, 4, (a, e) -> replace(string(a, 0), string(a, 1), string(a, 2), integer(a, 3)));
    define("Trim", 2, 2, (a, e) -> trimCutset(string(a, 0), string(a, 1), true, true));
    define("TrimLeft", 2, 2, (a, e) -> trimCutset(string(a, 0), string(a, 1), true, false));
    define("TrimRight", 2, 2, (a, e) -> trimCutset(string(a, 0), string(a, 1), false, true));
    define("TrimPrefix", 2, 2, (a, e) -> trimPrefix(string(a, 0), string(a, 1)));
    define("TrimSuffix", 2, 2, (a, e) -> trimSuffix(string(a, 0), string(a, 1)));
    define("TrimSpace", 1, 1, (a, e) -> trimSpace(string(a, 0)));

    // Sprig's functions as Loki enables them (argument order: the subject string last).
    define("lower", 1, 1, (a, e) -> string(a, 0).toLowerCase(Locale.ROOT));
    define("upper", 1, 1, (a, e) -> string(a, 0).toUpperCase(Locale.ROOT));
    define("title", 1, 1, (a, e) -> GoStrings.title(string(a, 0)));
    define("trunc", 2, 2, (a, e) -> trunc(integer(a, 0), string(a, 1)));
    define("substr", 3, 3, (a, e) -> substring(integer(a, 0), integer(a, 1), string(a, 2)));
    define("contains", 2, 2, (a, e) -> string(a, 1).contains(string(a, 0)));
    define("hasPrefix", 2, 2, (a, e) -> string(a, 1).startsWith(string(a, 0)));
    define("hasSuffix", 2, 2, (a, e) -> string(a, 1).endsWith(string(a, 0)));
    define("indent", 2, 2, (a, e) -> indent(e, integer(a, 0), string(a, 1)));
    define("nindent", 2, 2, (a, e) -> "\n" + indent(e, integer(a, 0), string(a, 1)));
    define("replace", 3, 3, (a, e) -> replace(string(a, 2), string(a, 0), string(a, 1), -1));
    define("repeat", 2, 2, TemplateFunctions::repeat);
    define("trim", 1, 1, (a, e) -> trimSpace(string(a, 0)));
    define("trimAll", 2, 2, (a, e) -> trimCutset(string(a, 1), string(a, 0), true, true));
    define("trimPrefix", 2, 2, (a, e) -> trimPrefix(string(a, 1), string(a, 0)));
    define("trimSuffix", 2, 2, (a, e) -> trimSuffix(string(a, 1), string(a, 0)));
    define("int", 1, 1, (a, e) -> GoNumbers.toInt64(a.get(0)));
    define("float64", 1, 1, (a, e) -> GoNumbers.toFloat64(a.get(0)));
    define("add", 0, -1, (a, e) -> sum(a));
    define("sub", 2, 2, (a, e) -> GoNumbers.toInt64(a.get(0)) - GoNumbers.toInt64(a.get(1)));
    define("mul", 1, -1, TemplateFunctions::multiply);
    define("div", 2, 2, (a, e) -> divide(a, false));
    define("mod", 2, 2, (a, e) -> divide(a, true));
    define("addf", 0, -1, (a, e) -> decimalFold(a, '+'));
    define("subf", 1, -1, (a, e) -> decimalFold(a, '-'));
    define("mulf", 1, -1, (a, e) -> decimalFold(a, '*'));
    define("divf", 1, -1, (a, e) -> decimalFold(a, '/'));
    define("max", 1, -1, (a, e) -> extreme(a, true));
    define("min", 1, -1, (a, e) -> extreme(a, false));
    define("maxf", 1, -1, (a, e) -> extremeFloat(a, true));
    define("minf", 1, -1, (a, e) -> extremeFloat(a, false));
    define("ceil", 1, 1, (a, e) -> Math.ceil(GoNumbers.toFloat64(a.get(0))));
    define("floor", 1, 1, (a, e) -> Math.floor(GoNumbers.toFloat64(a.get(0))));
    define("round", 2, 3, TemplateFunctions::round);
    define("fromJson", 1, 1, (a, e) -> JsonValues.parseOrNull(string(a, 0)));
    define("date", 2, 2, (a, e) -> GoTime.format(timeOf(a.get(1)).withZoneSameInstant(GoTime.LOCAL), string(a, 0)));
    define("toDate", 2, 2, (a, e) -> parseTimeOrZero(string(a, 0), string(a, 1), GoTime.LOCAL));
    define("now", 0, 0, (a, e) -> ZonedDateTime.now(GoTime.LOCAL));
    define("unixEpoch", 1, 1, (a, e) -> Long.toString(time(a, 0).toEpochSecond()));
    define("default", 1, -1, (a, e) -> a.size() < 2 || GoValues.empty(a.get(1)) ? a.get(0) : a.get(1));
    define("b64enc", 1, 1, (a, e) -> Base64.getEncoder().encodeToString(string(a, 0).getBytes(StandardCharsets.UTF_8)));
    define("b64dec", 1, 1, (a, e) -> base64Decode(string(a, 0)));

    // Loki's own.
    define("regexReplaceAll", 3, 3, (a, e) -> regexReplace(string(a, 0), string(a, 1), string(a, 2), false));
    define("regexReplaceAllLiteral", 3, 3, (a, e) -> regexReplace(string(a, 0), string(a, 1), string(a, 2), true));
    define("count", 2, 2, (a, e) -> countMatches(string(a, 0), string(a, 1)));
    define("urldecode", 1, 1, (a, e) -> queryUnescape(string(a, 0)));
    define("urlencode", 1, 1, (a, e) -> queryEscape(string(a, 0)));
    define("bytes", 1, 1, (a, e) -> bytes(string(a, 0)));
    define("duration", 1, 1, (a, e) -> durationSeconds(string(a, 0)));
    define("duration_seconds", 1, 1, (a, e) -> durationSeconds(string(a, 0)));
    define("unixEpochMillis", 1, 1, (a, e) -> Long.toString(Math.floorDiv(GoTime.epochNanos(time(a, 0)), 1_000_000L)));
    define("unixEpochNanos", 1, 1, (a, e) -> Long.toString(GoTime.epochNanos(time(a, 0))));
    define("toDateInZone", 3, 3, TemplateFunctions::toDateInZone);
    define("unixToTime", 1, 1, (a, e) -> unixToTime(string(a, 0)));
    define("alignLeft", 2, 2, (a, e) -> align(integer(a, 0), string(a, 1), true));
    define("alignRight", 2, 2, (a, e) -> align(integer(a, 0), string(a, 1), false));
    NAMES = Set.copyOf(FUNCTIONS.keySet());
  }

  /** The names a template of this dialect may call. */
  static Set<String> namesOf(TemplateDialect dialect) {
    if (dialect.functions().isEmpty()) {
      return dialect.lokiFunctions() ? NAMES : GO_BUILTIN_NAMES;
    }
    java.util.Set<String> names = new java.util.HashSet<>(dialect.lokiFunctions() ? NAMES : GO_BUILTIN_NAMES);
    names.addAll(dialect.functions().keySet());
    return Set.copyOf(names);
  }

  /** Calls a function of the dialect, with Go's arity check and messages. */
  static Object callDialectFunction(TemplateFunction function, List<Object> arguments, Execution execution) throws FunctionError {
    int count = arguments.size();
    int minimum = function.minimumArguments();
    int maximum = function.maximumArguments();
    if (maximum < 0 ? count < minimum : count < minimum || count > maximum) {
      String want = maximum < 0 ? "at least " + minimum : minimum == maximum ? Integer.toString(minimum) : minimum + " to " + maximum;
      throw FunctionError.arity("wrong number of args for " + function.name() + ": want " + want + " got " + count);
    }
    Object result;
    try {
      result = function.body().call(java.util.Collections.unmodifiableList(arguments));
    } catch (TemplateFunctionException e) {
      throw new FunctionError(e.getMessage(), e.argumentTypeError(), false, e.argumentIndex());
    }
    if (result instanceof String text) {
      execution.checkOutputSize(text.length());
    }
    return result;
  }

  static Object call(String name, List<Object> arguments, Execution execution) throws FunctionError {
    Function function = FUNCTIONS.get(name);
    if (function == null) {
      throw new FunctionError("function \"" + name + "\" not defined", true);
    }
    int count = arguments.size();
    if (function.maximum() < 0 ? count < function.minimum() : count < function.minimum() || count > function.maximum()) {
      String want = function.maximum() < 0 ? "at least " + function.minimum() : function.minimum() == function.maximum() ? Integer.toString(function.minimum()) : function.minimum() + " to " + function.maximum();
      throw FunctionError.arity("wrong number of args for " + name + ": want " + want + " got " + count);
    }
    Object result = function.body().call(arguments, execution);
    if (result instanceof String text) {
      execution.checkOutputSize(text.length());
    }
    return result;
  }

  // ---- argument conversion, with Go's messages ----

  private static FunctionError wrongType(String expected, Object value) {
    return wrongType(expected, value, -1);
  }

  private static FunctionError wrongType(String expected, Object value, int argumentIndex) {
    return new FunctionError("wrong type for value; expected " + expected + "; got " + GoFormat.typeName(value), true, false, argumentIndex);
  }

  private static String string(List<Object> arguments, int index) throws FunctionError {
    Object value = arguments.get(index);
    if (value instanceof String s) {
      return s;
    }
    throw wrongType("string", value, index);
  }

  private static long integer(List<Object> arguments, int index) throws FunctionError {
    Object value = arguments.get(index);
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return d.longValue();
    }
    throw wrongType("int", value, index);
  }

  private static ZonedDateTime time(List<Object> arguments, int index) throws FunctionError {
    Object value = arguments.get(index);
    if (value instanceof ZonedDateTime t) {
      return t;
    }
    throw wrongType("time.Time", value, index);
  }

  /** Sprig's date argument: a time, or seconds since the epoch; anything else means now. */
  private static ZonedDateTime timeOf(Object value) {
    return switch (value) {
      case ZonedDateTime t -> t;
      case Long seconds -> Instant.ofEpochSecond(seconds).atZone(GoTime.LOCAL);
      case null, default -> ZonedDateTime.now(GoTime.LOCAL);
    };
  }

  // ---- builtins ----

  private static Object eq(List<Object> arguments, Execution execution) throws FunctionError {
    if (arguments.size() < 2) {
      throw new FunctionError("missing argument for comparison");
    }
    Object first = arguments.get(0);
    for (int i = 1; i < arguments.size(); i++) {
      if (GoValues.equal(first, arguments.get(i))) {
        return true;
      }
    }
    return false;
  }

  private static Object length(List<Object> arguments, Execution execution) throws FunctionError {
    return switch (arguments.get(0)) {
      case String s -> (long) s.getBytes(StandardCharsets.UTF_8).length;
      case Map<?, ?> map -> (long) map.size();
      case List<?> list -> (long) list.size();
      case null -> throw new FunctionError("len of nil pointer");
      default -> throw new FunctionError("len of type " + GoFormat.typeName(arguments.get(0)));
    };
  }

  private static Object index(List<Object> arguments, Execution execution) throws FunctionError {
    Object item = arguments.get(0);
    for (int i = 1; i < arguments.size(); i++) {
      Object key = arguments.get(i);
      switch (item) {
        case Map<?, ?> map -> {
          if (!(key instanceof String)) {
            throw new FunctionError("value has type " + GoFormat.typeName(key) + "; should be string");
          }
          item = map.get(key);
        }
        case List<?> list -> {
          if (!(key instanceof Long position)) {
            throw new FunctionError("cannot index slice/array with type " + GoFormat.typeName(key));
          }
          if (position < 0 || position >= list.size()) {
            throw new FunctionError("index out of range: " + position);
          }
          item = list.get(position.intValue());
        }
        case String s -> {
          if (!(key instanceof Long position)) {
            throw new FunctionError("cannot index slice/array with type " + GoFormat.typeName(key));
          }
          byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
          if (position < 0 || position >= bytes.length) {
            throw new FunctionError("index out of range: " + position);
          }
          item = (long) (bytes[position.intValue()] & 0xff);
        }
        case null -> throw new FunctionError("index of untyped nil");
        default -> throw new FunctionError("can't index item of type " + GoFormat.typeName(item));
      }
    }
    return item;
  }

  private static Object slice(List<Object> arguments, Execution execution) throws FunctionError {
    Object item = arguments.get(0);
    long[] bounds = new long[arguments.size() - 1];
    for (int i = 1; i < arguments.size(); i++) {
      bounds[i - 1] = integer(arguments, i);
    }
    if (item instanceof String s) {
      if (bounds.length > 1 && arguments.size() == 4) {
        throw new FunctionError("cannot 3-index slice a string");
      }
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      long from = bounds.length > 0 ? bounds[0] : 0;
      long to = bounds.length > 1 ? bounds[1] : bytes.length;
      if (from < 0 || to > bytes.length || from > to) {
        throw new FunctionError("index out of range: " + (from < 0 || from > to ? from : to));
      }
      return new String(bytes, (int) from, (int) (to - from), StandardCharsets.UTF_8);
    }
    if (item instanceof List<?> list) {
      long from = bounds.length > 0 ? bounds[0] : 0;
      long to = bounds.length > 1 ? bounds[1] : list.size();
      if (from < 0 || to > list.size() || from > to) {
        throw new FunctionError("index out of range: " + (from < 0 || from > to ? from : to));
      }
      return List.copyOf(list.subList((int) from, (int) to));
    }
    throw new FunctionError("can't slice item of type " + GoFormat.typeName(item));
  }

  /** Go's {@code fmt.Sprint}: spaces only between operands when neither is a string. */
  private static String sprint(List<Object> arguments) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < arguments.size(); i++) {
      Object value = arguments.get(i);
      if (i > 0 && !(value instanceof String) && !(arguments.get(i - 1) instanceof String)) {
        out.append(' ');
      }
      out.append(GoFormat.formatValue(value));
    }
    return out.toString();
  }

  private static String sprintln(List<Object> arguments) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < arguments.size(); i++) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(GoFormat.formatValue(arguments.get(i)));
    }
    return out.append('\n').toString();
  }

  private static String htmlEscape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("&#34;");
        case '\'' -> out.append("&#39;");
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case 0 -> out.append('\ufffd');
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String jsEscape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\'' -> out.append("\\'");
        case '"' -> out.append("\\\"");
        case '<' -> out.append("\\u003C");
        case '>' -> out.append("\\u003E");
        case '&' -> out.append("\\u0026");
        case '=' -> out.append("\\u003D");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < ' ') {
            out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  // ---- strings ----

  private static String replace(String text, String old, String replacement, long count) {
    if (count < 0) {
      if (old.isEmpty()) {
        // Go inserts the replacement before every rune and at the end.
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> out.append(replacement).appendCodePoint(c));
        return out.append(replacement).toString();
      }
      return text.replace(old, replacement);
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (long n = 0; n < count; n++) {
      int found = old.isEmpty() ? (from <= text.length() ? from : -1) : text.indexOf(old, from);
      if (found < 0) {
        break;
      }
      out.append(text, from, found).append(replacement);
      if (old.isEmpty()) {
        if (found < text.length()) {
          int next = text.offsetByCodePoints(found, 1);
          out.append(text, found, next);
          from = next;
        } else {
          from = text.length() + 1;
        }
      } else {
        from = found + old.length();
      }
    }
    if (from <= text.length()) {
      out.append(text, from, text.length());
    }
    return out.toString();
  }

  private static String trimCutset(String text, String cutset, boolean left, boolean right) {
    int start = 0;
    int end = text.length();
    while (left && start < end && cutset.indexOf(text.codePointAt(start)) >= 0) {
      start += Character.charCount(text.codePointAt(start));
    }
    while (right && end > start && cutset.indexOf(text.codePointBefore(end)) >= 0) {
      end -= Character.charCount(text.codePointBefore(end));
    }
    return text.substring(start, end);
  }

  private static String trimPrefix(String text, String prefix) {
    return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
  }

  private static String trimSuffix(String text, String suffix) {
    return text.endsWith(suffix) ? text.substring(0, text.length() - suffix.length()) : text;
  }

  /** Go's TrimSpace: Unicode white space on both ends. */
  private static String trimSpace(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && isGoSpace(text.charAt(start))) {
      start++;
    }
    while (end > start && isGoSpace(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(start, end);
  }

  private static boolean isGoSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 11 || c == '\f' || c == '\r' || c == 0x85 || c == 0xA0 || Character.isSpaceChar(c);
  }

  private static String trunc(long count, String text) {
    int length = text.codePointCount(0, text.length());
    if (count < 0 && length + count > 0) {
      return text.substring(text.offsetByCodePoints(0, (int) (length + count)));
    }
    if (count >= 0 && length > count) {
      return text.substring(0, text.offsetByCodePoints(0, (int) count));
    }
    return text;
  }

  /** Loki's rune-safe substr: negative start means from 0, negative or too large end means to the end. */
  private static String substring(long start, long end, String text) {
    int length = text.codePointCount(0, text.length());
    if (end > length) {
      end = length;
    }
    if (start > length) {
      start = length;
    }
    if (start < 0) {
      if (end < 0) {
        return "";
      }
      return text.substring(0, text.offsetByCodePoints(0, (int) end));
    }
    if (end < 0) {
      return text.substring(text.offsetByCodePoints(0, (int) start));
    }
    if (start > end) {
      return "";
    }
    return text.substring(text.offsetByCodePoints(0, (int) start), text.offsetByCodePoints(0, (int) end));
  }

  private static String indent(Execution execution, long spaces, String text) throws FunctionError {
    if (spaces < 0) {
      throw new FunctionError("strings: negative Repeat count");
    }
    execution.checkOutputSize(spaces * (1 + text.chars().filter(c -> c == '\n').count()) + text.length());
    String pad = " ".repeat((int) spaces);
    return pad + text.replace("\n", "\n" + pad);
  }

  private static Object repeat(List<Object> arguments, Execution execution) throws FunctionError {
    long count = integer(arguments, 0);
    String text = string(arguments, 1);
    if (count < 0) {
      throw new FunctionError("strings: negative Repeat count");
    }
    execution.checkOutputSize(count * text.length());
    return text.repeat((int) count);
  }

  private static String align(long count, String text, boolean left) {
    int length = text.codePointCount(0, text.length());
    if (count < 0 || count == length) {
      return text;
    }
    long padding = count - length;
    if (padding > 0) {
      String pad = " ".repeat((int) Math.min(padding, Template.MAX_OUTPUT_CHARS));
      return left ? text + pad : pad + text;
    }
    return left ? text.substring(0, text.offsetByCodePoints(0, (int) count)) : text.substring(text.offsetByCodePoints(0, (int) (length - count)));
  }

  private static String base64Decode(String text) {
    try {
      return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // Sprig returns the error's text as the result rather than failing.
      return "illegal base64 data at input byte " + firstBadBase64Byte(text);
    }
  }

  private static int firstBadBase64Byte(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
      if (!ok) {
        return i;
      }
    }
    return Math.max(0, text.length() - text.length() % 4);
  }

  // ---- numbers ----

  private static Object sum(List<Object> arguments) {
    long total = 0;
    for (Object value : arguments) {
      total += GoNumbers.toInt64(value);
    }
    return total;
  }

  private static Object multiply(List<Object> arguments, Execution execution) {
    long product = GoNumbers.toInt64(arguments.get(0));
    for (int i = 1; i < arguments.size(); i++) {
      product *= GoNumbers.toInt64(arguments.get(i));
    }
    return product;
  }

  private static Object divide(List<Object> arguments, boolean remainder) throws FunctionError {
    long dividend = GoNumbers.toInt64(arguments.get(0));
    long divisor = GoNumbers.toInt64(arguments.get(1));
    if (divisor == 0) {
      throw new FunctionError("runtime error: integer divide by zero");
    }
    if (dividend == Long.MIN_VALUE && divisor == -1) {
      return remainder ? 0L : Long.MIN_VALUE;
    }
    return remainder ? dividend % divisor : dividend / divisor;
  }

  /** Sprig's float arithmetic goes through shopspring/decimal, so 0.1 + 0.2 is 0.3. */
  private static Object decimalFold(List<Object> arguments, char operator) throws FunctionError {
    if (arguments.isEmpty()) {
      return 0.0;
    }
    BigDecimal result = decimal(arguments.get(0));
    for (int i = 1; i < arguments.size(); i++) {
      BigDecimal operand = decimal(arguments.get(i));
      switch (operator) {
        case '+' -> result = result.add(operand);
        case '-' -> result = result.subtract(operand);
        case '*' -> result = result.multiply(operand);
        default -> {
          if (operand.signum() == 0) {
            throw new FunctionError("decimal division by zero");
          }
          result = result.divide(operand, new MathContext(34, RoundingMode.HALF_EVEN)).setScale(16, RoundingMode.HALF_EVEN);
        }
      }
    }
    return result.doubleValue();
  }

  private static BigDecimal decimal(Object value) throws FunctionError {
    double d = GoNumbers.toFloat64(value);
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new FunctionError("Cannot create a Decimal from " + GoFormat.formatFloat(d, 'g', -1, false));
    }
    return new BigDecimal(Double.toString(d));
  }

  private static Object extreme(List<Object> arguments, boolean maximum) {
    long best = GoNumbers.toInt64(arguments.get(0));
    for (int i = 1; i < arguments.size(); i++) {
      long value = GoNumbers.toInt64(arguments.get(i));
      best = maximum ? Math.max(best, value) : Math.min(best, value);
    }
    return best;
  }

  private static Object extremeFloat(List<Object> arguments, boolean maximum) {
    double best = GoNumbers.toFloat64(arguments.get(0));
    for (int i = 1; i < arguments.size(); i++) {
      double value = GoNumbers.toFloat64(arguments.get(i));
      best = maximum ? Math.max(best, value) : Math.min(best, value);
    }
    return best;
  }

  private static Object round(List<Object> arguments, Execution execution) throws FunctionError {
    double value = GoNumbers.toFloat64(arguments.get(0));
    long places = integer(arguments, 1);
    double roundOn = 0.5;
    if (arguments.size() > 2) {
      Object option = arguments.get(2);
      if (option instanceof Double d) {
        roundOn = d;
      } else if (option instanceof Long l) {
        roundOn = l;
      } else {
        throw wrongType("float64", option);
      }
    }
    double power = Math.pow(10, places);
    double digit = power * value;
    double fraction = digit - (digit < 0 ? Math.ceil(digit) : Math.floor(digit));
    double rounded = fraction >= roundOn ? Math.ceil(digit) : Math.floor(digit);
    return rounded / power;
  }

  private static Object bytes(String text) throws FunctionError {
    try {
      return GoUnits.parseBytes(text);
    } catch (GoUnits.UnitException e) {
      throw new FunctionError(e.getMessage());
    }
  }

  private static Object durationSeconds(String text) throws FunctionError {
    try {
      return GoUnits.parseDurationNanos(text) / 1e9;
    } catch (GoUnits.UnitException e) {
      throw new FunctionError(e.getMessage());
    }
  }

  // ---- time ----

  private static ZonedDateTime parseTimeOrZero(String layout, String value, ZoneId zone) {
    try {
      return GoTime.parse(layout, value, zone);
    } catch (GoTime.ParseException e) {
      // Sprig's toDate ignores the error and returns Go's zero time.
      return GoTime.ZERO;
    }
  }

  private static Object toDateInZone(List<Object> arguments, Execution execution) throws FunctionError {
    String layout = string(arguments, 0);
    String zoneName = string(arguments, 1);
    String value = string(arguments, 2);
    ZoneId zone;
    try {
      zone = GoTime.zone(zoneName);
    } catch (GoTime.ParseException e) {
      zone = java.time.ZoneOffset.UTC;
    }
    return parseTimeOrZero(layout, value, zone);
  }

  private static Object unixToTime(String epoch) throws FunctionError {
    Long value = GoNumbers.parseInt(epoch.startsWith("0") && epoch.length() > 1 ? stripLeadingZeros(epoch) : epoch);
    if (value == null || epoch.startsWith("0x") || epoch.startsWith("0b") || epoch.startsWith("0o")) {
      throw new FunctionError("unable to parse time '" + epoch + "': strconv.ParseInt: parsing " + GoFormat.quote(epoch) + ": invalid syntax");
    }
    try {
      return switch (epoch.length()) {
        case 5 -> Instant.ofEpochSecond(Math.multiplyExact(value, 86_400L)).atZone(GoTime.LOCAL);
        case 10 -> Instant.ofEpochSecond(value).atZone(GoTime.LOCAL);
        case 13 -> GoTime.fromEpochNanos(Math.multiplyExact(value, 1_000_000L));
        case 16 -> GoTime.fromEpochNanos(Math.multiplyExact(value, 1_000L));
        case 19 -> GoTime.fromEpochNanos(value);
        default -> throw new FunctionError("unable to parse time '" + epoch + "' length " + epoch.length());
      };
    } catch (ArithmeticException e) {
      throw new FunctionError("unable to parse time '" + epoch + "': out of range");
    }
  }

  private static String stripLeadingZeros(String text) {
    int i = 0;
    while (i < text.length() - 1 && text.charAt(i) == '0') {
      i++;
    }
    return text.substring(i);
  }

  // ---- regular expressions and URLs ----

  private static Pattern compile(String regex) throws FunctionError {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new FunctionError(e.getMessage());
    }
  }

  private static Object countMatches(String regex, String text) throws FunctionError {
    Pattern pattern = compile(regex);
    Matcher matcher = pattern.matcher(text);
    long count = 0;
    int lastEnd = -1;
    int from = 0;
    while (from <= text.length() && matcher.find(from)) {
      // Go's FindAll ignores an empty match right after the previous match.
      if (!(matcher.start() == matcher.end() && matcher.start() == lastEnd)) {
        count++;
      }
      lastEnd = matcher.end();
      from = matcher.end() > matcher.start() ? matcher.end() : matcher.end() + (matcher.end() < text.length() ? Character.charCount(text.codePointAt(matcher.end())) : 1);
    }
    return count;
  }

  private static Object regexReplace(String regex, String text, String replacement, boolean literal) throws FunctionError {
    try {
      return GoStrings.replaceAll(compile(regex), text, replacement, literal, Template.MAX_OUTPUT_CHARS);
    } catch (TemplateFunctionException e) {
      throw new FunctionError(e.getMessage());
    }
  }

  /** Go's url.QueryEscape: space becomes '+', unreserved characters stay. */
  static String queryEscape(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }

  private static Object queryUnescape(String text) throws FunctionError {
    byte[] out = new byte[text.length() * 3];
    int length = 0;
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '%') {
        if (i + 2 >= bytes.length || Character.digit(bytes[i + 1], 16) < 0 || Character.digit(bytes[i + 2], 16) < 0) {
          String bad = text.substring(Math.min(text.length(), indexOfByte(text, i)), Math.min(text.length(), indexOfByte(text, i) + 3));
          throw new FunctionError("invalid URL escape " + GoFormat.quote(bad));
        }
        out[length++] = (byte) (Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
        i += 2;
      } else if (b == '+') {
        out[length++] = ' ';
      } else {
        out[length++] = b;
      }
    }
    return new String(out, 0, length, StandardCharsets.UTF_8);
  }

  private static int indexOfByte(String text, int byteIndex) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      if (bytes >= byteIndex) {
        return i;
      }
      bytes += String.valueOf(text.charAt(i)).getBytes(StandardCharsets.UTF_8).length;
    }
    return text.length();
  }
}
