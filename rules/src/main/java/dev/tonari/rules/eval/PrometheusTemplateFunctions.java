package dev.tonari.rules.eval;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.tonari.logql.LogqlUnits;
import dev.tonari.query.template.GoFormat;
import dev.tonari.query.template.GoNumbers;
import dev.tonari.query.template.GoStrings;
import dev.tonari.query.template.Template;
import dev.tonari.query.template.TemplateFunction;
import dev.tonari.query.template.TemplateFunctionException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The functions Prometheus adds to Go's builtins in alert templates: the humanizing functions
 * ({@link Humanize}), {@code toTime}, {@code title}, {@code toUpper}, {@code toLower},
 * {@code match}, {@code reReplaceAll}, {@code stripPort}, {@code stripDomain}, {@code safeHtml},
 * {@code parseDuration}, {@code args}, {@code externalURL} and {@code pathPrefix}. Numbers may be
 * given as numbers or as text, as Prometheus' {@code convertToFloat} allows; its messages are
 * kept ({@code strconv.ParseFloat: parsing "abc": invalid syntax}).
 *
 * <p>Not provided: {@code query}, {@code first}, {@code label}, {@code value}, {@code strvalue},
 * {@code sortByLabel} (they run PromQL inside a template), {@code graphLink} and
 * {@code tableLink} (links into Prometheus' own UI), and {@code tmpl} (named templates). A
 * template using one fails to parse, which shows in the annotation as Prometheus' parse error.
 */
final class PrometheusTemplateFunctions {
  private static final Pattern INFINITY = Pattern.compile("[+-]?inf(inity)?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9a-fA-F:.]+");

  private PrometheusTemplateFunctions() {}

  /** The function map, for an external URL (without a trailing slash, as Prometheus keeps it). */
  static List<TemplateFunction> forExternalUrl(String externalUrl) {
    return List.of(
        number("humanize", Humanize::humanize),
        number("humanize1024", Humanize::humanize1024),
        number("humanizeDuration", Humanize::humanizeDuration),
        number("humanizePercentage", Humanize::humanizePercentage),
        number("humanizeTimestamp", Humanize::humanizeTimestamp),
        TemplateFunction.of("toTime", 1, arguments -> {
          double seconds = toFloat(arguments.get(0));
          if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            // Prometheus returns its "NaN or Inf" error, and the template prints the nil time.
            throw new TemplateFunctionException("value is NaN or Inf");
          }
          try {
            return Humanize.toTime(seconds);
          } catch (IllegalArgumentException e) {
            throw new TemplateFunctionException(e.getMessage());
          }
        }),
        TemplateFunction.of("title", 1, arguments -> GoStrings.title(TemplateFunctionException.stringArgument(arguments, 0))),
        TemplateFunction.of("toUpper", 1, arguments -> TemplateFunctionException.stringArgument(arguments, 0).toUpperCase(Locale.ROOT)),
        TemplateFunction.of("toLower", 1, arguments -> TemplateFunctionException.stringArgument(arguments, 0).toLowerCase(Locale.ROOT)),
        TemplateFunction.of("match", 2, arguments -> {
          String pattern = TemplateFunctionException.stringArgument(arguments, 0);
          String text = TemplateFunctionException.stringArgument(arguments, 1);
          try {
            return Pattern.compile(pattern).matcher(text).find();
          } catch (PatternSyntaxException e) {
            throw new TemplateFunctionException(e.getMessage());
          }
        }),
        TemplateFunction.of("reReplaceAll", 3, arguments -> {
          String pattern = TemplateFunctionException.stringArgument(arguments, 0);
          String replacement = TemplateFunctionException.stringArgument(arguments, 1);
          String text = TemplateFunctionException.stringArgument(arguments, 2);
          Pattern compiled;
          try {
            compiled = Pattern.compile(pattern);
          } catch (PatternSyntaxException e) {
            // Prometheus uses regexp.MustCompile; text/template turns its panic into this error.
            throw new TemplateFunctionException("regexp: Compile(" + goQuoteForRegexp(pattern) + "): " + e.getMessage());
          }
          return GoStrings.replaceAll(compiled, text, replacement, false, Template.MAX_OUTPUT_CHARS);
        }),
        TemplateFunction.of("stripPort", 1, arguments -> stripPort(TemplateFunctionException.stringArgument(arguments, 0))),
        TemplateFunction.of("stripDomain", 1, arguments -> stripDomain(TemplateFunctionException.stringArgument(arguments, 0))),
        TemplateFunction.of("safeHtml", 1, arguments -> TemplateFunctionException.stringArgument(arguments, 0)),
        TemplateFunction.of("parseDuration", 1, arguments -> {
          try {
            return LogqlUnits.parsePrometheusDuration(TemplateFunctionException.stringArgument(arguments, 0)).toNanos() / 1e9;
          } catch (IllegalArgumentException | ArithmeticException e) {
            throw new TemplateFunctionException(e.getMessage());
          }
        }),
        new TemplateFunction("args", 0, -1, arguments -> {
          Map<String, Object> result = new LinkedHashMap<>();
          for (int i = 0; i < arguments.size(); i++) {
            result.put("arg" + i, arguments.get(i));
          }
          return result;
        }),
        TemplateFunction.of("externalURL", 0, arguments -> externalUrl),
        TemplateFunction.of("pathPrefix", 0, arguments -> pathOf(externalUrl)));
  }

  @FunctionalInterface
  private interface NumberFormat {
    String format(double value);
  }

  private static TemplateFunction number(String name, NumberFormat format) {
    return TemplateFunction.of(name, 1, arguments -> {
      double value = toFloat(arguments.get(0));
      try {
        return format.format(value);
      } catch (IllegalArgumentException e) {
        throw new TemplateFunctionException(e.getMessage());
      }
    });
  }

  /** Prometheus' {@code convertToFloat}: numbers, or text parsed by {@code strconv.ParseFloat}. */
  static double toFloat(Object value) throws TemplateFunctionException {
    return switch (value) {
      case Double d -> d;
      case Long l -> l.doubleValue();
      case String text -> parseFloat(text);
      default -> throw new TemplateFunctionException("can't convert " + GoFormat.typeName(value) + " to float");
    };
  }

  private static double parseFloat(String text) throws TemplateFunctionException {
    Double parsed = GoNumbers.parseFloat(text);
    if (parsed == null) {
      throw new TemplateFunctionException("strconv.ParseFloat: parsing " + GoFormat.quote(text) + ": invalid syntax");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (parsed.isInfinite() && !INFINITY.matcher(lower).matches()) {
      throw new TemplateFunctionException("strconv.ParseFloat: parsing " + GoFormat.quote(text) + ": value out of range");
    }
    return parsed;
  }

  /** Go's regexp quoting in MustCompile's panic: back-quoted when it can be, else strconv.Quote. */
  private static String goQuoteForRegexp(String pattern) {
    boolean backQuotable = pattern.indexOf('`') < 0 && pattern.chars().noneMatch(c -> c < ' ' && c != '\t' || c == 0x7f);
    return backQuotable ? "`" + pattern + "`" : GoFormat.quote(pattern);
  }

  /** Go's net.SplitHostPort host, or the text itself when it is not host:port. */
  static String stripPort(String hostPort) {
    int lastColon = hostPort.lastIndexOf(':');
    if (lastColon < 0) {
      return hostPort;
    }
    String host;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0 || close + 1 != lastColon) {
        return hostPort;
      }
      host = hostPort.substring(1, close);
    } else {
      host = hostPort.substring(0, lastColon);
      if (host.indexOf(':') >= 0) {
        // Too many colons: Go refuses, and Prometheus then returns the text unchanged.
        return hostPort;
      }
    }
    if (host.indexOf('[') >= 0 || host.indexOf(']') >= 0 || hostPort.substring(lastColon + 1).contains("[")
        || hostPort.substring(lastColon + 1).contains("]")) {
      return hostPort;
    }
    return host;
  }

  /** Prometheus' stripDomain: the host name without its domain, the port kept; IP addresses unchanged. */
  static String stripDomain(String hostPort) {
    String host = hostPort;
    String port = "";
    String stripped = stripPort(hostPort);
    if (!stripped.equals(hostPort)) {
      host = stripped;
      port = hostPort.substring(hostPort.lastIndexOf(':') + 1);
    }
    if (isIpAddress(host)) {
      return hostPort;
    }
    int dot = host.indexOf('.');
    if (dot >= 0) {
      host = host.substring(0, dot);
    }
    return port.isEmpty() ? host : host + ":" + port;
  }

  private static boolean isIpAddress(String host) {
    if (IPV4.matcher(host).matches()) {
      for (String part : host.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return true;
    }
    return host.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(host).matches();
  }

  private static String pathOf(String externalUrl) {
    try {
      String path = new URI(externalUrl).getRawPath();
      return path == null ? "" : path;
    } catch (URISyntaxException e) {
      return "";
    }
  }
}
