package dev.tonari.query.template;

import java.util.List;
import java.util.Objects;

/**
 * A function that a {@link TemplateDialect} adds to a template's function map, such as
 * Prometheus' {@code humanize}. Its arguments arrive as the Go-like values {@link GoFormat}
 * describes (String, Long, Double, Boolean, Map, List, ZonedDateTime, null), already evaluated;
 * the executor checks the number of arguments with Go's message before calling it.
 *
 * @param name the name templates call it by
 * @param minimumArguments the fewest arguments it takes
 * @param maximumArguments the most it takes; -1 for variadic
 * @param body what it computes; a {@link TemplateFunctionException} becomes Go's
 *     {@code error calling <name>: <message>}
 */
public record TemplateFunction(String name, int minimumArguments, int maximumArguments, Body body) {
  public TemplateFunction {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    if (minimumArguments < 0 || (maximumArguments >= 0 && maximumArguments < minimumArguments) || maximumArguments < -1) {
      throw new IllegalArgumentException("function " + name + ": bad arity " + minimumArguments + ".." + maximumArguments);
    }
  }

  /** A function of exactly {@code arguments} arguments. */
  public static TemplateFunction of(String name, int arguments, Body body) {
    return new TemplateFunction(name, arguments, arguments, body);
  }

  /** The computation of a function. */
  @FunctionalInterface
  public interface Body {
    Object call(List<Object> arguments) throws TemplateFunctionException;
  }
}
