package dev.tonari.query.pipeline;

import java.util.Set;

/**
 * {@code | json} without parameters, as Loki 3.x: every string, number and boolean field becomes
 * a label; nested objects are flattened with {@code _} ({@code {"a":{"b":1}}} gives {@code
 * a_b="1"}); arrays and nulls are skipped; keys are sanitized and get {@code _extracted} when the
 * stream has them; a string whose escapes are invalid, or that holds U+FFFD, gives an empty value.
 * The line is read as Loki's parser reads it ({@link JsonObjectWalker}): a line that is not a
 * JSON object, or breaks off, keeps the labels of the fields before the fault and is marked
 * {@code __error__=JSONParserErr} with the parser library's message in {@code
 * __error_details__} (for a line that is not an object: {@value JsonObjectWalker#MALFORMED_OBJECT});
 * what follows the object's closing brace is not read.
 *
 * <p>With parser hints (a set of needed label names) only those labels are added; every other
 * field is still walked, so errors are the same as without hints.
 */
final class JsonParserStage implements Stage {
  /** Nesting beyond this is refused, so that a hostile line cannot exhaust the stack. */
  static final int MAX_DEPTH = 512;
  static final String TOO_DEEP = "nesting deeper than " + MAX_DEPTH + " objects";

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
    String line = state.line;
    try {
      JsonObjectWalker.walk(line, 0, line.length(), new ObjectVisitor(state.labels, "", 0, neededLabels));
    } catch (JsonObjectWalker.MalformedJsonException e) {
      state.labels.setError(ErrorNames.JSON, e.getMessage());
    }
    return true;
  }

  /** Adds the fields of one object, whose labels start with {@code prefix}. */
  private record ObjectVisitor(LabelsBuilder labels, String prefix, int depth, Set<String> neededLabels) implements JsonObjectWalker.Visitor {
    @Override
    public void field(String key, String text, JsonObjectWalker.ValueType type, int valueStart, int valueEnd)
        throws JsonObjectWalker.MalformedJsonException {
      switch (type) {
        case OBJECT -> {
          if (depth >= MAX_DEPTH) {
            throw new JsonObjectWalker.MalformedJsonException(TOO_DEEP);
          }
          JsonObjectWalker.walk(text, valueStart, valueEnd, new ObjectVisitor(labels, childPrefix(prefix, key), depth + 1, neededLabels));
        }
        case STRING -> {
          String name = labelName(key);
          if (name != null) {
            labels.set(name, stringValue(text, valueStart, valueEnd));
          }
        }
        case NUMBER, BOOLEAN -> {
          String name = labelName(key);
          if (name != null) {
            labels.set(name, text.substring(valueStart, valueEnd));
          }
        }
        case NULL, ARRAY -> {}
      }
    }

    /** The label a value is stored under; null when it is not stored (no name, or not needed). */
    private String labelName(String key) {
      String name = childPrefix(prefix, key);
      if (name.isEmpty()) {
        return null;
      }
      String parsed = LabelNames.forParsed(labels, name);
      return neededLabels == null || neededLabels.contains(parsed) ? parsed : null;
    }
  }

  /** A JSON string's value as Loki keeps it: unescaped, or empty when an escape is invalid or it holds U+FFFD. */
  static String stringValue(String text, int start, int end) {
    String value = JsonObjectWalker.unescape(text, start, end);
    return value == null || value.indexOf('\ufffd') >= 0 ? "" : value;
  }

  private static String childPrefix(String prefix, String key) {
    String sanitized = LabelNames.sanitize(key, prefix.isEmpty());
    if (sanitized.isEmpty()) {
      return prefix;
    }
    return prefix.isEmpty() ? sanitized : prefix + "_" + sanitized;
  }
}
