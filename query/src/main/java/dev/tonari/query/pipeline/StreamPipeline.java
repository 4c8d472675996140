package dev.tonari.query.pipeline;

import dev.tonari.store.Labels;

/**
 * A {@link LogPipeline} bound to one stream: processes that stream's lines one at a time. After
 * {@link #process} returns true, {@link #line()}, {@link #labels()} and {@link #labelValue} describe
 * the result until the next call. Not thread-safe; make one per stream per thread.
 */
public final class StreamPipeline {
  private final Stage[] stages;
  private final LineState state;

  StreamPipeline(Stage[] stages, Labels streamLabels) {
    this.stages = stages;
    this.state = new LineState(new LabelsBuilder(streamLabels));
  }

  /** Runs the stages on one line; false when a filter dropped it. */
  public boolean process(long timestampNanos, String line, Labels structuredMetadata) {
    state.timestampNanos = timestampNanos;
    state.line = line;
    state.labels.reset(structuredMetadata);
    for (Stage stage : stages) {
      if (!stage.process(state)) {
        return false;
      }
    }
    return true;
  }

  /** The line after the pipeline (changed by line_format, decolorize or unpack). */
  public String line() {
    return state.line;
  }

  /** The result labels: stream labels, structured metadata and parsed labels, with error labels. */
  public Labels labels() {
    return state.labels.labels();
  }

  /** One label of the result (for unwrap), including {@code __error__}; null when absent. */
  public String labelValue(String name) {
    return state.labels.get(name);
  }

  /** The builder, for callers (unwrap) that must set {@code __error__} on the current line. */
  public LabelsBuilder labelsBuilder() {
    return state.labels;
  }

  public Labels streamLabels() {
    return state.labels.streamLabels();
  }
}
