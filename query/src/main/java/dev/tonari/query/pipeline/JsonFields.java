package dev.tonari.query.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The fields {@code | json} would extract from a line, each with the path of keys it came from:
 * what Loki's {@code detected_fields} reports as {@code jsonPath}, so that Logs Drilldown can
 * build {@code | json name="a.b"} for a nested key. Names follow the json parser exactly (keys
 * sanitized, nested keys joined with {@code _}, {@code _extracted} added when the stream has the
 * name, arrays and nulls skipped), so a field found here is the label the parser would set.
 */
public final class JsonFields {
  /** One extracted value: the label name, its value and the keys leading to it, outermost first. */
  public record JsonField(String name, String value, List<String> path) {
    public JsonField {
      path = List.copyOf(path);
    }
  }

  private JsonFields() {}

  /**
   * The fields of a line that is one JSON object; empty exactly when the json parser marks the
   * line with {@code __error__}: the line is not an object or breaks off (the parser would keep
   * the fields before the fault, which field detection does not report, as Loki's does not), or
   * a key names {@code __error__}. The line is read by the parser's own walk ({@link
   * JsonObjectWalker}), so what follows the object's closing brace is not read either.
   *
   * @param streamHas whether the stream already has a label of that name
   */
  public static Optional<List<JsonField>> of(String line, Predicate<String> streamHas) {
    List<JsonField> fields = new ArrayList<>();
    try {
      JsonObjectWalker.walk(line, 0, line.length(), new FieldVisitor("", new ArrayList<>(), 0, streamHas, fields));
    } catch (JsonObjectWalker.MalformedJsonException malformed) {
      // Not JSON to the parser: the caller tries logfmt next, as Loki's field detection does.
      return Optional.empty();
    }
    for (JsonField field : fields) {
      if (field.name().equals(LabelsBuilder.ERROR_LABEL)) {
        // The parser's labels would carry this value as the line's error.
        return Optional.empty();
      }
    }
    return Optional.of(fields);
  }

  /** Collects the fields of one object, as {@link JsonParserStage} names and values them. */
  private record FieldVisitor(String prefix, List<String> path, int depth, Predicate<String> streamHas, List<JsonField> fields)
      implements JsonObjectWalker.Visitor {
    @Override
    public void field(String key, String text, JsonObjectWalker.ValueType type, int valueStart, int valueEnd)
        throws JsonObjectWalker.MalformedJsonException {
      path.add(key);
      switch (type) {
        case OBJECT -> {
          if (depth >= JsonParserStage.MAX_DEPTH) {
            throw new JsonObjectWalker.MalformedJsonException(JsonParserStage.TOO_DEEP);
          }
          JsonObjectWalker.walk(text, valueStart, valueEnd, new FieldVisitor(childPrefix(prefix, key), path, depth + 1, streamHas, fields));
        }
        case STRING -> add(key, JsonParserStage.stringValue(text, valueStart, valueEnd));
        case NUMBER, BOOLEAN -> add(key, text.substring(valueStart, valueEnd));
        case NULL, ARRAY -> {}
      }
      path.remove(path.size() - 1);
    }

    private void add(String key, String value) {
      String name = childPrefix(prefix, key);
      if (name.isEmpty()) {
        return;
      }
      String stored = streamHas.test(name) ? name + LabelsBuilder.DUPLICATE_SUFFIX : name;
      fields.add(new JsonField(stored, value, path));
    }
  }

  private static String childPrefix(String prefix, String key) {
    String sanitized = LabelNames.sanitize(key, prefix.isEmpty());
    if (sanitized.isEmpty()) {
      return prefix;
    }
    return prefix.isEmpty() ? sanitized : prefix + "_" + sanitized;
  }
}
