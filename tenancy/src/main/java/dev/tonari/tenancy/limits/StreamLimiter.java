package dev.tonari.tenancy.limits;

import dev.tonari.tenancy.config.TenantLimits;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Per-tenant limit on active streams ({@code max_global_streams_per_user}; 0 means no limit). A
 * stream is active from its first push until it has received nothing for {@code idleTimeout}
 * (the store's head flush age is the natural value: that is when Loki's ingester drops an idle
 * stream from memory). Streams are identified by a 64-bit fingerprint of their labels, computed
 * by the caller ({@code Labels.fingerprint()} in the store).
 *
 * <p>A known stream is always admitted; a new stream is refused with Loki's message and 429 when
 * the tenant already has the maximum, after idle streams are dropped.
 */
public final class StreamLimiter {
  private final Function<String, TenantLimits> limitsOf;
  private final long idleNanos;
  private final LongSupplier nanoTime;
  private final Map<String, TenantStreams> tenants = new ConcurrentHashMap<>();

  private static final class TenantStreams {
    final HashMap<Long, Long> lastSeenNanos = new HashMap<>();
  }

  public StreamLimiter(Function<String, TenantLimits> limitsOf, Duration idleTimeout, LongSupplier nanoTime) {
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("stream idle timeout must be positive, got " + idleTimeout);
    }
    this.limitsOf = limitsOf;
    this.idleNanos = idleTimeout.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Admits a push to one stream; empty when admitted. */
  public Optional<LimitRefusal> admit(String tenant, long streamFingerprint) {
    int limit = limitsOf.apply(tenant).maxGlobalStreamsPerUser();
    long now = nanoTime.getAsLong();
    TenantStreams streams = tenants.computeIfAbsent(tenant, key -> new TenantStreams());
    synchronized (streams) {
      Long previous = streams.lastSeenNanos.get(streamFingerprint);
      if (previous != null) {
        streams.lastSeenNanos.put(streamFingerprint, now);
        return Optional.empty();
      }
      if (limit > 0 && streams.lastSeenNanos.size() >= limit) {
        evictIdle(streams, now);
        if (streams.lastSeenNanos.size() >= limit) {
          return Optional.of(new LimitRefusal(429, message(tenant)));
        }
      }
      streams.lastSeenNanos.put(streamFingerprint, now);
      return Optional.empty();
    }
  }

  /** Active streams of a tenant (for /metrics). */
  public int activeStreams(String tenant) {
    TenantStreams streams = tenants.get(tenant);
    if (streams == null) {
      return 0;
    }
    synchronized (streams) {
      evictIdle(streams, nanoTime.getAsLong());
      return streams.lastSeenNanos.size();
    }
  }

  /** Drops idle streams of every tenant; call periodically so memory follows activity. */
  public void evictIdle() {
    long now = nanoTime.getAsLong();
    for (TenantStreams streams : tenants.values()) {
      synchronized (streams) {
        evictIdle(streams, now);
      }
    }
  }

  private void evictIdle(TenantStreams streams, long now) {
    for (Iterator<Long> iterator = streams.lastSeenNanos.values().iterator(); iterator.hasNext(); ) {
      if (now - iterator.next() >= idleNanos) {
        iterator.remove();
      }
    }
  }

  /** Loki's {@code validation.StreamLimitErrorMsg}, word for word. */
  public static String message(String tenant) {
    return "Maximum active stream limit exceeded, reduce the number of active streams (reduce labels or reduce label values), or contact "
        + "your administrator to see if the limit can be increased, user: '" + tenant + "'";
  }
}
