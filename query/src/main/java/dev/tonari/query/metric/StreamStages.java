package dev.tonari.query.metric;

import dev.tonari.store.Labels;

/**
 * What the metric engine needs of a log pipeline for one stream: run an entry through the stages,
 * and if it is kept, read the resulting line and labels (stream labels, structured metadata and
 * labels added by parsers, including {@code __error__}).
 */
interface StreamStages {
  boolean process(long timestampNanos, String line, Labels metadata);

  String line();

  Labels labels();

  /** One label of the result, as {@link #labels()} would hold it (null when absent), without building the whole set. */
  String labelValue(String name);

  /** Whether the result carries {@code __error__} (any value, even empty). */
  boolean hasError();

  /** Makes the stages for each stream of one log range. */
  interface Factory {
    StreamStages forStream(Labels streamLabels);
  }
}
