package dev.tonari.query.pipeline;

/** One compiled pipeline stage. Stages are immutable and shared by all streams and threads. */
interface Stage {
  /** Processes the current line; false drops it. The stage may replace the line and change labels. */
  boolean process(LineState state);
}
