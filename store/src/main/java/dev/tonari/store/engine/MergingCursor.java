package dev.tonari.store.engine;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.part.CorruptPartException;
import java.io.IOException;
import dev.tonari.store.part.PrefetchingPartCursor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A k-way merge of one stream's cursors from several sources (heads, parts), each already sorted
 * by (timestamp, line bytes) in the requested direction and free of duplicates. Entries equal in
 * timestamp and line bytes across sources come out once. A source that turns out to be corrupt
 * is reported to the handler and dropped; the merge goes on with the others.
 *
 * <p><b>Sources are opened lazily</b>, in the order of their time bounds in the direction of
 * travel: a source joins the merge only when the merge has reached its bound (its oldest entry
 * going forward, its newest going backward), inclusive, so equal entries of two sources still meet
 * and are de-duplicated. A query for the newest 100 lines of a stream thus reads the newest part's
 * newest block, not one block of every part of the day.
 */
final class MergingCursor implements EntryCursor {
  /** Told when a part source fails its checksum. */
  interface CorruptionHandler {
    void corrupt(PartHandle part, CorruptPartException cause);
  }

  /**
   * A source cursor, the part it reads (null for a head) and bounds that contain every entry it
   * can return (wider is safe, narrower would break the merge).
   */
  record Source(EntryCursor cursor, PartHandle part, long minTimestamp, long maxTimestamp) {
    /** A source without known bounds: it joins the merge at once. */
    Source(EntryCursor cursor, PartHandle part) {
      this(cursor, part, Long.MIN_VALUE, Long.MAX_VALUE);
    }
  }

  private final Labels labels;
  private final PriorityQueue<Source> heap;
  private final List<Source> all;
  /** Sources not yet advanced, in the order they join; {@link #pendingIndex} is the next to join. */
  private final List<Source> pending;
  private int pendingIndex;
  private final boolean forward;
  private final CorruptionHandler corruptionHandler;
  private Source current;
  private Source pendingAdvance;
  private boolean primed;
  private boolean hasLast;
  private long lastTimestamp;
  private byte[] lastLine = new byte[256];
  private int lastLength;

  MergingCursor(Labels labels, List<Source> sources, Direction direction, CorruptionHandler corruptionHandler) throws IOException {
    this.labels = labels;
    this.all = sources;
    this.corruptionHandler = corruptionHandler;
    boolean forward = direction == Direction.FORWARD;
    this.forward = forward;
    this.heap =
        new PriorityQueue<>(
            Math.max(1, sources.size()),
            (a, b) -> {
              int c = compare(a.cursor(), b.cursor());
              return forward ? c : -c;
            });
    List<Source> ordered = new ArrayList<>(sources);
    ordered.sort(forward ? Comparator.comparingLong(Source::minTimestamp) : Comparator.comparingLong(Source::maxTimestamp).reversed());
    this.pending = ordered;
    // The first source is needed in any case: let it start reading ahead while other streams prime.
    if (!ordered.isEmpty() && ordered.get(0).cursor() instanceof PrefetchingPartCursor first) {
      first.startReadAhead();
    }
  }

  /** Lets every pending source whose bound the merge has reached join it. */
  private void joinReachedSources() throws IOException {
    while (pendingIndex < pending.size()) {
      Source next = pending.get(pendingIndex);
      Source top = heap.peek();
      if (top != null) {
        long position = top.cursor().timestamp();
        if (forward ? next.minTimestamp() > position : next.maxTimestamp() < position) {
          return;
        }
      }
      pendingIndex++;
      advance(next);
    }
  }

  private static int compare(EntryCursor a, EntryCursor b) {
    int c = Long.compare(a.timestamp(), b.timestamp());
    if (c != 0) {
      return c;
    }
    return Arrays.compareUnsigned(
        a.lineBuffer(), a.lineOffset(), a.lineOffset() + a.lineLength(), b.lineBuffer(), b.lineOffset(), b.lineOffset() + b.lineLength());
  }

  private void advance(Source source) throws IOException {
    boolean more;
    try {
      more = source.cursor().next();
    } catch (CorruptPartException e) {
      if (source.part() == null) {
        throw e;
      }
      corruptionHandler.corrupt(source.part(), e);
      more = false;
    }
    if (more) {
      heap.add(source);
    }
  }

  /** Positions on the first entry; false when there is none (the cursor is then useless). */
  boolean prime() throws IOException {
    primed = next();
    return primed;
  }

  @Override
  public Labels labels() {
    return labels;
  }

  @Override
  public boolean next() throws IOException {
    if (primed) {
      primed = false;
      return true;
    }
    if (pendingAdvance != null) {
      Source source = pendingAdvance;
      pendingAdvance = null;
      advance(source);
    }
    while (true) {
      joinReachedSources();
      Source top = heap.poll();
      if (top == null) {
        current = null;
        return false;
      }
      EntryCursor cursor = top.cursor();
      if (hasLast
          && cursor.timestamp() == lastTimestamp
          && Arrays.equals(cursor.lineBuffer(), cursor.lineOffset(), cursor.lineOffset() + cursor.lineLength(), lastLine, 0, lastLength)) {
        advance(top);
        continue;
      }
      current = top;
      pendingAdvance = top;
      hasLast = true;
      lastTimestamp = cursor.timestamp();
      lastLength = cursor.lineLength();
      if (lastLine.length < lastLength) {
        lastLine = new byte[Math.max(lastLength, lastLine.length * 2)];
      }
      System.arraycopy(cursor.lineBuffer(), cursor.lineOffset(), lastLine, 0, lastLength);
      return true;
    }
  }

  @Override
  public long timestamp() {
    return current.cursor().timestamp();
  }

  @Override
  public byte[] lineBuffer() {
    return current.cursor().lineBuffer();
  }

  @Override
  public int lineOffset() {
    return current.cursor().lineOffset();
  }

  @Override
  public int lineLength() {
    return current.cursor().lineLength();
  }

  @Override
  public Labels metadata() {
    return current.cursor().metadata();
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (Source source : all) {
      try {
        source.cursor().close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
