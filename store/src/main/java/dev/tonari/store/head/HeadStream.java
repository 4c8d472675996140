package dev.tonari.store.head;

import dev.tonari.store.DistinctLineSet;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.bloom.BlockFilters;
import dev.tonari.store.bloom.DistinctHashes;
import dev.tonari.store.bloom.NeedleProbes;
import dev.tonari.store.part.PartWriterOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entries of one stream in a {@link Head}, stored column-wise without an object per entry: a
 * growable {@code long[]} of timestamps, one {@code byte[]} holding every line's UTF-8 bytes with
 * an {@code int[]} of end offsets, and metadata only for entries that have some (two parallel
 * arrays of entry index and labels).
 *
 * <p>Entries are kept in arrival order, which may be out of time order and may repeat. {@link
 * #snapshot()} returns them sorted by timestamp, entries of equal timestamp in the order they
 * were pushed (as Loki returns them), without exact duplicates (equal timestamp and line: the
 * first push is kept); the sorted order is cached and extended incrementally, so repeated reads
 * of a growing stream stay cheap.
 * Arrays are only ever appended to (growth copies into new arrays), so a snapshot can keep
 * reading the arrays it captured after the lock is released.
 */
public final class HeadStream {
  private final Labels labels;
  private long[] timestamps = new long[16];
  private int[] lineEnds = new int[16];
  private byte[] lineBytes = new byte[1024];
  private int count;
  private int[] metadataIndexes = new int[0];
  private Labels[] metadataValues = new Labels[0];
  private int metadataCount;
  private long minTimestamp = Long.MAX_VALUE;
  private long maxTimestamp = Long.MIN_VALUE;
  /** Sorted, de-duplicated entry indexes covering entries [0, sortedThrough). */
  private int[] sortedOrder = new int[0];
  private int sortedSize;
  private int sortedThrough;
  /** The lines of the run of equal timestamps being merged, to drop repeated pushes. */
  private final DistinctLineSet runLines = new DistinctLineSet();
  /**
   * Filters of the full chunks of {@value #CHUNK_ENTRIES} entries in arrival order, built the
   * first time a needle query asks for them; a full chunk never changes (arrays are only appended
   * to), so its filters stay valid.
   */
  private BlockFilters[] chunkFilters = new BlockFilters[0];
  private int chunkFilterCount;

  /**
   * Entries per head chunk filter: 256 lines of about 300 bytes. With hundreds of streams a head
   * holds a few hundred lines per stream before it is flushed, so larger chunks would rarely fill
   * and the open chunk, scanned line by line, would be most of the head.
   */
  public static final int CHUNK_ENTRIES = 256;

  HeadStream(Labels labels) {
    this.labels = labels;
  }

  public Labels labels() {
    return labels;
  }

  /**
   * Appends entries; returns the bytes of memory they took, for the head's size accounting: the
   * growth of the arrays' capacity (what the heap really holds, up to twice the bytes in use just
   * after a doubling) plus the metadata.
   */
  synchronized long append(Iterable<LogEntry> entries) {
    List<LogEntry> list = new ArrayList<>();
    entries.forEach(list::add);
    byte[][] lines = new byte[list.size()][];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = list.get(i).line().getBytes(StandardCharsets.UTF_8);
    }
    return append(list, lines);
  }

  /**
   * {@link #append(Iterable)} with the lines already in UTF-8 ({@code utf8Lines[i]} is entry
   * {@code i}'s line): the store encodes a push's lines once for the WAL and the head.
   */
  synchronized long append(List<LogEntry> entries, byte[][] utf8Lines) {
    long capacityBefore = capacityBytes();
    long added = 0;
    for (int index = 0; index < utf8Lines.length; index++) {
      LogEntry entry = entries.get(index);
      byte[] line = utf8Lines[index];
      if (count == timestamps.length) {
        int capacity = count * 2;
        timestamps = Arrays.copyOf(timestamps, capacity);
        lineEnds = Arrays.copyOf(lineEnds, capacity);
      }
      int start = count == 0 ? 0 : lineEnds[count - 1];
      if (start + line.length > lineBytes.length) {
        lineBytes = Arrays.copyOf(lineBytes, Math.max(lineBytes.length * 2, start + line.length));
      }
      System.arraycopy(line, 0, lineBytes, start, line.length);
      long timestamp = entry.timestampNanos();
      timestamps[count] = timestamp;
      lineEnds[count] = start + line.length;
      if (!entry.metadata().isEmpty()) {
        if (metadataCount == metadataIndexes.length) {
          int capacity = Math.max(4, metadataCount * 2);
          metadataIndexes = Arrays.copyOf(metadataIndexes, capacity);
          metadataValues = Arrays.copyOf(metadataValues, capacity);
        }
        metadataIndexes[metadataCount] = count;
        metadataValues[metadataCount] = entry.metadata();
        metadataCount++;
        added += 16 + entry.metadata().toString().length();
      }
      count++;
      minTimestamp = Math.min(minTimestamp, timestamp);
      maxTimestamp = Math.max(maxTimestamp, timestamp);
    }
    return added + capacityBytes() - capacityBefore;
  }

  /** Bytes of the arrays appends grow (array headers left out). */
  private long capacityBytes() {
    return timestamps.length * 8L + lineEnds.length * 4L + lineBytes.length + metadataIndexes.length * 4L + metadataValues.length * 8L;
  }

  /** What an empty stream's arrays take: what a new stream costs the head before its first entry. */
  static long initialCapacityBytes() {
    return 16 * 8L + 16 * 4L + 1024;
  }

  public synchronized long minTimestamp() {
    return minTimestamp;
  }

  public synchronized long maxTimestamp() {
    return maxTimestamp;
  }

  /** Number of entries appended, duplicates included. */
  public synchronized int appendedCount() {
    return count;
  }

  /**
   * The filters of every full chunk, building those not built yet. They are built at query time,
   * not at append, so ingest pays nothing for them; the first needle query over a chunk hashes its
   * lines once, as a part writer would.
   */
  public synchronized BlockFilters[] chunkFilters() {
    int full = count / CHUNK_ENTRIES;
    if (chunkFilterCount < full) {
      if (chunkFilters.length < full) {
        chunkFilters = Arrays.copyOf(chunkFilters, Math.max(full, chunkFilters.length * 2));
      }
      DistinctHashes terms = new DistinctHashes();
      int[] offsets = new int[CHUNK_ENTRIES];
      int[] lengths = new int[CHUNK_ENTRIES];
      for (int chunk = chunkFilterCount; chunk < full; chunk++) {
        for (int i = 0; i < CHUNK_ENTRIES; i++) {
          int index = chunk * CHUNK_ENTRIES + i;
          offsets[i] = index == 0 ? 0 : lineEnds[index - 1];
          lengths[i] = lineEnds[index] - offsets[i];
        }
        chunkFilters[chunk] = NeedleProbes.foldedFiltersOf(
            lineBytes, offsets, lengths, CHUNK_ENTRIES, PartWriterOptions.DEFAULT_FOLDED_FALSE_POSITIVE_RATE, terms);
      }
      chunkFilterCount = full;
    }
    return Arrays.copyOf(chunkFilters, chunkFilterCount);
  }

  /** The entries sorted by timestamp, then push order, each (timestamp, line) exactly once. */
  public synchronized HeadStreamSnapshot snapshot() {
    if (sortedThrough < count) {
      int[] fresh = new int[count - sortedThrough];
      for (int i = 0; i < fresh.length; i++) {
        fresh[i] = sortedThrough + i;
      }
      sort(fresh);
      int[] merged = new int[sortedSize + fresh.length];
      int size = 0;
      int runStart = 0;
      int a = 0;
      int b = 0;
      while (a < sortedSize || b < fresh.length) {
        int next;
        if (b >= fresh.length || (a < sortedSize && compare(sortedOrder[a], fresh[b]) <= 0)) {
          next = sortedOrder[a++];
        } else {
          next = fresh[b++];
        }
        if (size > 0 && timestamps[merged[size - 1]] == timestamps[next]) {
          // Lines are compared only within runs of equal timestamps, which are rare and short.
          if (runLines.size() == 0) {
            addLine(merged[runStart]);
          }
          if (!addLine(next)) {
            continue;
          }
        } else {
          runLines.clear();
          runStart = size;
        }
        merged[size++] = next;
      }
      runLines.clear();
      sortedOrder = merged;
      sortedSize = size;
      sortedThrough = count;
    }
    return new HeadStreamSnapshot(
        labels,
        timestamps,
        lineEnds,
        lineBytes,
        sortedOrder,
        sortedSize,
        Arrays.copyOf(metadataIndexes, metadataCount),
        Arrays.copyOf(metadataValues, metadataCount));
  }

  private boolean addLine(int index) {
    int start = index == 0 ? 0 : lineEnds[index - 1];
    return runLines.add(lineBytes, start, lineEnds[index] - start);
  }

  /** Orders entry indexes by timestamp, then by index: the push order. */
  private int compare(int i, int j) {
    int c = Long.compare(timestamps[i], timestamps[j]);
    return c != 0 ? c : Integer.compare(i, j);
  }

  /** Sorts entry indexes by (timestamp, index); a merge sort, linear on sorted input. */
  private void sort(int[] indexes) {
    boolean sorted = true;
    for (int i = 1; i < indexes.length && sorted; i++) {
      sorted = compare(indexes[i - 1], indexes[i]) <= 0;
    }
    if (!sorted) {
      mergeSort(indexes, new int[indexes.length], 0, indexes.length);
    }
  }

  private void mergeSort(int[] a, int[] scratch, int from, int to) {
    if (to - from <= 16) {
      for (int i = from + 1; i < to; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= from && compare(a[j], v) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(a, scratch, from, mid);
    mergeSort(a, scratch, mid, to);
    if (compare(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    System.arraycopy(a, from, scratch, from, to - from);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      if (j >= to || (i < mid && compare(scratch[i], scratch[j]) <= 0)) {
        a[k] = scratch[i++];
      } else {
        a[k] = scratch[j++];
      }
    }
  }
}
