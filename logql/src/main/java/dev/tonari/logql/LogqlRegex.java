package dev.tonari.logql;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Compiles LogQL's regular expressions with RE2/J (Go's RE2 syntax, linear-time matching), with
 * the anchoring Loki applies: label matchers match the whole value (Prometheus wraps them as
 * {@code ^(?s:...)$}), line filters match anywhere in the line.
 */
public final class LogqlRegex {
  private LogqlRegex() {}

  /** A pattern for a label matcher value; use {@link Pattern#matches(String)} or {@code find}. */
  public static Pattern labelMatcherPattern(String regex) throws LogqlParseException {
    return compile("^(?s:" + regex + ")$");
  }

  /** A pattern for a {@code |~} or {@code !~} line filter; it matches if any part of the line does. */
  public static Pattern lineFilterPattern(String regex) throws LogqlParseException {
    return compile(regex);
  }

  private static Pattern compile(String regex) throws LogqlParseException {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw LogqlParseException.withoutPosition(e.getMessage());
    }
  }
}
