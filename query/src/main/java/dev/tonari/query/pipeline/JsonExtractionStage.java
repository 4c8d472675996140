package dev.tonari.query.pipeline;

import dev.tonari.logql.LabelExtraction;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code | json status="response.status", first="items[0]", odd="a[\"b.c\"]"}: only the named
 * paths become labels. A path that is absent gives an empty label, objects and arrays give their
 * JSON text, null gives an empty value, as Loki's JSON expression parser does.
 */
final class JsonExtractionStage implements Stage {
  /** One step of a path: a key, or an index when {@code key} is null. */
  private record Step(String key, int index) {}

  private final String[] names;
  private final List<List<Step>> paths;

  private JsonExtractionStage(String[] names, List<List<Step>> paths) {
    this.names = names;
    this.paths = paths;
  }

  static JsonExtractionStage compile(List<LabelExtraction> extractions) throws PipelineCompileException {
    String[] names = new String[extractions.size()];
    List<List<Step>> paths = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      LabelExtraction extraction = extractions.get(i);
      if (!LabelNames.isValid(extraction.label())) {
        throw new PipelineCompileException("invalid extracted label name '" + extraction.label() + "'");
      }
      names[i] = extraction.label();
      paths.add(parsePath(extraction.expression()));
    }
    return new JsonExtractionStage(names, paths);
  }

  /** Loki's jsonexpr: {@code a.b}, {@code a[0]}, {@code a["b"]}, {@code ["a"].b}. */
  static List<Step> parsePath(String expression) throws PipelineCompileException {
    List<Step> steps = new ArrayList<>();
    int i = 0;
    int length = expression.length();
    boolean expectField = true;
    while (i < length) {
      char c = expression.charAt(i);
      if (c == '.') {
        if (steps.isEmpty() || expectField) {
          throw invalid(expression);
        }
        expectField = true;
        i++;
        continue;
      }
      if (c == '[') {
        int close = i + 1;
        if (close < length && expression.charAt(close) == '"') {
          int end = expression.indexOf('"', close + 1);
          if (end < 0 || end + 1 >= length || expression.charAt(end + 1) != ']') {
            throw invalid(expression);
          }
          steps.add(new Step(expression.substring(close + 1, end), -1));
          i = end + 2;
        } else {
          int end = expression.indexOf(']', close);
          if (end < 0) {
            throw invalid(expression);
          }
          try {
            int index = Integer.parseInt(expression.substring(close, end).strip());
            if (index < 0) {
              throw invalid(expression);
            }
            steps.add(new Step(null, index));
          } catch (NumberFormatException e) {
            throw invalid(expression);
          }
          i = end + 1;
        }
        expectField = false;
        continue;
      }
      if (!expectField) {
        throw invalid(expression);
      }
      int end = i;
      while (end < length && expression.charAt(end) != '.' && expression.charAt(end) != '[') {
        end++;
      }
      steps.add(new Step(expression.substring(i, end), -1));
      i = end;
      expectField = false;
    }
    if (steps.isEmpty() || expectField && !steps.isEmpty() && expression.endsWith(".")) {
      throw invalid(expression);
    }
    return steps;
  }

  private static PipelineCompileException invalid(String expression) {
    return new PipelineCompileException("cannot parse expression [" + expression + "]: syntax error");
  }

  @Override
  public boolean process(LineState state) {
    String line = state.line;
    LabelsBuilder labels = state.labels;
    if (line.isEmpty()) {
      return true;
    }
    char first = line.charAt(0);
    if (first != '"' && first != '{' && first != '[') {
      labels.setError(ErrorNames.JSON, null);
      return true;
    }
    for (int i = 0; i < names.length; i++) {
      String name = LabelNames.forParsed(labels, names[i]);
      try {
        String value = extract(line, paths.get(i));
        labels.set(name, value == null ? "" : value);
      } catch (JsonScanner.JsonException e) {
        labels.setError(ErrorNames.JSON, e.getMessage());
        if (labels.get(name) == null) {
          labels.set(name, "");
        }
      }
    }
    return true;
  }

  /** The value at a path, or null when the path is absent. */
  private static String extract(String line, List<Step> path) throws JsonScanner.JsonException {
    JsonScanner scanner = new JsonScanner(line);
    for (Step step : path) {
      JsonScanner.Type type = scanner.peekType();
      if (step.key() != null) {
        if (type != JsonScanner.Type.OBJECT) {
          return null;
        }
        if (!seekKey(scanner, step.key())) {
          return null;
        }
      } else {
        if (type != JsonScanner.Type.ARRAY) {
          return null;
        }
        if (!seekIndex(scanner, step.index())) {
          return null;
        }
      }
    }
    return switch (scanner.peekType()) {
      case STRING -> scanner.readString();
      case NULL -> {
        scanner.readScalar();
        yield "";
      }
      case OBJECT, ARRAY -> scanner.skipValue(0);
      default -> scanner.readScalar();
    };
  }

  private static boolean seekKey(JsonScanner scanner, String key) throws JsonScanner.JsonException {
    scanner.expect('{');
    scanner.skipSpaces();
    if (scanner.peek() == '}') {
      return false;
    }
    while (true) {
      String name = scanner.readString();
      scanner.expect(':');
      if (name.equals(key)) {
        scanner.skipSpaces();
        return true;
      }
      scanner.skipValue(0);
      scanner.skipSpaces();
      if (scanner.peek() == ',') {
        scanner.position++;
        continue;
      }
      scanner.expect('}');
      return false;
    }
  }

  private static boolean seekIndex(JsonScanner scanner, int index) throws JsonScanner.JsonException {
    scanner.expect('[');
    scanner.skipSpaces();
    if (scanner.peek() == ']') {
      return false;
    }
    for (int i = 0; ; i++) {
      if (i == index) {
        scanner.skipSpaces();
        return true;
      }
      scanner.skipValue(0);
      scanner.skipSpaces();
      if (scanner.peek() == ',') {
        scanner.position++;
        continue;
      }
      scanner.expect(']');
      return false;
    }
  }
}
