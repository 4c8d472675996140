package dev.tonari.ingest.agent;

/** Attribute and field names turned into names Loki accepts for labels and structured metadata. */
public final class LabelNames {
  private LabelNames() {}

  /** A label name Loki (Prometheus) accepts: {@code [a-zA-Z_][a-zA-Z0-9_]*}, invalid characters as {@code _}. */
  public static String of(String name) {
    if (name.isEmpty()) {
      return "_";
    }
    StringBuilder sb = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean valid = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!valid && sb == null) {
        sb = new StringBuilder(name.length()).append(name, 0, i);
      }
      if (sb != null) {
        sb.append(valid ? c : '_');
      }
    }
    String normalised = sb == null ? name : sb.toString();
    char first = normalised.charAt(0);
    return first >= '0' && first <= '9' ? "key_" + normalised : normalised;
  }

}
