package dev.tonari.store.engine;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's numbers for {@code /metrics}, as plain getters: the server maps them to Prometheus
 * counters and gauges, so {@code store} needs no metrics library. Counters only grow for the life
 * of the process; gauges (head, parts) are read live.
 */
public final class StoreMetrics {
  private final DiskLogStore store;
  final LongAdder flushes = new LongAdder();
  final LongAdder flushBytesWritten = new LongAdder();
  final LongAdder merges = new LongAdder();
  final LongAdder mergeBytesWritten = new LongAdder();
  final LongAdder retentionDeletedParts = new LongAdder();
  final LongAdder retentionRewrittenParts = new LongAdder();
  final LongAdder corruptParts = new LongAdder();
  final LongAdder headFullRefusals = new LongAdder();
  final LongAdder headFullWaits = new LongAdder();
  final LongAdder cataloguedPartsMissing = new LongAdder();
  /** Block counters of parts that are no longer open (merged away, deleted, set aside). */
  final LongAdder retiredBlocksSkippedByBloom = new LongAdder();
  final LongAdder retiredBlocksSkippedByTime = new LongAdder();
  final LongAdder retiredBlocksRead = new LongAdder();

  StoreMetrics(DiskLogStore store) {
    this.store = store;
  }

  public long walFsyncs() {
    return store.wal().fsyncs();
  }

  public long walBytes() {
    return store.wal().bytesWritten();
  }

  public long walRecords() {
    return store.wal().recordsWritten();
  }

  /** Approximate bytes held by the live and frozen heads. */
  public long headBytes() {
    return store.headBytes();
  }

  /** Appends refused because the heads held as many bytes as their bounds allow. */
  public long headFullRefusals() {
    return headFullRefusals.sum();
  }

  /** Appends that found the heads full, waited for a flush under way and were then taken. */
  public long headFullWaits() {
    return headFullWaits.sum();
  }

  public long headStreams() {
    return store.headStreams();
  }

  /** Number of published parts per tenant. */
  public Map<String, Long> partsByTenant() {
    return store.partCounts();
  }

  /** Bytes of published parts per tenant. */
  public Map<String, Long> partBytesByTenant() {
    return store.partBytes();
  }

  public long flushes() {
    return flushes.sum();
  }

  /** Bytes of parts written by flushes. */
  public long flushBytesWritten() {
    return flushBytesWritten.sum();
  }

  public long merges() {
    return merges.sum();
  }

  /** Bytes of parts written by merges (with flush bytes, the write amplification). */
  public long mergeBytesWritten() {
    return mergeBytesWritten.sum();
  }

  /** Parts deleted because all their entries were older than the retention period. */
  public long retentionDeletedParts() {
    return retentionDeletedParts.sum();
  }

  /** Parts rewritten without the entries of streams past their retention ({@code retention_stream}). */
  public long retentionRewrittenParts() {
    return retentionRewrittenParts.sum();
  }

  /** Parts a {@link PartCatalogue} named that the object store did not hold, counted at each load that met them. */
  public long cataloguedPartsMissing() {
    return cataloguedPartsMissing.sum();
  }

  /** Parts that failed a checksum and were moved to {@code quarantine/}. */
  public long corruptParts() {
    return corruptParts.sum();
  }

  public long blocksSkippedByBloom() {
    return retiredBlocksSkippedByBloom.sum() + store.openPartStats(PartStatistic.SKIPPED_BY_BLOOM);
  }

  public long blocksSkippedByTime() {
    return retiredBlocksSkippedByTime.sum() + store.openPartStats(PartStatistic.SKIPPED_BY_TIME);
  }

  public long blocksRead() {
    return retiredBlocksRead.sum() + store.openPartStats(PartStatistic.READ);
  }

  /** Block ranges served from the remote block cache (0 with local storage). */
  public long remoteCacheHits() {
    var cache = store.remoteCache();
    return cache == null ? 0 : cache.hits();
  }

  /** Block ranges fetched from the remote store. */
  public long remoteCacheMisses() {
    var cache = store.remoteCache();
    return cache == null ? 0 : cache.misses();
  }

  /** Bytes of blocks fetched from the remote store. */
  public long remoteBytesFetched() {
    var cache = store.remoteCache();
    return cache == null ? 0 : cache.bytesFetched();
  }

  /** Bytes the remote block cache holds on disk now. */
  public long remoteCacheBytes() {
    var cache = store.remoteCache();
    return cache == null ? 0 : cache.bytes();
  }

  /** Cache entries evicted to stay within the cache size. */
  public long remoteCacheEvictions() {
    var cache = store.remoteCache();
    return cache == null ? 0 : cache.evictions();
  }

  /** Parts in the remote store that no commit named, deleted by the sweeper. */
  public long orphanPartsDeleted() {
    return store.orphansDeleted();
  }

  /** Requests and bytes of the object store per tenant (all zero for local storage). */
  public dev.tonari.store.object.ObjectRequestCounters objectStoreRequests() {
    return store.objectStore().counters();
  }

  enum PartStatistic {
    SKIPPED_BY_BLOOM,
    SKIPPED_BY_TIME,
    READ
  }
}
