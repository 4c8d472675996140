package dev.tonari.query.pipeline;

/** Loki's label-name rules for parsed keys. */
final class LabelNames {
  private LabelNames() {}

  /**
   * Loki's {@code sanitizeLabelKey}: trims spaces, replaces every character outside
   * {@code [a-zA-Z0-9_]} with {@code _}, and with {@code isPrefix} puts {@code _} before a leading digit.
   */
  static String sanitize(String key, boolean isPrefix) {
    String trimmed = key.strip();
    if (trimmed.isEmpty()) {
      return trimmed;
    }
    StringBuilder out = new StringBuilder(trimmed.length() + 1);
    if (isPrefix && trimmed.charAt(0) >= '0' && trimmed.charAt(0) <= '9') {
      out.append('_');
    }
    for (int i = 0; i < trimmed.length(); ) {
      int c = trimmed.codePointAt(i);
      out.append(isValidCharacter(c) ? (char) c : '_');
      i += Character.charCount(c);
    }
    return out.toString();
  }

  private static boolean isValidCharacter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  /** Prometheus's label name rule. */
  static boolean isValid(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(isValidCharacter(c)) || (i == 0 && c >= '0' && c <= '9')) {
        return false;
      }
    }
    return true;
  }

  /** The name a parser stores a key under: {@code _extracted} added when the stream has the key. */
  static String forParsed(LabelsBuilder labels, String name) {
    return labels.baseHas(name) ? name + LabelsBuilder.DUPLICATE_SUFFIX : name;
  }
}
