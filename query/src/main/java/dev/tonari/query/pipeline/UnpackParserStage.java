package dev.tonari.query.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code | unpack}, as Loki 3.x: reverses Promtail's pack stage. The line must be a JSON object
 * (its first character '{'); when it has a string field {@code _entry}, that field becomes the line
 * and every other string field becomes a label; an object without {@code _entry} was not packed
 * and adds no label. Non-string fields are ignored. A line that does not start with '{' is marked
 * {@code __error__=JSONParserErr} with {@code __error_details__} {@value #NOT_AN_OBJECT}; malformed
 * JSON (see {@link JsonObjectWalker}) or an invalid escape in {@code _entry} marks it with the
 * parser library's message; a marked line is left unchanged and gets no label. An empty line
 * passes unchanged.
 */
final class UnpackParserStage implements Stage {
  private static final String ENTRY_KEY = "_entry";
  /** Loki's message, which names json-iterator's code for an object (6). */
  static final String NOT_AN_OBJECT = "expecting json object(6), but it is not";

  @Override
  public boolean process(LineState state) {
    String line = state.line;
    if (line.isEmpty()) {
      return true;
    }
    if (line.charAt(0) != '{') {
      state.labels.setError(ErrorNames.JSON, NOT_AN_OBJECT);
      return true;
    }
    LabelsBuilder labels = state.labels;
    List<String> pending = new ArrayList<>();
    String[] entry = new String[1];
    try {
      JsonObjectWalker.walk(
          line,
          0,
          line.length(),
          (key, text, type, start, end) -> {
            if (type != JsonObjectWalker.ValueType.STRING) {
              return;
            }
            if (key.equals(ENTRY_KEY)) {
              String unescaped = JsonObjectWalker.unescape(text, start, end);
              if (unescaped == null) {
                throw new JsonObjectWalker.MalformedJsonException(JsonObjectWalker.MALFORMED_STRING_ESCAPE);
              }
              entry[0] = unescaped;
              return;
            }
            // Loki checks the stream's labels with the key as written, then sanitizes.
            String name = LabelNames.sanitize(labels.baseHas(key) ? key + LabelsBuilder.DUPLICATE_SUFFIX : key, true);
            if (!name.isEmpty()) {
              pending.add(name);
              pending.add(JsonParserStage.stringValue(text, start, end));
            }
          });
    } catch (JsonObjectWalker.MalformedJsonException e) {
      labels.setError(ErrorNames.JSON, e.getMessage());
      return true;
    }
    if (entry[0] != null) {
      for (int i = 0; i < pending.size(); i += 2) {
        labels.set(pending.get(i), pending.get(i + 1));
      }
      state.line = entry[0];
    }
    return true;
  }
}
