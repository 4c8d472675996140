package dev.tonari.rules.eval;

import dev.tonari.logql.Matcher;
import dev.tonari.query.LabelSelector;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.ForwardingLogStore;
import dev.tonari.store.IndexStats;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LogStore;
import dev.tonari.store.ScanListener;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.StreamVolume;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A read-only view of a {@link LogStore} for one evaluation cycle of one tenant, in which the
 * rules that read the same stream selector read the store once. A request whose selector the
 * {@link ScanPlan} shares is served from a copy of the selector's entries over the union of the
 * cycle's ranges, loaded by its first request (every line, no line filter, so that each rule's
 * own filter then runs on the copy); the others go to the store. Each replay reports the lines of
 * its own range to its own scan listener in runs of 1024, as the in-memory store does, so query
 * statistics, byte budgets and cancellation work as without sharing. A selector's copy is dropped
 * after its last planned read; one whose lines would exceed the cycle's byte budget is not kept,
 * and its reads go to the store.
 *
 * <p>Thread-safe: the groups of a cycle run concurrently; a read of a selector being loaded waits
 * for the load. A copy's memory is a timestamp, an offset and a length per line plus the line
 * bytes, in flat arrays; a copy is read-only once loaded.
 */
final class SharedScanStore extends ForwardingLogStore {
  private static final int LISTENER_RUN = 1024;

  private final LogStore store;
  private final ScanPlan plan;
  private final long byteBudget;
  private final Counters counters;
  private final Map<List<Matcher>, CompletableFuture<Copy>> copies = new HashMap<>();
  private final Map<List<Matcher>, Integer> readsLeft = new HashMap<>();
  private long bytesHeld;

  /** What sharing saved, summed over cycles. */
  static final class Counters {
    final java.util.concurrent.atomic.AtomicLong storeScans = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong sharedLoads = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong sharedReads = new java.util.concurrent.atomic.AtomicLong();
  }

  SharedScanStore(LogStore store, ScanPlan plan, long byteBudget, Counters counters) {
    this.store = store;
    this.plan = plan;
    this.byteBudget = byteBudget;
    this.counters = counters;
  }

  @Override
  public List<EntryCursor> select(SelectRequest request) throws IOException {
    if (!(request.streamSelector() instanceof LabelSelector selector) || !request.tenant().equals(plan.tenant())) {
      return direct(request);
    }
    List<Matcher> key = ScanPlan.canonical(selector.matchers());
    ScanPlan.Use use = plan.use(key);
    if (use == null || request.fromNanos() < use.fromNanos || request.toNanos() > use.toNanos) {
      return direct(request);
    }
    CompletableFuture<Copy> pending;
    boolean loader = false;
    synchronized (this) {
      pending = copies.get(key);
      if (pending == null) {
        if (readsLeft.containsKey(key)) {
          // Loaded and dropped already (over budget, or its planned reads are done).
          return direct(request);
        }
        readsLeft.put(key, use.reads);
        pending = new CompletableFuture<>();
        copies.put(key, pending);
        loader = true;
      }
    }
    if (loader) {
      try {
        pending.complete(load(request, use));
      } catch (IOException | RuntimeException e) {
        pending.complete(null);
        forget(key, null);
        throw e;
      }
    }
    Copy copy = pending.join();
    if (copy == null) {
      forget(key, null);
      return direct(request);
    }
    counters.sharedReads.incrementAndGet();
    synchronized (this) {
      if (readsLeft.merge(key, -1, Integer::sum) <= 0) {
        forget(key, copy);
      }
    }
    List<EntryCursor> cursors = new ArrayList<>(copy.streams.size());
    for (StreamCopy stream : copy.streams) {
      cursors.add(new Replay(stream, request.fromNanos(), request.toNanos(), request.direction(), request.lineFilter(), request.scanListener()));
    }
    return cursors;
  }

  /** Drops a selector's copy (it stays marked as read, so later reads go to the store). */
  private synchronized void forget(List<Matcher> key, Copy copy) {
    if (copies.remove(key) != null && copy != null) {
      bytesHeld -= copy.bytes;
    }
  }

  private List<EntryCursor> direct(SelectRequest request) throws IOException {
    counters.storeScans.incrementAndGet();
    return store.select(request);
  }

  /** Reads every line of the selector over the planned range; null when it would exceed the budget. */
  private Copy load(SelectRequest first, ScanPlan.Use use) throws IOException {
    SelectRequest all = new SelectRequest(first.tenant(), first.streamSelector(), use.fromNanos, use.toNanos, Direction.FORWARD, LinePredicate.ALL,
        List.of(), ScanListener.NONE);
    counters.storeScans.incrementAndGet();
    List<EntryCursor> cursors = store.select(all);
    IOException failure = null;
    List<StreamCopy> streams = new ArrayList<>(cursors.size());
    long bytes = 0;
    // What other copies leave of the budget now; checked again, exactly, when the copy is kept.
    long room = room();
    boolean overBudget = false;
    try {
      reading:
      for (EntryCursor cursor : cursors) {
        StreamCopy stream = new StreamCopy(cursor.labels());
        while (cursor.next()) {
          stream.add(cursor.timestamp(), cursor.lineBuffer(), cursor.lineOffset(), cursor.lineLength(), cursor.metadata());
          bytes += cursor.lineLength() + 16L;
          if (bytes > room) {
            overBudget = true;
            break reading;
          }
        }
        streams.add(stream);
      }
    } catch (IOException e) {
      failure = e;
    } finally {
      failure = EntryCursor.closeAll(cursors, failure);
    }
    if (failure != null) {
      throw failure;
    }
    if (overBudget) {
      return null;
    }
    synchronized (this) {
      if (bytesHeld + bytes > byteBudget) {
        return null;
      }
      bytesHeld += bytes;
    }
    counters.sharedLoads.incrementAndGet();
    return new Copy(streams, bytes);
  }

