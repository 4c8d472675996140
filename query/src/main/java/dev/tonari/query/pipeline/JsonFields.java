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
  private static final int MAX_DEPTH = 512;

  /** One extracted value: the label name, its value and the keys leading to it, outermost first. */
  public record JsonField(String name, String value, List<String> path) {
    public JsonField {
      path = List.copyOf(path);
    }
  }

  private JsonFields() {}

  /**
   * The fields of a line that is one JSON object; empty when it is not (malformed, another JSON
   * type, or data after the object), which is when the json parser sets {@code __error__}.
   *
   * @param streamHas whether the stream already has a label of that name
   */
  public static Optional<List<JsonField>> of(String line, Predicate<String> streamHas) {
    JsonScanner scanner = new JsonScanner(line);
    List<JsonField> fields = new ArrayList<>();
    try {
      if (scanner.peekType() != JsonScanner.Type.OBJECT) {
        return Optional.empty();
      }
      walkObject(scanner, "", new ArrayList<>(), 0, streamHas, fields);
      scanner.skipSpaces();
      if (scanner.position != scanner.text.length()) {
        return Optional.empty();
      }
    } catch (JsonScanner.JsonException malformed) {
      // Not JSON: the caller tries logfmt next, as Loki's field detection does.
      return Optional.empty();
    }
    return Optional.of(fields);
  }

  private static void walkObject(JsonScanner scanner, String prefix, List<String> path, int depth, Predicate<String> streamHas,
      List<JsonField> fields) throws JsonScanner.JsonException {
    scanner.expect('{');
    scanner.skipSpaces();
    if (scanner.peek() == '}') {
      scanner.position++;
      return;
    }
    while (true) {
      String key = scanner.readString();
      scanner.expect(':');
      JsonScanner.Type type = scanner.peekType();
      String name = childPrefix(prefix, key);
      path.add(key);
      switch (type) {
        case OBJECT -> {
          if (depth > MAX_DEPTH) {
            throw scanner.error("nesting too deep");
          }
          walkObject(scanner, name, path, depth + 1, streamHas, fields);
        }
        case ARRAY -> scanner.skipValue(depth + 1);
        case NULL -> scanner.readScalar();
        case STRING -> add(fields, name, scanner.readString(), path, streamHas);
        default -> add(fields, name, scanner.readScalar(), path, streamHas);
      }
      path.remove(path.size() - 1);
      scanner.skipSpaces();
      if (scanner.peek() == ',') {
        scanner.position++;
        scanner.skipSpaces();
        continue;
      }
      scanner.expect('}');
      return;
    }
  }

  private static void add(List<JsonField> fields, String name, String value, List<String> path, Predicate<String> streamHas) {
    if (name.isEmpty()) {
      return;
    }
    String stored = streamHas.test(name) ? name + LabelsBuilder.DUPLICATE_SUFFIX : name;
    fields.add(new JsonField(stored, value, path));
  }

  private static String childPrefix(String prefix, String key) {
    String sanitized = LabelNames.sanitize(key, prefix.isEmpty());
    if (sanitized.isEmpty()) {
      return prefix;
    }
    return prefix.isEmpty() ? sanitized : prefix + "_" + sanitized;
  }
}
