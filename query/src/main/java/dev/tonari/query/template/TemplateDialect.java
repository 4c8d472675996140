package dev.tonari.query.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a template may use besides Go's syntax: which function map (Loki's, or Go's builtins
 * only), functions of its own, and variables declared before the text, such as Prometheus'
 * {@code $labels} and {@code $value} in alert templates.
 *
 * @param lokiFunctions whether Loki's function map (Sprig's subset, {@code __line__}, ...) is
 *     available; without it only Go's builtins ({@code and}, {@code printf}, {@code len}, ...) are
 * @param predeclaredVariables variable names (with their {@code $}) that the text may use
 *     without declaring them; {@link Template#execute(Object, Map)} gives their values
 * @param functions functions added to the map, by name; they take precedence over builtins
 * @param firstLineColumnOffset added to the column of positions on the first line in execution
 *     messages: Prometheus parses its variable definitions in front of the text, so its messages
 *     count columns from there, and a dialect that imitates it says how long that prefix was
 */
public record TemplateDialect(boolean lokiFunctions, List<String> predeclaredVariables, Map<String, TemplateFunction> functions,
    int firstLineColumnOffset) {
  /** LogQL's {@code line_format} and {@code label_format}: Loki's function map, no variables. */
  public static final TemplateDialect LOKI = new TemplateDialect(true, List.of(), Map.of(), 0);

  public TemplateDialect {
    predeclaredVariables = List.copyOf(predeclaredVariables);
    for (String variable : predeclaredVariables) {
      if (!variable.startsWith("$") || variable.length() < 2) {
        throw new IllegalArgumentException("a predeclared variable is named $something, got " + variable);
      }
    }
    functions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(functions));
    functions.forEach((name, function) -> {
      if (!name.equals(function.name())) {
        throw new IllegalArgumentException("function registered as " + name + " is named " + function.name());
      }
    });
    if (firstLineColumnOffset < 0) {
      throw new IllegalArgumentException("firstLineColumnOffset must not be negative, got " + firstLineColumnOffset);
    }
  }

  /** Go's builtins plus {@code functions}, with these predeclared variables. */
  public static TemplateDialect goBuiltinsWith(List<String> predeclaredVariables, List<TemplateFunction> functions, int firstLineColumnOffset) {
    Map<String, TemplateFunction> byName = new LinkedHashMap<>();
    for (TemplateFunction function : functions) {
      if (byName.put(function.name(), Objects.requireNonNull(function)) != null) {
        throw new IllegalArgumentException("two functions named " + function.name());
      }
    }
    return new TemplateDialect(false, predeclaredVariables, byName, firstLineColumnOffset);
  }
}
