package dev.tonari.query.pipeline;

import dev.tonari.query.template.TemplateData;
import java.util.Map;

/** The line being processed: its timestamp, its current text and its labels; also the data templates see. */
final class LineState implements TemplateData {
  long timestampNanos;
  String line;
  final LabelsBuilder labels;

  LineState(LabelsBuilder labels) {
    this.labels = labels;
  }

  @Override
  public String label(String name) {
    return labels.get(name);
  }

  @Override
  public Map<String, String> labels() {
    return labels.toMap();
  }

  @Override
  public String line() {
    return line;
  }

  @Override
  public long timestampNanos() {
    return timestampNanos;
  }
}
