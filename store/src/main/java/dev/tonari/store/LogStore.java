package dev.tonari.store;

import java.io.IOException;
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

  /** Tenants that have any data. */
  List<String> tenants() throws IOException;

  @Override
  void close() throws IOException;
}
