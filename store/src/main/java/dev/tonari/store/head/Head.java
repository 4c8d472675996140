package dev.tonari.store.head;

import dev.tonari.store.Labels;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.wal.WalRecordCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The recent, not yet flushed entries of every tenant and stream, in memory. Appends to different
 * streams do not contend: the maps are concurrent and each {@link HeadStream} has its own lock.
 *
 * <p>A head is one generation of the engine: it holds exactly the records of WAL segments {@code
 * firstSegmentId} up to the segment that was current when it was frozen, so that once its parts
 * are written those segments can be deleted.
 */
public final class Head {
  private final long firstSegmentId;
  private final Map<String, ConcurrentHashMap<Labels, HeadStream>> tenants = new ConcurrentHashMap<>();
  private final LongAdder bytes = new LongAdder();
  /** The share of {@link #bytes} of each tenant, for the per-tenant head bound. */
  private final Map<String, LongAdder> tenantBytes = new ConcurrentHashMap<>();
  private final LongAdder streamCount = new LongAdder();
  private final AtomicLong firstAppendMillis = new AtomicLong(Long.MAX_VALUE);

  public Head(long firstSegmentId) {
    this.firstSegmentId = firstSegmentId;
  }

  /** The first WAL segment whose records this head holds. */
  public long firstSegmentId() {
    return firstSegmentId;
  }

  /** Adds a stream's entries; {@code nowMillis} is remembered if this is the head's first entry. */
  public void append(String tenant, StreamBatch batch, long nowMillis) {
    List<StreamBatch> one = List.of(batch);
    append(tenant, batch, WalRecordCodec.utf8Lines(one)[0], nowMillis);
  }

  /**
   * {@link #append(String, StreamBatch, long)} with the lines already in UTF-8 ({@code
   * utf8Lines[i]} is entry {@code i}'s line), so that a push's lines are encoded once for the WAL
   * and the head.
   */
  public void append(String tenant, StreamBatch batch, byte[][] utf8Lines, long nowMillis) {
    if (batch.entries().isEmpty()) {
      return;
    }
    ConcurrentHashMap<Labels, HeadStream> streams = tenants.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
    LongAdder ofTenant = tenantBytes.computeIfAbsent(tenant, t -> new LongAdder());
    HeadStream stream = streams.get(batch.labels());
    if (stream == null) {
      stream =
          streams.computeIfAbsent(
              batch.labels(),
              labels -> {
                streamCount.increment();
                long streamBytes = 64 + labels.toString().length() + HeadStream.initialCapacityBytes();
                bytes.add(streamBytes);
                ofTenant.add(streamBytes);
                return new HeadStream(labels);
              });
    }
    long added = stream.append(batch.entries(), utf8Lines);
    bytes.add(added);
    ofTenant.add(added);
    if (firstAppendMillis.get() == Long.MAX_VALUE) {
      firstAppendMillis.compareAndSet(Long.MAX_VALUE, nowMillis);
    }
  }

  /** Approximate memory held, in bytes. */
  public long bytes() {
    return bytes.sum();
  }

  /** Approximate memory held for one tenant, in bytes (0 for a tenant without entries here). */
  public long bytes(String tenant) {
    LongAdder ofTenant = tenantBytes.get(tenant);
    return ofTenant == null ? 0 : ofTenant.sum();
  }

  public long streamCount() {
    return streamCount.sum();
  }

  public boolean isEmpty() {
    return streamCount.sum() == 0;
  }

  /** When the first entry arrived (the clock's millis), or Long.MAX_VALUE if none did. */
  public long firstAppendMillis() {
    return firstAppendMillis.get();
  }

  /**
   * Drops a tenant's streams from a frozen head once a flush has published their part, so that
   * their bytes leave the head bounds (and the heap) while the flush writes the other tenants' parts:
   * a push waiting for room resumes after the first tenant's part, not after the whole head. Only
   * for a frozen head, which takes no more appends.
   */
  public void release(String tenant) {
    ConcurrentHashMap<Labels, HeadStream> streams = tenants.remove(tenant);
    LongAdder ofTenant = tenantBytes.remove(tenant);
    if (ofTenant != null) {
      bytes.add(-ofTenant.sum());
    }
    if (streams != null) {
      streamCount.add(-streams.size());
    }
  }

  public List<String> tenants() {
    return new ArrayList<>(tenants.keySet());
  }

  /** The tenant's streams, in no particular order; a live view. */
  public Iterable<HeadStream> streams(String tenant) {
    Map<Labels, HeadStream> streams = tenants.get(tenant);
    return streams == null ? List.of() : streams.values();
  }

  /** The tenant's stream with these labels, or null. */
  public HeadStream stream(String tenant, Labels labels) {
    Map<Labels, HeadStream> streams = tenants.get(tenant);
    return streams == null ? null : streams.get(labels);
  }
}
