package dev.tonari.store.head;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.ScanListener;
import dev.tonari.store.bloom.BlockFilters;
import dev.tonari.store.bloom.NeedleProbes;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable view of a {@link HeadStream} at one moment: its entries sorted by timestamp, equal
 * timestamps in push order, without duplicates. Positions are 0..size()-1 in that order.
 */
public final class HeadStreamSnapshot {
  /**
   * Positions a cursor reports to its {@link ScanListener} at once: the head has no blocks, so runs
   * of this many lines stand for them, and a scan stops within one run of its budget.
   */
  static final int LINES_PER_REPORT = 1024;

  private final Labels labels;
  private final long[] timestamps;
  private final int[] lineEnds;
  private final byte[] lineBytes;
  private final int[] order;
  private final int size;
  private final int[] metadataIndexes;
  private final Labels[] metadataValues;

  HeadStreamSnapshot(
      Labels labels, long[] timestamps, int[] lineEnds, byte[] lineBytes, int[] order, int size, int[] metadataIndexes, Labels[] metadataValues) {
    this.labels = labels;
    this.timestamps = timestamps;
    this.lineEnds = lineEnds;
    this.lineBytes = lineBytes;
    this.order = order;
    this.size = size;
    this.metadataIndexes = metadataIndexes;
    this.metadataValues = metadataValues;
  }

  public Labels labels() {
    return labels;
  }

  public int size() {
    return size;
  }

  public long timestamp(int position) {
    return timestamps[order[position]];
  }

  public byte[] lineBuffer() {
    return lineBytes;
  }

  public int lineOffset(int position) {
    int index = order[position];
    return index == 0 ? 0 : lineEnds[index - 1];
  }

  public int lineLength(int position) {
    int index = order[position];
    return lineEnds[index] - (index == 0 ? 0 : lineEnds[index - 1]);
  }

  public Labels metadata(int position) {
    int found = Arrays.binarySearch(metadataIndexes, order[position]);
    return found >= 0 ? metadataValues[found] : Labels.EMPTY;
  }

  /** First position whose timestamp is {@code >= timestamp} (size() if none). */
  public int lowerBound(long timestamp) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (timestamps[order[mid]] < timestamp) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Whether any entry has {@code from <= timestamp < to}. */
  public boolean hasEntries(long fromNanos, long toNanos) {
    int first = lowerBound(fromNanos);
    return first < size && timestamp(first) < toNanos;
  }

  /** Entries with {@code from <= timestamp < to} passing the filter, in the given direction. */
  public EntryCursor cursor(long fromNanos, long toNanos, Direction direction, LinePredicate filter) {
    return cursor(fromNanos, toNanos, direction, filter, ScanListener.NONE);
  }

  /**
   * As {@link #cursor(long, long, Direction, LinePredicate)}, reporting the lines it goes over to
   * {@code scanListener} in runs of {@value #LINES_PER_REPORT}, each before its first line is
   * tested; the listener's exception leaves {@link EntryCursor#next()} unchanged.
   */
  public EntryCursor cursor(long fromNanos, long toNanos, Direction direction, LinePredicate filter, ScanListener scanListener) {
    int first = lowerBound(fromNanos);
    int end = lowerBound(toNanos);
    return new Cursor(first, Math.max(first, end), direction, filter, scanListener, null);
  }

  /**
   * As {@link #cursor(long, long, Direction, LinePredicate, ScanListener)}, skipping the entries
   * of full chunks whose filters ({@code chunkFilters}, from {@link HeadStream#chunkFilters()})
   * rule out one of the required literals; entries of later, open chunks are all tested. The
   * literals only prune; the filter decides.
   */
  public EntryCursor cursor(
      long fromNanos, long toNanos, Direction direction, LinePredicate filter, ScanListener scanListener, List<String> requiredLiterals,
      BlockFilters[] chunkFilters) {
    return cursor(fromNanos, toNanos, direction, filter, scanListener, NeedleProbes.of(requiredLiterals), chunkFilters);
  }

