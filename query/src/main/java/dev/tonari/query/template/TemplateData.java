package dev.tonari.query.template;

import java.util.Map;

/**
 * What a template runs on: the labels of the current line (the dot is a {@code map[string]string},
 * so a missing label reads as the empty string, as Loki's {@code missingkey=zero} gives) and the
 * line and timestamp behind {@code __line__} and {@code __timestamp__}.
 */
public interface TemplateData {
  /** The value of a label, or null when the line has no such label. */
  String label(String name);

  /** All labels, for templates that use the dot as a whole ({@code range .}, {@code len .}). */
  Map<String, String> labels();

  String line();

  long timestampNanos();

  /** Data of fixed labels, for tests and one-off evaluations. */
  static TemplateData of(Map<String, String> labels, String line, long timestampNanos) {
    return new TemplateData() {
      @Override
      public String label(String name) {
        return labels.get(name);
      }

      @Override
      public Map<String, String> labels() {
        return labels;
      }

      @Override
      public String line() {
        return line;
      }

      @Override
      public long timestampNanos() {
        return timestampNanos;
      }
    };
  }
}