  private synchronized long room() {
    return byteBudget - bytesHeld;
  }

  private record Copy(List<StreamCopy> streams, long bytes) {}

  /** One stream's lines in time order, in flat arrays. */
  private static final class StreamCopy {
    final Labels labels;
    long[] timestamps = new long[16];
    int[] offsets = new int[16];
    int[] lengths = new int[16];
    Labels[] metadata;
    byte[] bytes = new byte[1024];
    int size;
    int used;

    StreamCopy(Labels labels) {
      this.labels = labels;
    }

    void add(long timestamp, byte[] buffer, int offset, int length, Labels entryMetadata) {
      if (size == timestamps.length) {
        int capacity = size * 2;
        timestamps = Arrays.copyOf(timestamps, capacity);
        offsets = Arrays.copyOf(offsets, capacity);
        lengths = Arrays.copyOf(lengths, capacity);
        if (metadata != null) {
          metadata = Arrays.copyOf(metadata, capacity);
        }
      }
      if (used + length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + length));
      }
      System.arraycopy(buffer, offset, bytes, used, length);
      timestamps[size] = timestamp;
      offsets[size] = used;
      lengths[size] = length;
      if (!entryMetadata.isEmpty()) {
        if (metadata == null) {
          metadata = new Labels[timestamps.length];
        }
        metadata[size] = entryMetadata;
      }
      used += length;
      size++;
    }

    /** The first index whose timestamp is at least {@code nanos}. */
    int firstAtOrAfter(long nanos) {
      int low = 0;
      int high = size;
      while (low < high) {
        int middle = (low + high) >>> 1;
        if (timestamps[middle] < nanos) {
          low = middle + 1;
        } else {
          high = middle;
        }
      }
      return low;
    }
  }

  /** A cursor over one stream's copy, within a request's range, with its line filter. */
  private static final class Replay implements EntryCursor {
    private final StreamCopy stream;
    private final int first;
    private final int end;
    private final boolean forward;
    private final LinePredicate filter;
    private final ScanListener listener;
    private int position;
    private int current = -1;
    private int runLines;
    private long runBytes;

    Replay(StreamCopy stream, long fromNanos, long toNanos, Direction direction, LinePredicate filter, ScanListener listener) {
      this.stream = stream;
      this.first = stream.firstAtOrAfter(fromNanos);
      this.end = Math.max(first, stream.firstAtOrAfter(toNanos));
      this.forward = direction == Direction.FORWARD;
      this.position = forward ? first : end - 1;
      this.filter = filter;
      this.listener = listener;
    }

    @Override
    public Labels labels() {
      return stream.labels;
    }

    @Override
    public boolean next() {
      while (forward ? position < end : position >= first) {
        int index = position;
        position += forward ? 1 : -1;
        if (runLines == 0) {
          listener.beforeBlock();
        }
        runLines++;
        runBytes += stream.lengths[index];
        if (runLines == LISTENER_RUN) {
          flushRun();
        }
        if (filter.test(stream.bytes, stream.offsets[index], stream.lengths[index])) {
          current = index;
          return true;
        }
      }
      flushRun();
      current = -1;
      return false;
    }

    private void flushRun() {
      if (runLines > 0) {
        int lines = runLines;
        long bytes = runBytes;
        runLines = 0;
        runBytes = 0;
        listener.blockScanned(lines, bytes);
      }
    }

    @Override
    public long timestamp() {
      return stream.timestamps[current];
    }

    @Override
    public byte[] lineBuffer() {
      return stream.bytes;
    }

    @Override
    public int lineOffset() {
      return stream.offsets[current];
    }

    @Override
    public int lineLength() {
      return stream.lengths[current];
    }

    @Override
    public Labels metadata() {
      return stream.metadata == null || stream.metadata[current] == null ? Labels.EMPTY : stream.metadata[current];
    }
  }

  // The ruler only reads through select; the rest goes to the store unchanged.

  @Override
  protected LogStore delegate() {
    return store;
  }

  @Override
  public void append(String tenant, List<StreamBatch> streams) {
    throw new UnsupportedOperationException("the ruler's shared-scan view of the store is read-only");
  }

  /** The store belongs to the ruler's querier, not to this view: closing the view only drops its copies. */
  @Override
  public synchronized void close() {
    copies.clear();
    bytesHeld = 0;
  }
}
