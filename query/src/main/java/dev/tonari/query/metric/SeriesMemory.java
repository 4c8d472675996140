package dev.tonari.query.metric;

import dev.tonari.query.QueryContext;

/**
 * One range reader's account of what its series hold, handed to the query's {@link QueryContext}
 * a few kilobytes at a time. Parallel readers each make thousands of series for a {@code by
 * (path)}; telling the shared counter of every one of them bounced its cache line between the
 * cores. The limit ({@code max_query_memory_bytes}) is so checked up to {@link #BATCH_BYTES} late
 * per reader.
 *
 * <p>Not thread-safe: one per reader, {@link #flush} when the reader is done.
 */
final class SeriesMemory {
  /** What a reader holds back before telling the context: a few series' worth. */
  static final long BATCH_BYTES = 4096;

  private final QueryContext context;
  private long pending;

  SeriesMemory(QueryContext context) {
    this.context = context;
  }

  void changed(long deltaBytes) {
    pending += deltaBytes;
    if (pending >= BATCH_BYTES || pending <= -BATCH_BYTES) {
      flush();
    }
  }

  /** Tells the context what is still held back (which may end the query over its limit). */
  void flush() {
    if (pending != 0) {
      long delta = pending;
      pending = 0;
      context.memoryChanged(delta);
    }
  }
}
