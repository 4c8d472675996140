package dev.tonari.alerts.delivery;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Delivery figures per receiver type ({@code alertmanager}, {@code slack}, {@code google_chat},
 * {@code webhook}) as plain maps, for whoever exposes them on {@code /metrics}: requests that
 * succeeded, attempts that failed, notifications given up (dead letters, or alerts dropped by a
 * full queue) and the latency of successful requests. Thread-safe; getters return snapshots.
 */
public final class DeliveryStats {
  private final Map<String, Counters> byType = new ConcurrentHashMap<>();

  /** Latency of successful requests of one receiver type, in seconds. */
  public record Latency(long count, double sumSeconds, double maxSeconds) {}

  private static final class Counters {
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong failedAttempts = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final DoubleAdder latencySum = new DoubleAdder();
    final AtomicLong latencyMaxNanos = new AtomicLong();
  }

  private Counters counters(String receiverType) {
    return byType.computeIfAbsent(receiverType, type -> new Counters());
  }

  public void recordDelivered(String receiverType, long latencyNanos) {
    Counters counters = counters(receiverType);
    counters.delivered.incrementAndGet();
    counters.latencySum.add(latencyNanos / 1e9);
    counters.latencyMaxNanos.accumulateAndGet(latencyNanos, Math::max);
  }

  public void recordFailedAttempt(String receiverType) {
    counters(receiverType).failedAttempts.incrementAndGet();
  }

  public void recordDeadLettered(String receiverType) {
    counters(receiverType).deadLettered.incrementAndGet();
  }

  public void recordDropped(String receiverType, long count) {
    counters(receiverType).dropped.addAndGet(count);
  }

  /** Successful requests (notifications, or Alertmanager batches) per receiver type. */
  public Map<String, Long> delivered() {
    return snapshot(counters -> counters.delivered.get());
  }

  /** Attempts that failed (and were retried or given up) per receiver type. */
  public Map<String, Long> failedAttempts() {
    return snapshot(counters -> counters.failedAttempts.get());
  }

  /** Notifications moved to the dead-letter list per receiver type. */
  public Map<String, Long> deadLettered() {
    return snapshot(counters -> counters.deadLettered.get());
  }

  /** Alerts dropped (a full queue, or retries exhausted for Alertmanager) per receiver type. */
  public Map<String, Long> dropped() {
    return snapshot(counters -> counters.dropped.get());
  }

  public Map<String, Latency> latency() {
    Map<String, Latency> latency = new TreeMap<>();
    byType.forEach((type, counters) -> latency.put(type, new Latency(counters.delivered.get(), counters.latencySum.sum(), counters.latencyMaxNanos.get() / 1e9)));
    return latency;
  }

  private Map<String, Long> snapshot(java.util.function.ToLongFunction<Counters> value) {
    Map<String, Long> snapshot = new TreeMap<>();
    byType.forEach((type, counters) -> snapshot.put(type, value.applyAsLong(counters)));
    return snapshot;
  }
}
