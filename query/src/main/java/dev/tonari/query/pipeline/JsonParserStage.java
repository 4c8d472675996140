package dev.tonari.query.pipeline;

import java.util.Set;

/**
 * {@code | json} without parameters: every string, number and boolean field becomes a label;
 * nested objects are flattened with {@code _} ({@code {"a":{"b":1}}} gives {@code a_b="1"});
 * arrays and nulls are skipped; keys are sanitized and get {@code _extracted} when the stream has
 * them. A line that is not a JSON object keeps what was parsed so far and is marked
 * {@code __error__=JSONParserErr} with the reason in {@code __error_details__}.
 *
 * <p>With parser hints (a set of needed label names) only those labels are added; every other
 * string value is skipped without being copied out, but still checked, so errors are the same.
 */
final class JsonParserStage implements Stage {
  /** The only label names to add (final names), or null for all. */
  private final Set<String> neededLabels;

  JsonParserStage() {
    this(null);
  }

  JsonParserStage(Set<String> neededLabels) {
    this.neededLabels = neededLabels == null ? null : Set.copyOf(neededLabels);
  }

  @Override
  public boolean process(LineState state) {
    JsonScanner scanner = new JsonScanner(state.line);
    try {
      if (scanner.peekType() != JsonScanner.Type.OBJECT) {
        throw scanner.error("expecting json object, but it is not");
      }
      parseObject(scanner, state.labels, "", 0, neededLabels);
      scanner.skipSpaces();
      if (scanner.position != scanner.text.length()) {
        throw scanner.error("unexpected data after the top-level object");
      }
    } catch (JsonScanner.JsonException e) {
      state.labels.setError(ErrorNames.JSON, e.getMessage());
    }
    return true;
  }

  private static void parseObject(JsonScanner scanner, LabelsBuilder labels, String prefix, int depth, Set<String> neededLabels)
      throws JsonScanner.JsonException {
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
      switch (type) {
        case OBJECT -> {
          if (depth > 512) {
            throw scanner.error("nesting too deep");
          }
          parseObject(scanner, labels, childPrefix(prefix, key), depth + 1, neededLabels);
        }
        case ARRAY -> scanner.skipValue(depth + 1);
        case NULL -> scanner.readScalar();
        case STRING -> {
          String name = labelName(labels, prefix, key, neededLabels);
          if (name == null) {
            scanner.skipString();
          } else {
            set(labels, name, scanner.readString());
          }
        }
        default -> {
          String name = labelName(labels, prefix, key, neededLabels);
          String value = scanner.readScalar();
          if (name != null) {
            set(labels, name, value);
          }
        }
      }
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

  private static String childPrefix(String prefix, String key) {
    String sanitized = LabelNames.sanitize(key, prefix.isEmpty());
    if (sanitized.isEmpty()) {
      return prefix;
    }
    return prefix.isEmpty() ? sanitized : prefix + "_" + sanitized;
  }

  /** The label a value is stored under; null when it is not stored (no name, or not needed). */
  private static String labelName(LabelsBuilder labels, String prefix, String key, Set<String> neededLabels) {
    String name = childPrefix(prefix, key);
    if (name.isEmpty()) {
      return null;
    }
    String parsed = LabelNames.forParsed(labels, name);
    return neededLabels == null || neededLabels.contains(parsed) ? parsed : null;
  }

  private static void set(LabelsBuilder labels, String name, String value) {
    labels.set(name, value);
  }
}
