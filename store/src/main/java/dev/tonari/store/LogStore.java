package dev.tonari.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The storage engine's contract: durable appends and reads by stream labels and time. Every
 * implementation passes {@code LogStoreContractTest}.
 */
public interface LogStore extends AutoCloseable {
  /**
   * Stores the entries; when this returns, they survive a crash of the process (for durable
   * implementations) and are visible to reads. Identical (stream, timestamp, line) entries are
   * kept once.
   */
  void append(String tenant, List<StreamBatch> streams) throws IOException;

  /** One cursor per stream that matches and may hold entries in the range, ordered by labels. */
  List<EntryCursor> select(SelectRequest request) throws IOException;

  /** Label sets of the tenant's streams that match and have entries in [from, to). */
  List<Labels> series(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException;

  /** Sorted distinct label names of streams with entries in [from, to). */
  List<String> labelNames(String tenant, long fromNanos, long toNanos) throws IOException;

  /** Sorted distinct values of one label over streams with entries in [from, to). */
  List<String> labelValues(String tenant, String name, long fromNanos, long toNanos) throws IOException;

  /**
   * Lines, bytes and chunks of each matching stream with entries in [from, to), ordered by labels.
   * This default reads every entry of the range through {@link #select}; a store that keeps
   * per-block figures should answer from them instead.
   */
  default List<StreamVolume> streamVolumes(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    List<StreamVolume> volumes = new ArrayList<>();
    List<EntryCursor> cursors = select(new SelectRequest(tenant, selector, fromNanos, toNanos, Direction.FORWARD, LinePredicate.ALL, List.of()));
    IOException failure = null;
    try {
      for (EntryCursor cursor : cursors) {
        long entries = 0;
        long bytes = 0;
        while (cursor.next()) {
          entries++;
          bytes += cursor.lineLength();
        }
        if (entries > 0) {
          // One chunk per stream: a cursor does not show how the store divides its stream.
          volumes.add(new StreamVolume(cursor.labels(), 1, bytes, entries));
        }
      }
    } catch (IOException e) {
      failure = e;
    } finally {
      failure = EntryCursor.closeAll(cursors, failure);
    }
    if (failure != null) {
      throw new IOException("measuring stream volumes of tenant " + tenant + ": " + failure.getMessage(), failure);
    }
    volumes.sort((left, right) -> left.labels().compareTo(right.labels()));
    return volumes;
  }

  /** Loki's {@code index/stats}: the totals of {@link #streamVolumes} over [from, to). */
  default IndexStats indexStats(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    return IndexStats.of(streamVolumes(tenant, selector, fromNanos, toNanos));
  }

  /** Tenants that have any data. */
  List<String> tenants() throws IOException;

  @Override
  void close() throws IOException;
}
