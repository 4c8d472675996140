package dev.tonari.logql;

/** One assignment of {@code label_format}: a rename or a template. */
public sealed interface LabelFormatting {
  /** The label being written. */
  String destination();

  /** {@code dst=src}: renames label {@code src} to {@code dst} (the source label is removed). */
  record Rename(String destination, String source) implements LabelFormatting {
    public Rename {
      if (destination == null || source == null) {
        throw new IllegalArgumentException("label rename needs a destination and a source, got " + destination + " " + source);
      }
    }
  }

  /** {@code dst="{{.a}}-{{.b}}"}: sets {@code dst} to a Go text/template's output. */
  record Template(String destination, String template) implements LabelFormatting {
    public Template {
      if (destination == null || template == null) {
        throw new IllegalArgumentException("label template needs a destination and a template, got " + destination + " " + template);
      }
    }
  }
}
