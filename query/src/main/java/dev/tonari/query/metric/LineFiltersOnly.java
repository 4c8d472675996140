package dev.tonari.query.metric;

import dev.tonari.store.Labels;
import java.util.Map;

/**
 * The stages of a pipeline made only of line filters, which the store has already applied: every
 * entry it hands over is kept, with the stream's labels plus its structured metadata (the stream's
 * own label wins a name clash).
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
    Map<String, String> merged = metadata.toMap();
    merged.putAll(streamLabels.toMap());
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
}
