package dev.tonari.store.engine;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.part.CorruptPartException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A k-way merge of one stream's cursors from several sources (heads, parts), each already sorted
 * by (timestamp, line bytes) in the requested direction and free of duplicates. Entries equal in
 * timestamp and line bytes across sources come out once. A source that turns out to be corrupt
 * is reported to the handler and dropped; the merge goes on with the others.
 */
final class MergingCursor implements EntryCursor {
  /** Told when a part source fails its checksum. */
  interface CorruptionHandler {
    void corrupt(PartHandle part, CorruptPartException cause);
  }

  /** A source cursor and the part it reads (null for a head). */
  record Source(EntryCursor cursor, PartHandle part) {}

  private final Labels labels;
  private final PriorityQueue<Source> heap;
  private final List<Source> all;
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
    this.heap =
        new PriorityQueue<>(
            Math.max(1, sources.size()),
            (a, b) -> {
              int c = compare(a.cursor(), b.cursor());
              return forward ? c : -c;
            });
    for (Source source : sources) {
      advance(source);
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
