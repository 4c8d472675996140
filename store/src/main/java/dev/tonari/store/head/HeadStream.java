package dev.tonari.store.head;

import dev.tonari.store.DistinctLineSet;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.Utf8;
import dev.tonari.store.bloom.BlockFilters;
import dev.tonari.store.bloom.BlockTermHashes;
import dev.tonari.store.bloom.NeedleProbes;
import dev.tonari.store.part.PartFormat;
import dev.tonari.store.part.PartWriterOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entries of one stream in a {@link Head}, stored column-wise without an object per entry: a
 * growable {@code long[]} of timestamps, the lines' UTF-8 bytes in pages (each line whole in one
 * page) with an {@code int[]} each of page, start and length, and metadata only for entries that
 * have some (two parallel arrays of entry index and labels).
 *
 * <p>Pages, not one array grown by doubling: a full page is never copied, so the line bytes are
 * allocated once (growth copies were a quarter of the push path's allocation, and the old copies
 * of long-lived arrays were garbage in the old generation that only concurrent marking frees), and
 * a stream holds at most one partly filled page, so the head's byte bound counts about the bytes
 * in use rather than up to twice them. Pages start small and double up to {@value #PAGE_BYTES}
 * bytes, so a stream of a few lines costs little.
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
  /** The largest page; a longer line gets a page of its own length. */
  static final int PAGE_BYTES = 32 * 1024;
  private static final int FIRST_PAGE_BYTES = 1024;

  private long[] timestamps = new long[16];
  private int[] linePages = new int[16];
  private int[] lineStarts = new int[16];
  private int[] lineLengths = new int[16];
  private byte[][] pages = new byte[4][];
  private int pageCount;
  /** Bytes used in the last page. */
  private int pageFill;
  private int nextPageBytes = FIRST_PAGE_BYTES;
  private long pageCapacityBytes;
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
      lines[i] = Utf8.encode(list.get(i).line());
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
        linePages = Arrays.copyOf(linePages, capacity);
        lineStarts = Arrays.copyOf(lineStarts, capacity);
        lineLengths = Arrays.copyOf(lineLengths, capacity);
      }
      if (pageCount == 0 || pageFill + line.length > pages[pageCount - 1].length) {
        addPage(line.length);
      }
      System.arraycopy(line, 0, pages[pageCount - 1], pageFill, line.length);
      long timestamp = entry.timestampNanos();
      timestamps[count] = timestamp;
      linePages[count] = pageCount - 1;
      lineStarts[count] = pageFill;
      lineLengths[count] = line.length;
      pageFill += line.length;
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

  /** Starts a page that holds at least a line of this length. */
  private void addPage(int lineLength) {
    if (pageCount == pages.length) {
      pages = Arrays.copyOf(pages, pageCount * 2);
    }
    int size = Math.max(lineLength, nextPageBytes);
    if (lineLength <= nextPageBytes) {
      nextPageBytes = Math.min(PAGE_BYTES, nextPageBytes * 2);
    }
    pages[pageCount++] = new byte[size];
    pageCapacityBytes += size;
    pageFill = 0;
  }

  /**
   * Bytes of the arrays appends grow (array headers left out). The free tail of the last page is
   * left out: it is at most {@value #PAGE_BYTES} bytes and never more than the stream's earlier
   * pages (pages double), and counting it would make a push that opens a page count a whole page
   * the bound's check could not foresee.
   */
  private long capacityBytes() {
    long lastPageFree = pageCount == 0 ? 0 : pages[pageCount - 1].length - pageFill;
    return timestamps.length * 20L + pages.length * 8L + pageCapacityBytes - lastPageFree + metadataIndexes.length * 4L + metadataValues.length * 8L;
  }

  /** What an empty stream's arrays take: what a new stream costs the head before its first entry. */
  static long initialCapacityBytes() {
    return 16 * 20L + 4 * 8L;
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
      BlockTermHashes terms = new BlockTermHashes();
      int[] offsets = new int[CHUNK_ENTRIES];
      int[] lengths = new int[CHUNK_ENTRIES];
      // A chunk's lines may lie in several pages; the filter builder takes one buffer, so they are
      // gathered (at query time, once per chunk).
      byte[] gathered = new byte[0];
      for (int chunk = chunkFilterCount; chunk < full; chunk++) {
        int bytes = 0;
        for (int i = 0; i < CHUNK_ENTRIES; i++) {
          bytes += lineLengths[chunk * CHUNK_ENTRIES + i];
        }
        if (gathered.length < bytes) {
          gathered = new byte[Math.max(bytes, gathered.length * 2)];
        }
        int at = 0;
        for (int i = 0; i < CHUNK_ENTRIES; i++) {
          int index = chunk * CHUNK_ENTRIES + i;
          System.arraycopy(pages[linePages[index]], lineStarts[index], gathered, at, lineLengths[index]);
          offsets[i] = at;
          lengths[i] = lineLengths[index];
          at += lengths[i];
        }
        chunkFilters[chunk] = NeedleProbes.foldedFiltersOf(
            gathered, offsets, lengths, CHUNK_ENTRIES, PartWriterOptions.DEFAULT_FOLDED_FALSE_POSITIVE_RATE, PartFormat.foldedScheme(PartFormat.VERSION), terms);
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
        pages,
        linePages,
        lineStarts,
        lineLengths,
        sortedOrder,
        sortedSize,
        Arrays.copyOf(metadataIndexes, metadataCount),
        Arrays.copyOf(metadataValues, metadataCount));
  }

  private boolean addLine(int index) {
    return runLines.add(pages[linePages[index]], lineStarts[index], lineLengths[index]);
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
