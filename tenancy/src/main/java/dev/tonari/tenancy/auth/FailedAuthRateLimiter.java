package dev.tonari.tenancy.auth;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down token guessing: each source address has a bucket of {@code capacity} failed attempts
 * that refills at {@code capacity} per {@code period} (default 10 per minute). While the bucket is
 * empty, requests from that address get 429 before their credentials are even checked. Successful
 * requests cost nothing. The table of addresses is bounded: when it grows past {@code
 * maxAddresses}, addresses whose bucket has refilled are forgotten.
 */
public final class FailedAuthRateLimiter {
  private final int capacity;
  private final long nanosPerToken;
  private final int maxAddresses;
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

  public FailedAuthRateLimiter(int capacity, Duration period, int maxAddresses, LongSupplier nanoTime) {
    if (capacity <= 0 || period.isNegative() || period.isZero() || maxAddresses <= 0) {
      throw new IllegalArgumentException("failed-auth limiter needs a positive capacity, period and table size");
    }
    this.capacity = capacity;
    this.nanosPerToken = Math.max(1, period.toNanos() / capacity);
    this.maxAddresses = maxAddresses;
    this.nanoTime = nanoTime;
  }

  /** 10 failures per minute per address, at most 100,000 addresses remembered. */
  public static FailedAuthRateLimiter defaults() {
    return new FailedAuthRateLimiter(10, Duration.ofMinutes(1), 100_000, System::nanoTime);
  }

  /** How long {@code address} must wait before trying again, or zero when it may try now. */
  public Duration retryAfter(String address) {
    Bucket bucket = buckets.get(address);
    if (bucket == null) {
      return Duration.ZERO;
    }
    synchronized (bucket) {
      refill(bucket, nanoTime.getAsLong());
      return bucket.tokens >= 1 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) * nanosPerToken));
    }
  }

  public boolean isBlocked(String address) {
    return !retryAfter(address).isZero();
  }

  /** Counts a failed authentication from {@code address}. */
  public void recordFailure(String address) {
    long now = nanoTime.getAsLong();
    if (buckets.size() >= maxAddresses) {
      forgetRefilled(now);
    }
    Bucket bucket = buckets.computeIfAbsent(address, key -> new Bucket(capacity, now));
    synchronized (bucket) {
      refill(bucket, now);
      bucket.tokens = Math.max(0, bucket.tokens - 1);
    }
  }

  public int trackedAddresses() {
    return buckets.size();
  }

  private void refill(Bucket bucket, long now) {
    long elapsed = now - bucket.updatedNanos;
    if (elapsed > 0) {
      bucket.tokens = Math.min(capacity, bucket.tokens + (double) elapsed / nanosPerToken);
      bucket.updatedNanos = now;
    }
  }

  private void forgetRefilled(long now) {
    for (Iterator<Bucket> iterator = buckets.values().iterator(); iterator.hasNext(); ) {
      Bucket bucket = iterator.next();
      synchronized (bucket) {
        refill(bucket, now);
        if (bucket.tokens >= capacity) {
          iterator.remove();
        }
      }
    }
  }
}
