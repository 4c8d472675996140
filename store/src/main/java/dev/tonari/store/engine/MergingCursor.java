package dev.tonari.store.engine;

import dev.tonari.store.Direction;
import dev.tonari.store.DistinctLineSet;
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
 * by timestamp in the requested direction, entries of equal timestamp in push order (reversed
 * going backward), and free of duplicates. Entries of equal timestamp from several sources come
 * in the order of the sources' {@linkplain Source#pushRank push ranks}: older sources first going
 * forward, last going backward, so that the merge returns the push order as Loki does. Entries
 * equal in timestamp and line bytes across sources come out once, at the place of the first push:
 * the merge reads every run of equal timestamps whole into a buffer (one copy of each line, as
 * the de-duplication needs anyway), drops repeated pushes, and returns the run in order, so that a
 * backward read is exactly the reverse of a forward one. A source that turns out to be corrupt
 * is reported to the handler and dropped; the merge goes on with the others.
 *
 * <p><b>Sources are opened lazily</b>, in the order of their time bounds in the direction of
 * travel: a source joins the merge only when the merge has reached its bound (its oldest entry
 * going forward, its newest going backward), inclusive, so equal entries of two sources still meet
 * and are de-duplicated. A query for the newest 100 lines of a stream thus reads the newest part's
 * newest block, not one block of every part of the day.
 */
public final class MergingCursor implements EntryCursor {
  /** Told when a part source fails its checksum. */
  interface CorruptionHandler {
    void corrupt(PartHandle part, CorruptPartException cause);
  }

  /**
   * A source cursor, the part it reads (null for a head), bounds that contain every entry it can
   * return (wider is safe, narrower would break the merge), and its push rank: sources of smaller
   * rank hold entries pushed earlier. Ranks of one merge must differ.
   *
   * @param pushRank see {@link #partRank} and {@link #headRank}
   */
  record Source(EntryCursor cursor, PartHandle part, long minTimestamp, long maxTimestamp, long pushRank) {
    /** A part's source without known bounds: it joins the merge at once. */
    Source(EntryCursor cursor, PartHandle part) {
      this(cursor, part, Long.MIN_VALUE, Long.MAX_VALUE, partRank(part));
    }

    /** A part's source with the bounds of its stream. */
    Source(EntryCursor cursor, PartHandle part, long minTimestamp, long maxTimestamp) {
      this(cursor, part, minTimestamp, maxTimestamp, partRank(part));
    }

    /**
     * The push rank of a part. Merges take the oldest parts of one level (see {@link
     * MergePolicy}), so every entry of a higher level was pushed before every entry of a lower
     * one, and within a level the sequence follows the flushes: rank by level descending, then
     * sequence. Heads rank after every part.
     */
    static long partRank(PartHandle part) {
      if (part.level() < 0 || part.level() >= MAX_LEVELS || part.sequence() < 0 || part.sequence() >= 1L << SEQUENCE_BITS) {
        throw new IllegalArgumentException("part " + part.key() + " has a level or sequence outside the push ranks");
      }
      return ((long) (MAX_LEVELS - 1 - part.level()) << SEQUENCE_BITS) | part.sequence();
    }

    /** The push rank of the head at {@code index} in the list of heads, oldest (frozen) first, live last. */
    static long headRank(int index) {
      return ((long) MAX_LEVELS << SEQUENCE_BITS) + index;
    }
  }

  private static final int SEQUENCE_BITS = 52;
  private static final int MAX_LEVELS = 1 << (63 - SEQUENCE_BITS - 1);

  private final Labels labels;
  private final PriorityQueue<Source> heap;
  private final List<Source> all;
  /** Sources not yet advanced, in the order they join; {@link #pendingIndex} is the next to join. */
  private final List<Source> pending;
  private int pendingIndex;
  private final boolean forward;
  private final CorruptionHandler corruptionHandler;
  private boolean primed;

