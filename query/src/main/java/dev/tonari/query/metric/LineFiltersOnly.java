package dev.tonari.query.metric;

import dev.tonari.query.pipeline.LabelsBuilder;
import dev.tonari.store.Labels;
import java.util.Map;

/**
 * The stages of a pipeline made only of line filters, which the store has already applied: every
 * entry it hands over is kept, with the stream's labels plus its structured metadata, named as the
 * pipeline runtime names them (a metadata name that a stream label already has gets the suffix
 * {@code _extracted}). This path makes no String of the line.
 */
final class LineFiltersOnly implements StreamStages {
  private final Labels streamLabels;
  private Labels lastMetadata = Labels.EMPTY;
  private Labels lastLabels;
  private String line;

  LineFiltersOnly(Labels streamLabels) {
    this.streamLabels = streamLabels;
    this.lastLabels = streamLabels;
  }

  @Override
  public boolean process(long timestampNanos, String line, Labels metadata) {
    this.line = line;
    if (!metadata.equals(lastMetadata)) {
      lastMetadata = metadata;
      lastLabels = withMetadata(streamLabels, metadata);
    }
    return true;
  }

  static Labels withMetadata(Labels streamLabels, Labels metadata) {
    if (metadata.isEmpty()) {
      return streamLabels;
    }
    Map<String, String> merged = streamLabels.toMap();
    for (int i = 0; i < metadata.size(); i++) {
      String name = metadata.name(i);
      merged.put(streamLabels.get(name) != null ? name + LabelsBuilder.DUPLICATE_SUFFIX : name, metadata.value(i));
    }
    return Labels.of(merged);
  }

  @Override
  public String line() {
    return line;
  }

  @Override
  public Labels labels() {
    return lastLabels;
  }

  @Override
  public String labelValue(String name) {
    return lastLabels.get(name);
  }

  @Override
  public boolean hasError() {
    return lastLabels.get(LabelsBuilder.ERROR_LABEL) != null;
  }
}
