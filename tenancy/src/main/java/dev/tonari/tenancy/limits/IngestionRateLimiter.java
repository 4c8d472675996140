package dev.tonari.tenancy.limits;

import dev.tonari.tenancy.config.TenantLimits;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Per-tenant ingestion rate limit, a token bucket of bytes as Loki's distributor keeps ({@code
 * ingestion_rate_mb} refills it, {@code ingestion_burst_size_mb} is its size; it starts full). A
 * push takes all its bytes or nothing, so concurrent pushes of one tenant share one budget: the
 * bytes accepted over any interval never exceed burst + rate * interval. A push larger than the
 * burst can never pass, as in Loki.
 *
 * <p>Limits are read from {@code limitsOf} on every call, so a config reload applies to the next
 * push. Each tenant's bucket is guarded by its own monitor: a few arithmetic operations, so pushes
 * of one tenant serialise only for nanoseconds and tenants never contend with each other.
 */
public final class IngestionRateLimiter {
  private final Function<String, TenantLimits> limitsOf;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long updatedNanos;

    Bucket(double tokens, long updatedNanos) {
      this.tokens = tokens;
      this.updatedNanos = updatedNanos;
    }
  }

  /**
   * @param limitsOf the current limits of a tenant (e.g. {@code watcher.current()::limitsFor} via a lambda)
   * @param nanoTime monotonic time source; tests inject a fake
   */
  public IngestionRateLimiter(Function<String, TenantLimits> limitsOf, LongSupplier nanoTime) {
    this.limitsOf = limitsOf;
    this.nanoTime = nanoTime;
  }

  /**
   * Takes {@code bytes} from the tenant's bucket.
   *
   * @param lines entries in the push, for the message
   * @return empty when accepted; otherwise a 429 with Loki's message, and nothing is taken
   */
  public Optional<LimitRefusal> tryAcquire(String tenant, long bytes, long lines) {
    TenantLimits limits = limitsOf.apply(tenant);
    double rate = limits.ingestionRateBytesPerSecond();
    double burst = limits.ingestionBurstSizeBytes();
    long now = nanoTime.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(tenant, key -> new Bucket(burst, now));
    synchronized (bucket) {
      long elapsed = now - bucket.updatedNanos;
      if (elapsed > 0) {
        bucket.tokens = Math.min(burst, bucket.tokens + elapsed * rate / 1e9);
        bucket.updatedNanos = now;
      } else if (bucket.tokens > burst) {
        // The burst shrank with a config reload.
        bucket.tokens = burst;
      }
      if (bytes <= bucket.tokens) {
        bucket.tokens -= bytes;
        return Optional.empty();
      }
    }
    return Optional.of(new LimitRefusal(429, message(tenant, (long) rate, lines, bytes)));
  }

  /** Loki's {@code validation.RateLimitedErrorMsg}, word for word. */
  public static String message(String tenant, long limitBytesPerSecond, long lines, long bytes) {
    return "Ingestion rate limit exceeded for user " + tenant + " (limit: " + limitBytesPerSecond + " bytes/sec) while attempting to ingest '"
        + lines + "' lines totaling '" + bytes + "' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased";
  }
}
