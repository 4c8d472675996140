package dev.tonari.store.head;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.bloom.BlockFilters;
import dev.tonari.store.bloom.NeedleProbes;
import dev.tonari.store.part.PartWriterOptions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The entries of one stream in a {@link Head}, stored column-wise without an object per entry: a
 * growable {@code long[]} of timestamps, one {@code byte[]} holding every line's UTF-8 bytes with
 * an {@code int[]} of end offsets, and metadata only for entries that have some (two parallel
 * arrays of entry index and labels).
 *
 * <p>Entries are kept in arrival order, which may be out of time order and may repeat. {@link
 * #snapshot()} returns them sorted by (timestamp, line bytes) without exact duplicates; the sorted
 * order is cached and extended incrementally, so repeated reads of a growing stream stay cheap.
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

  /** Appends entries; returns the bytes of memory they take, for the head's size accounting. */
  synchronized long append(Iterable<LogEntry> entries) {
    long added = 0;
    for (LogEntry entry : entries) {
      byte[] line = entry.line().getBytes(StandardCharsets.UTF_8);
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
      added += line.length + 16;
    }
    return added;
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
      int[] offsets = new int[CHUNK_ENTRIES];
      int[] lengths = new int[CHUNK_ENTRIES];
      for (int chunk = chunkFilterCount; chunk < full; chunk++) {
        for (int i = 0; i < CHUNK_ENTRIES; i++) {
          int index = chunk * CHUNK_ENTRIES + i;
          offsets[i] = index == 0 ? 0 : lineEnds[index - 1];
          lengths[i] = lineEnds[index] - offsets[i];
        }
        chunkFilters[chunk] = NeedleProbes.filtersOf(
            lineBytes, offsets, lengths, CHUNK_ENTRIES, PartWriterOptions.DEFAULT_BLOOM_FALSE_POSITIVE_RATE, SUBSTRING_FALSE_POSITIVE_RATE);
      }
      chunkFilterCount = full;
    }
    return Arrays.copyOf(chunkFilters, chunkFilterCount);
  }

  /** As the part writer's substring filters (see {@code PartWriter}). */
  private static final double SUBSTRING_FALSE_POSITIVE_RATE = 0.2;

  /** The entries sorted by (timestamp, line bytes), each exactly once. */
  public synchronized HeadStreamSnapshot snapshot() {
    if (sortedThrough < count) {
      int[] fresh = new int[count - sortedThrough];
      for (int i = 0; i < fresh.length; i++) {
        fresh[i] = sortedThrough + i;
      }
      sort(fresh);
      int[] merged = new int[sortedSize + fresh.length];
      int size = 0;
      int a = 0;
      int b = 0;
      while (a < sortedSize || b < fresh.length) {
        int next;
        if (b >= fresh.length || (a < sortedSize && compare(sortedOrder[a], fresh[b]) <= 0)) {
          next = sortedOrder[a++];
        } else {
          next = fresh[b++];
        }
        if (size == 0 || compare(merged[size - 1], next) != 0) {
          merged[size++] = next;
        }
      }
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

  private int compare(int i, int j) {
    int c = Long.compare(timestamps[i], timestamps[j]);
    if (c != 0) {
      return c;
    }
    int startI = i == 0 ? 0 : lineEnds[i - 1];
    int startJ = j == 0 ? 0 : lineEnds[j - 1];
    return Arrays.compareUnsigned(lineBytes, startI, lineEnds[i], lineBytes, startJ, lineEnds[j]);
  }

  /** Sorts entry indexes by (timestamp, line bytes); a stable merge sort, linear on sorted input. */
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
