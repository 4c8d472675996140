package dev.tonari.query.pipeline;

/**
 * {@code | json} without parameters: every string, number and boolean field becomes a label;
 * nested objects are flattened with {@code _} ({@code {"a":{"b":1}}} gives {@code a_b="1"});
 * arrays and nulls are skipped; keys are sanitized and get {@code _extracted} when the stream has
 * them. A line that is not a JSON object keeps what was parsed so far and is marked
 * {@code __error__=JSONParserErr} with the reason in {@code __error_details__}.
 */
final class JsonParserStage implements Stage {
  @Override
  public boolean process(LineState state) {
    JsonScanner scanner = new JsonScanner(state.line);
    try {
      if (scanner.peekType() != JsonScanner.Type.OBJECT) {
        throw scanner.error("expecting json object, but it is not");
      }
      parseObject(scanner, state.labels, "", 0);
      scanner.skipSpaces();
      if (scanner.position != scanner.text.length()) {
        throw scanner.error("unexpected data after the top-level object");
      }
    } catch (JsonScanner.JsonException e) {
      state.labels.setError(ErrorNames.JSON, e.getMessage());
    }
    return true;
  }

  private static void parseObject(JsonScanner scanner, LabelsBuilder labels, String prefix, int depth) throws JsonScanner.JsonException {
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
          parseObject(scanner, labels, childPrefix(prefix, key), depth + 1);
        }
        case ARRAY -> scanner.skipValue(depth + 1);
        case NULL -> scanner.readScalar();
        case STRING -> set(labels, prefix, key, scanner.readString());
        default -> set(labels, prefix, key, scanner.readScalar());
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

  private static void set(LabelsBuilder labels, String prefix, String key, String value) {
    String name = childPrefix(prefix, key);
    if (name.isEmpty()) {
      return;
    }
    labels.set(LabelNames.forParsed(labels, name), value);
  }
}