  /** As {@link #cursor(long, long, Direction, LinePredicate, ScanListener, List, BlockFilters[])}, with the probes already made. */
  public EntryCursor cursor(
      long fromNanos, long toNanos, Direction direction, LinePredicate filter, ScanListener scanListener, NeedleProbes[] probes,
      BlockFilters[] chunkFilters) {
    int first = lowerBound(fromNanos);
    int end = lowerBound(toNanos);
    boolean[] chunkMayMatch = null;
    if (probes.length > 0 && chunkFilters.length > 0) {
      chunkMayMatch = new boolean[chunkFilters.length];
      for (int chunk = 0; chunk < chunkFilters.length; chunk++) {
        chunkMayMatch[chunk] = NeedleProbes.mightContainAll(chunkFilters[chunk], probes);
      }
    }
    return new Cursor(first, Math.max(first, end), direction, filter, scanListener, chunkMayMatch);
  }

  private final class Cursor implements EntryCursor {
    private final int first;
    private final int end;
    private final boolean forward;
    private final LinePredicate filter;
    private final ScanListener scanListener;
    /** Per full chunk of arrival order, whether its lines may match; null when nothing prunes. */
    private final boolean[] chunkMayMatch;
    private int position;
    /** Positions in [reportedLow, reportedHigh) were reported to the listener. */
    private int reportedLow;
    private int reportedHigh;

    Cursor(int first, int end, Direction direction, LinePredicate filter, ScanListener scanListener, boolean[] chunkMayMatch) {
      this.chunkMayMatch = chunkMayMatch;
      this.first = first;
      this.end = end;
      this.forward = direction == Direction.FORWARD;
      this.filter = filter;
      this.scanListener = scanListener;
      this.position = forward ? first - 1 : end;
      this.reportedLow = forward ? first : end;
      this.reportedHigh = reportedLow;
    }

    /** Reports the run of lines from the current position onwards in the direction of travel. */
    private void reportRun() {
      int low;
      int high;
      if (forward) {
        low = position;
        high = Math.min(end, position + LINES_PER_REPORT);
      } else {
        low = Math.max(first, position + 1 - LINES_PER_REPORT);
        high = position + 1;
      }
      long bytes = 0;
      for (int p = low; p < high; p++) {
        bytes += HeadStreamSnapshot.this.lineLength(p);
      }
      scanListener.beforeBlock();
      scanListener.blockScanned(high - low, bytes);
      reportedLow = low;
      reportedHigh = high;
    }

    @Override
    public Labels labels() {
      return labels;
    }

    @Override
    public boolean next() {
      while (true) {
        position += forward ? 1 : -1;
        if (position < first || position >= end) {
          return false;
        }
        if ((position < reportedLow || position >= reportedHigh) && scanListener != ScanListener.NONE) {
          reportRun();
        }
        if (chunkMayMatch != null) {
          int chunk = order[position] / HeadStream.CHUNK_ENTRIES;
          if (chunk < chunkMayMatch.length && !chunkMayMatch[chunk]) {
            continue;
          }
        }
        if (filter == LinePredicate.ALL || filter.test(lineBytes, HeadStreamSnapshot.this.lineOffset(position), HeadStreamSnapshot.this.lineLength(position))) {
          return true;
        }
      }
    }

    @Override
    public long timestamp() {
      return HeadStreamSnapshot.this.timestamp(position);
    }

    @Override
    public byte[] lineBuffer() {
      return lineBytes;
    }

    @Override
    public int lineOffset() {
      return HeadStreamSnapshot.this.lineOffset(position);
    }

    @Override
    public int lineLength() {
      return HeadStreamSnapshot.this.lineLength(position);
    }

    @Override
    public Labels metadata() {
      return HeadStreamSnapshot.this.metadata(position);
    }
  }
}