  // The run of equal timestamps being returned: lines copied into one arena, in merge order.
  private long runTimestamp;
  private byte[] runBytes = new byte[4096];
  private int runBytesSize;
  private int[] runOffsets = new int[16];
  private int[] runLengths = new int[16];
  private Labels[] runMetadata = new Labels[16];
  private int runSize;
  /** Indexes into the run of the entries to return (repeated pushes left out), and the position among them. */
  private int[] runReturned = new int[16];
  private int runReturnedCount;
  private int runPosition;
  private int current = -1;
  private final DistinctLineSet runLines = new DistinctLineSet();
  /**
   * The only source when there is one (a stream in one part or one head, the common case), or null:
   * its entries are already in order and free of duplicates, so they are returned straight from
   * its cursor, without the copy into a run that de-duplicating several sources needs.
   */
  private Source single;

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
              int c = Long.compare(a.cursor().timestamp(), b.cursor().timestamp());
              if (c == 0) {
                c = Long.compare(a.pushRank(), b.pushRank());
              }
              return forward ? c : -c;
            });
    List<Source> ordered = new ArrayList<>(sources);
    ordered.sort(forward ? Comparator.comparingLong(Source::minTimestamp) : Comparator.comparingLong(Source::maxTimestamp).reversed());
    this.pending = ordered;
    this.single = sources.size() == 1 ? sources.get(0) : null;
    // The first source is needed in any case: let it start reading ahead while other streams prime.
    if (!ordered.isEmpty() && ordered.get(0).cursor() instanceof PrefetchingPartCursor first) {
      first.startReadAhead();
    }
  }

  /**
   * Merges lists of per-stream cursors from several sources into one cursor per distinct label
   * set, sorted by labels: the engine's merge, for {@link
   * dev.tonari.store.EntryCursors#mergeSources} (see there for the contract). Push ranks follow
   * the sources' order, then the cursors' order within a source. Cursors that turn out empty are
   * closed and left out; on failure every cursor given is closed.
   */
  public static List<EntryCursor> mergeSources(List<List<EntryCursor>> sources, Direction direction) throws IOException {
    java.util.TreeMap<Labels, List<Source>> byLabels = new java.util.TreeMap<>();
    long rank = 0;
    for (List<EntryCursor> source : sources) {
      for (EntryCursor cursor : source) {
        byLabels.computeIfAbsent(cursor.labels(), l -> new ArrayList<>()).add(new Source(cursor, null, Long.MIN_VALUE, Long.MAX_VALUE, rank++));
      }
    }
    List<MergingCursor> merges = new ArrayList<>(byLabels.size());
    for (java.util.Map.Entry<Labels, List<Source>> stream : byLabels.entrySet()) {
      merges.add(new MergingCursor(stream.getKey(), stream.getValue(), direction, (part, cause) -> {}));
    }
    List<EntryCursor> result = new ArrayList<>(merges.size());
    try {
      for (MergingCursor merge : merges) {
        if (merge.prime()) {
          result.add(merge);
        } else {
          merge.close();
        }
      }
    } catch (IOException | RuntimeException e) {
      for (MergingCursor merge : merges) {
        try {
          merge.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return result;
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
    if (single != null) {
      return nextOfSingle();
    }
    while (runPosition >= runReturnedCount) {
      if (!readRun()) {
        current = -1;
        return false;
      }
    }
    current = runReturned[runPosition++];
    return true;
  }

  /** {@link #next} of the only source; a corrupt part is reported and ends the stream, as a merge drops it. */
  private boolean nextOfSingle() throws IOException {
    try {
      return single.cursor().next();
    } catch (CorruptPartException e) {
      if (single.part() == null) {
        throw e;
      }
      corruptionHandler.corrupt(single.part(), e);
      // The cursor is then the exhausted empty merge; its source is still closed by close().
      single = null;
      pendingIndex = pending.size();
      return false;
    }
  }

  /** Reads the next run of equal timestamps from all sources; false when they are exhausted. */
  private boolean readRun() throws IOException {
    runSize = 0;
    runBytesSize = 0;
    runReturnedCount = 0;
    runPosition = 0;
    joinReachedSources();
    Source top = heap.poll();
    if (top == null) {
      return false;
    }
    runTimestamp = top.cursor().timestamp();
    while (true) {
      copyIntoRun(top.cursor());
      advance(top);
      joinReachedSources();
      top = heap.peek();
      if (top == null || top.cursor().timestamp() != runTimestamp) {
        break;
      }
      heap.poll();
    }
    if (runReturned.length < runSize) {
      runReturned = new int[runMetadata.length];
    }
    if (runSize == 1) {
      runReturned[runReturnedCount++] = 0;
      return true;
    }
    // The first push of a line is the one kept: going forward it comes first in the run, going
    // backward last; the kept entries are returned in run order either way.
    runLines.clear();
    if (forward) {
      for (int i = 0; i < runSize; i++) {
        if (runLines.add(runBytes, runOffsets[i], runLengths[i])) {
          runReturned[runReturnedCount++] = i;
        }
      }
    } else {
      for (int i = runSize - 1; i >= 0; i--) {
        if (runLines.add(runBytes, runOffsets[i], runLengths[i])) {
          runReturned[runReturnedCount++] = i;
        }
      }
      for (int i = 0, j = runReturnedCount - 1; i < j; i++, j--) {
        int swap = runReturned[i];
        runReturned[i] = runReturned[j];
        runReturned[j] = swap;
      }
    }
    return true;
  }

  private void copyIntoRun(EntryCursor cursor) {
    if (runSize == runOffsets.length) {
      runOffsets = Arrays.copyOf(runOffsets, runSize * 2);
      runLengths = Arrays.copyOf(runLengths, runSize * 2);
      runMetadata = Arrays.copyOf(runMetadata, runSize * 2);
    }
    int length = cursor.lineLength();
    if (runBytesSize + length > runBytes.length) {
      runBytes = Arrays.copyOf(runBytes, Math.max(runBytes.length * 2, runBytesSize + length));
    }
    System.arraycopy(cursor.lineBuffer(), cursor.lineOffset(), runBytes, runBytesSize, length);
    runOffsets[runSize] = runBytesSize;
    runLengths[runSize] = length;
    runMetadata[runSize] = cursor.metadata();
    runBytesSize += length;
    runSize++;
  }

  @Override
  public long timestamp() {
    if (single != null) {
      return single.cursor().timestamp();
    }
    return runTimestamp;
  }

  @Override
  public byte[] lineBuffer() {
    if (single != null) {
      return single.cursor().lineBuffer();
    }
    return runBytes;
  }

  @Override
  public int lineOffset() {
    if (single != null) {
      return single.cursor().lineOffset();
    }
    return runOffsets[current];
  }

  @Override
  public int lineLength() {
    if (single != null) {
      return single.cursor().lineLength();
    }
    return runLengths[current];
  }

  @Override
  public Labels metadata() {
    if (single != null) {
      return single.cursor().metadata();
    }
    return runMetadata[current];
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
