package dev.tonari.query.template;

import dev.tonari.query.template.TemplateNode.Command;
import dev.tonari.query.template.TemplateNode.Operand;
import dev.tonari.query.template.TemplateNode.Pipeline;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Go text/template as LogQL's {@code line_format} and {@code label_format} use it, with Loki's
 * function map (Sprig's subset plus Loki's own functions, {@code __line__} and
 * {@code __timestamp__}). Parsed once, executed once per line; execution keeps no state in the
 * template, so one instance may run on many threads.
 *
 * <p>Every failure while running is a {@link TemplateExecutionException} with Go's wording; no
 * other exception escapes {@link #execute}. Execution is bounded: a template stops with an error
 * after {@link #MAX_STEPS} evaluation steps or {@link #MAX_OUTPUT_CHARS} characters of output, so
 * that a query cannot make a template loop or allocate without end.
 */
public final class Template {
  public static final int MAX_STEPS = 100_000;
  public static final int MAX_OUTPUT_CHARS = 4 * 1024 * 1024;

  private final String name;
  private final String source;
  private final List<TemplateNode> nodes;
  private final boolean constant;
  private final TemplateDialect dialect;

  private Template(String name, String source, List<TemplateNode> nodes, TemplateDialect dialect) {
    this.name = name;
    this.source = source;
    this.nodes = nodes;
    this.constant = nodes.stream().allMatch(TemplateNode.Text.class::isInstance);
    this.dialect = dialect;
  }

  /**
   * Parses a template.
   *
   * @param name Go's template name, which messages show: Loki uses "line" for line_format and
   *     "label" for label_format
   */
  public static Template parse(String name, String text) throws TemplateParseException {
    return parse(name, text, TemplateDialect.LOKI);
  }

  /**
   * Parses a template of another dialect: its function map, and variables it may use without
   * declaring them (run it with {@link #execute(Object, Map)}).
   */
  public static Template parse(String name, String text, TemplateDialect dialect) throws TemplateParseException {
    return new Template(name, text, TemplateParser.parse(name, text, TemplateFunctions.namesOf(dialect), dialect.predeclaredVariables()), dialect);
  }

  /**
   * A {@code map[string]string} as Go templates see one: a missing key reads as the empty
   * string (what Prometheus' {@code $labels.missing} gives), ranges go in key order, and it prints
   * as {@code map[a:b]}. For variables and the dot of {@link #execute(Object, Map)}.
   */
  public static Object stringMap(Map<String, String> values) {
    Map<String, String> copy = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    return new Root(TemplateData.of(copy, "", 0));
  }

  public String source() {
    return source;
  }

  /** Runs the template on one line. */
  public String execute(TemplateData data) throws TemplateExecutionException {
    if (!dialect.predeclaredVariables().isEmpty()) {
      throw new IllegalStateException("template " + name + " declares variables " + dialect.predeclaredVariables() + ": run it with execute(dot, variables)");
    }
    Root root = new Root(data);
    return run(data, root, Map.of());
  }

  /**
   * Runs the template with the dot bound to a tree of values rather than a line's labels: maps
   * (Go's {@code map[string]interface{}}, read with {@code .Field}), lists, strings, Long, Double,
   * Boolean and ZonedDateTime, as {@link GoFormat} describes them. This is how Alertmanager-style
   * notification templates see their data ({@code .CommonLabels.alertname}, {@code range .Alerts});
   * {@code __line__} and {@code __timestamp__} read as empty there.
   */
  public String execute(Map<String, ?> dot) throws TemplateExecutionException {
    return execute(dot, Map.of());
  }

  /**
   * Runs the template with {@code dot} as its data and values for the dialect's predeclared
   * variables. Values are Go-like (see {@link GoFormat}); {@link #stringMap} makes a
   * {@code map[string]string}.
   *
   * @throws IllegalArgumentException when a predeclared variable has no value
   */
  public String execute(Object dot, Map<String, Object> variables) throws TemplateExecutionException {
    for (String variable : dialect.predeclaredVariables()) {
      if (!variables.containsKey(variable)) {
        throw new IllegalArgumentException("template " + name + ": no value for predeclared variable " + variable);
      }
    }
    TemplateData data = dot instanceof Root root ? root.data() : TemplateData.of(Map.of(), "", 0);
    return run(data, dot, variables);
  }

  private String run(TemplateData data, Object dot, Map<String, Object> variables) throws TemplateExecutionException {
    if (constant) {
      StringBuilder out = new StringBuilder();
      for (TemplateNode node : nodes) {
        out.append(((TemplateNode.Text) node).text());
      }
      return out.toString();
    }
    Execution execution = new Execution(data, dot);
    for (String variable : dialect.predeclaredVariables()) {
      execution.pushVariable(variable, variables.get(variable));
    }
    try {
      execution.walkList(nodes, dot);
    } catch (ExecutionError e) {
      throw new TemplateExecutionException(e.getMessage());
    } catch (LoopControl e) {
      throw new TemplateExecutionException("template: " + name + ": break or continue outside range");
    } catch (RuntimeException | StackOverflowError e) {
      // A bug must not turn into a failed query: report it through the documented error path.
      throw new TemplateExecutionException("template: " + name + ": internal error: " + e);
    }
    return execution.out.toString();
  }

  /** The label names the template reads as {@code .name} (not through $ or range). */
  public Set<String> fieldNames() {
    Set<String> names = new LinkedHashSet<>();
    collectFields(nodes, names);
    return names;
  }

  private static void collectFields(List<TemplateNode> list, Set<String> names) {
    for (TemplateNode node : list) {
      switch (node) {
        case TemplateNode.Action action -> collectFields(action.pipeline(), names);
        case TemplateNode.If branch -> {
          collectFields(branch.condition(), names);
          collectFields(branch.then(), names);
          collectFields(branch.otherwise(), names);
        }
        case TemplateNode.Range range -> {
          collectFields(range.pipeline(), names);
          collectFields(range.body(), names);
          collectFields(range.otherwise(), names);
        }
        case TemplateNode.With with -> {
          collectFields(with.pipeline(), names);
          collectFields(with.body(), names);
          collectFields(with.otherwise(), names);
        }
        default -> {}
      }
    }
  }

  private static void collectFields(Pipeline pipeline, Set<String> names) {
    for (Command command : pipeline.commands()) {
      for (Operand operand : command.arguments()) {
        if (operand instanceof TemplateNode.Field field && !field.names().isEmpty()) {
          names.add(field.names().get(0));
        } else if (operand instanceof TemplateNode.Parenthesized parenthesized) {
          collectFields(parenthesized.pipeline(), names);
        }
      }
    }
  }

  /** The dot at the top: the labels of the line, read lazily. */
  record Root(TemplateData data) {}

  /** An error while running, already formatted as Go's message. */
  static final class ExecutionError extends Exception {
    private static final long serialVersionUID = 1L;

    ExecutionError(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * An error from inside a function, formatted by the caller with its position: an ordinary one
   * at the command ({@code error calling f: ...}), a wrong number of arguments at the function's
   * name, a wrong type at the argument it concerns ({@code argumentIndex}, -1 when unknown: then,
   * as in Go, at the last argument evaluated).
   */
  static final class FunctionError extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean typeError;
    final boolean arity;
    final int argumentIndex;

    FunctionError(String message, boolean typeError, boolean arity, int argumentIndex) {
      super(message, null, false, false);
      this.typeError = typeError;
      this.arity = arity;
      this.argumentIndex = argumentIndex;
    }

    FunctionError(String message, boolean typeError) {
      this(message, typeError, false, -1);
    }

    FunctionError(String message) {
      this(message, false);
    }

    static FunctionError arity(String message) {
      return new FunctionError(message, true, true, -1);
    }
  }

  private static final class LoopControl extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean isBreak;

    LoopControl(boolean isBreak) {
      super(null, null, false, false);
      this.isBreak = isBreak;
    }
  }

  /** The state of one execution: output, variables and the step budget. */
  final class Execution {
    final TemplateData data;
    final StringBuilder out = new StringBuilder();
    private final List<String> variableNames = new ArrayList<>();
    private final List<Object> variableValues = new ArrayList<>();
    private int steps;

    Execution(TemplateData data, Object dot) {
      this.data = data;
      variableNames.add("$");
      variableValues.add(dot);
    }

    private void step(Pipeline at) throws ExecutionError {
      if (++steps > MAX_STEPS) {
        throw error(at, "template execution exceeded " + MAX_STEPS + " steps");
      }
      if (out.length() > MAX_OUTPUT_CHARS) {
        throw error(at, "template output exceeded " + MAX_OUTPUT_CHARS + " characters");
      }
    }

    void walkList(List<TemplateNode> list, Object dot) throws ExecutionError {
      for (TemplateNode node : list) {
        walk(node, dot);
      }
    }

    private void walk(TemplateNode node, Object dot) throws ExecutionError {
      switch (node) {
        case TemplateNode.Text text -> out.append(text.text());
        case TemplateNode.Action action -> {
          Object value = evalPipeline(action.pipeline(), dot);
          if (action.pipeline().declarations().isEmpty()) {
            out.append(GoFormat.print(printable(value)));
          }
        }
        case TemplateNode.If branch -> {
          int mark = variableNames.size();
          Object value = evalPipeline(branch.condition(), dot);
          boolean truth = truth(branch.condition(), value, "if/with");
          walkList(truth ? branch.then() : branch.otherwise(), dot);
          popVariables(mark);
        }
        case TemplateNode.With with -> {
          int mark = variableNames.size();
          Object value = evalPipeline(with.pipeline(), dot);
          if (truth(with.pipeline(), value, "if/with")) {
            walkList(with.body(), value);
          } else {
            walkList(with.otherwise(), dot);
          }
          popVariables(mark);
        }
        case TemplateNode.Range range -> walkRange(range, dot);
        case TemplateNode.Break b -> throw new LoopControl(true);
        case TemplateNode.Continue c -> throw new LoopControl(false);
      }
    }

    private void walkRange(TemplateNode.Range range, Object dot) throws ExecutionError {
      int mark = variableNames.size();
      Pipeline pipeline = range.pipeline();
      List<String> declarations = pipeline.declarations();
      Object value = evalCommands(pipeline, dot);
      List<Object[]> items = new ArrayList<>();
      switch (materialize(value)) {
        case null -> {}
        case List<?> list -> {
          for (int i = 0; i < list.size(); i++) {
            items.add(new Object[] {(long) i, list.get(i)});
          }
        }
        case Map<?, ?> map -> {
          for (Map.Entry<?, ?> entry : new TreeMap<>(map).entrySet()) {
            items.add(new Object[] {entry.getKey(), entry.getValue()});
          }
        }
        case Long count -> {
          if (declarations.size() > 1) {
            throw error(pipeline, "can't use " + count + " to iterate over more than one variable");
          }
          for (long i = 0; i < count; i++) {
            step(pipeline);
            items.add(new Object[] {i, i});
          }
        }
        default -> throw error(pipeline, "range can't iterate over " + GoFormat.formatValue(value));
      }
      if (items.isEmpty()) {
        walkList(range.otherwise(), dot);
        popVariables(mark);
        return;
      }
      for (Object[] item : items) {
        step(pipeline);
        int iterationMark = variableNames.size();
        if (declarations.size() == 1) {
          pushVariable(declarations.get(0), item[1]);
        } else if (declarations.size() == 2) {
          pushVariable(declarations.get(0), item[0]);
          pushVariable(declarations.get(1), item[1]);
        }
        try {
          walkList(range.body(), item[1]);
        } catch (LoopControl control) {
          if (control.isBreak) {
            popVariables(iterationMark);
            break;
          }
        }
        popVariables(iterationMark);
      }
      popVariables(mark);
    }

    void pushVariable(String variable, Object value) {
      variableNames.add(variable);
      variableValues.add(value);
    }

    private void popVariables(int mark) {
      while (variableNames.size() > mark) {
        variableNames.remove(variableNames.size() - 1);
        variableValues.remove(variableValues.size() - 1);
      }
    }

    private Object variable(Pipeline at, String variable) throws ExecutionError {
      for (int i = variableNames.size() - 1; i >= 0; i--) {
        if (variableNames.get(i).equals(variable)) {
          return variableValues.get(i);
        }
      }
      throw error(at, "undefined variable: " + variable);
    }

    private void setVariable(String variable, Object value) {
      for (int i = variableNames.size() - 1; i >= 0; i--) {
        if (variableNames.get(i).equals(variable)) {
          variableValues.set(i, value);
          return;
        }
      }
    }

    Object evalPipeline(Pipeline pipeline, Object dot) throws ExecutionError {
      Object value = evalCommands(pipeline, dot);
      for (String declaration : pipeline.declarations()) {
        if (pipeline.assign()) {
          setVariable(declaration, value);
        } else {
          pushVariable(declaration, value);
        }
      }
      return value;
    }

    private Object evalCommands(Pipeline pipeline, Object dot) throws ExecutionError {
      Object value = null;
      boolean hasFinal = false;
      for (Command command : pipeline.commands()) {
        step(pipeline);
        value = evalCommand(pipeline, command, dot, value, hasFinal);
        hasFinal = true;
      }
      return value;
    }

    private Object evalCommand(Pipeline pipeline, Command command, Object dot, Object finalValue, boolean hasFinal) throws ExecutionError {
      List<Operand> arguments = command.arguments();
      Operand first = arguments.get(0);
      if (first instanceof TemplateNode.Function function) {
        return call(pipeline, command, function.name(), arguments.subList(1, arguments.size()), dot, finalValue, hasFinal);
      }
      if (arguments.size() > 1 || hasFinal) {
        throw error(pipeline, "can't give argument to non-function " + describe(first));
      }
      return evalOperand(pipeline, first, dot);
    }

    private Object evalOperand(Pipeline pipeline, Operand operand, Object dot) throws ExecutionError {
      return switch (operand) {
        case TemplateNode.Field field -> fields(pipeline, dot, field.names());
        case TemplateNode.Variable variable -> fields(pipeline, variable(pipeline, variable.name()), variable.fields());
        case TemplateNode.Constant constant -> constant.value();
        case TemplateNode.Function function -> call(pipeline, null, function.name(), List.of(), dot, null, false);
        case TemplateNode.Parenthesized parenthesized -> fields(pipeline, evalPipeline(parenthesized.pipeline(), dot), parenthesized.fields());
      };
    }

    private Object fields(Pipeline pipeline, Object receiver, List<String> names) throws ExecutionError {
      Object value = receiver;
      for (String field : names) {
        value =
            switch (value) {
              case Root root -> {
                String label = root.data().label(field);
                yield label == null ? "" : label;
              }
              case Map<?, ?> map -> map.get(field);
              case null -> throw error(pipeline, "nil pointer evaluating interface {}." + field);
              default -> throw error(pipeline, "can't evaluate field " + field + " in type " + GoFormat.typeName(value));
            };
      }
      return value;
    }

    /** @param command the command calling the function, for error positions; null for a function used as an argument */
    private Object call(Pipeline pipeline, Command command, String function, List<Operand> operands, Object dot, Object finalValue, boolean hasFinal)
        throws ExecutionError {
      if (function.equals("and") || function.equals("or")) {
        return andOr(pipeline, function.equals("and"), operands, dot, finalValue, hasFinal);
      }
      List<Object> arguments = new ArrayList<>(operands.size() + 1);
      for (Operand operand : operands) {
        arguments.add(materialize(evalOperand(pipeline, operand, dot)));
      }
      if (hasFinal) {
        arguments.add(materialize(finalValue));
      }
      try {
        TemplateFunction added = dialect.functions().get(function);
        return added != null ? TemplateFunctions.callDialectFunction(added, arguments, this) : TemplateFunctions.call(function, arguments, this);
      } catch (FunctionError e) {
        String message = e.typeError ? e.getMessage() : "error calling " + function + ": " + e.getMessage();
        if (command == null) {
          throw error(pipeline, message);
        }
        // Go points at the node it was evaluating: the command for a failed call, the function's name
        // for a wrong number of arguments, the argument for a wrong type (the last one evaluated when
        // the piped value is wrong, or the name when there is none).
        int node;
        if (!e.typeError) {
          node = -1;
        } else if (e.arity) {
          node = 0;
        } else if (e.argumentIndex >= 0 && e.argumentIndex < operands.size()) {
          node = e.argumentIndex + 1;
        } else {
          node = operands.size();
        }
        if (node < 0) {
          throw error(command.position(), command.source(), message);
        }
        throw error(command.argumentPositions().get(node), command.argumentSources().get(node), message);
      }
    }

    private Object andOr(Pipeline pipeline, boolean and, List<Operand> operands, Object dot, Object finalValue, boolean hasFinal) throws ExecutionError {
      int count = operands.size() + (hasFinal ? 1 : 0);
      if (count < 1) {
        throw error(pipeline, "wrong number of args for " + (and ? "and" : "or") + ": want at least 1 got 0");
      }
      Object value = null;
      for (int i = 0; i < count; i++) {
        value = i < operands.size() ? materialize(evalOperand(pipeline, operands.get(i), dot)) : materialize(finalValue);
        boolean truth = GoValues.truth(value);
        if (and != truth) {
          return value;
        }
      }
      return value;
    }

    private boolean truth(Pipeline pipeline, Object value, String context) throws ExecutionError {
      if (value == null) {
        throw error(pipeline, context + " can't use <nil>");
      }
      return GoValues.truth(materialize(value));
    }

    String line() {
      return data.line();
    }

    long timestampNanos() {
      return data.timestampNanos();
    }

    /** A budget check for functions that build large strings. */
    void checkOutputSize(long chars) throws FunctionError {
      if (chars > MAX_OUTPUT_CHARS) {
        throw new FunctionError("result of " + chars + " characters exceeds the limit of " + MAX_OUTPUT_CHARS);
      }
    }

    private ExecutionError error(Pipeline pipeline, String message) {
      return error(pipeline.position(), pipeline.source(), message);
    }

    private ExecutionError error(TemplateNode.Position position, String source, String message) {
      int line = position.line();
      int column = position.column() + (line == 1 ? dialect.firstLineColumnOffset() : 0);
      return new ExecutionError("template: " + name + ":" + line + ":" + column + ": executing \"" + name + "\" at <" + source + ">: " + message);
    }
  }

  private static String describe(Operand operand) {
    return switch (operand) {
      case TemplateNode.Field field -> field.names().isEmpty() ? "." : "." + String.join(".", field.names());
      case TemplateNode.Variable variable -> variable.name() + (variable.fields().isEmpty() ? "" : "." + String.join(".", variable.fields()));
      case TemplateNode.Constant constant -> constant.value() instanceof String s ? GoFormat.quote(s) : String.valueOf(constant.value());
      case TemplateNode.Function function -> function.name();
      case TemplateNode.Parenthesized parenthesized -> "(" + parenthesized.pipeline().source() + ")";
    };
  }

  /** The dot as a map when it is used as a value rather than through fields. */
  static Object materialize(Object value) {
    if (value instanceof Root root) {
      Map<String, Object> map = new LinkedHashMap<>();
      new TreeMap<>(root.data().labels()).forEach(map::put);
      return map;
    }
    return value;
  }

  private static Object printable(Object value) {
    Object materialized = materialize(value);
    return materialized instanceof ZonedDateTime ? materialized : materialized;
  }
}
