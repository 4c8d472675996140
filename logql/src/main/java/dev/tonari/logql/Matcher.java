package dev.tonari.logql;

/**
 * One label matcher of a stream selector, such as {@code env=~"prod|staging"}. A stream without
 * the label is treated as having the empty value, as in Prometheus and Loki.
 */
public record Matcher(String name, MatcherType type, String value) {
  public Matcher {
    if (name == null || type == null || value == null) {
      throw new IllegalArgumentException("matcher needs a name, a type and a value, got " + name + " " + type + " " + value);
    }
  }
}
