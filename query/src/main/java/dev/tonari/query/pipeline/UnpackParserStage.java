package dev.tonari.query.pipeline;

/**
 * {@code | unpack}: reverses Promtail's pack stage. The line is a JSON object whose string fields
 * become labels, except {@code _entry}, which becomes the line. Non-string fields are ignored.
 * Invalid JSON marks the line {@code __error__=JSONParserErr} and leaves it unchanged.
 */
final class UnpackParserStage implements Stage {
  private static final String ENTRY_KEY = "_entry";

  @Override
  public boolean process(LineState state) {
    String line = state.line;
    if (line.isEmpty()) {
      return true;
    }
    JsonScanner scanner = new JsonScanner(line);
    String entry = null;
    try {
      if (scanner.peekType() != JsonScanner.Type.OBJECT) {
        throw scanner.error("expecting json object, but it is not");
      }
      scanner.expect('{');
      scanner.skipSpaces();
      if (scanner.peek() == '}') {
        scanner.position++;
      } else {
        while (true) {
          String key = scanner.readString();
          scanner.expect(':');
          if (scanner.peekType() == JsonScanner.Type.STRING) {
            String value = scanner.readString();
            if (key.equals(ENTRY_KEY)) {
              entry = value;
            } else {
              String name = LabelNames.sanitize(key, true);
              if (!name.isEmpty()) {
                state.labels.set(LabelNames.forParsed(state.labels, name), value);
              }
            }
          } else {
            scanner.skipValue(0);
          }
          scanner.skipSpaces();
          if (scanner.peek() == ',') {
            scanner.position++;
            continue;
          }
          scanner.expect('}');
          break;
        }
      }
    } catch (JsonScanner.JsonException e) {
      state.labels.setError(ErrorNames.JSON, e.getMessage());
      return true;
    }
    if (entry != null) {
      state.line = entry;
    }
    return true;
  }
}
