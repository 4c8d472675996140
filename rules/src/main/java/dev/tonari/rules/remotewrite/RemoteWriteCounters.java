package dev.tonari.rules.remotewrite;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What one remote-write client has done since start, for {@code /metrics} (Prometheus' names in
 * brackets, which the metrics module may follow). Every sample written to the sink ends up, once,
 * in exactly one of sent, failed or dropped, or is still pending; retried counts re-sends and may
 * count a sample several times. Thread-safe; the getters read live values.
 */
public final class RemoteWriteCounters {
  private final String client;
  private final LongAdder samplesSent = new LongAdder();
  private final LongAdder samplesFailed = new LongAdder();
  private final LongAdder samplesDropped = new LongAdder();
  private final LongAdder samplesRetried = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder requestNanos = new LongAdder();
  private final AtomicReference<String> lastFailure = new AtomicReference<>();
  private final LongSupplier pending;

  RemoteWriteCounters(String client, LongSupplier pending) {
    this.client = client;
    this.pending = pending;
  }

  /** The client's name, {@code ruler.remote_write.clients.<name>} ({@code remote_name}). */
  public String client() {
    return client;
  }

  /** Samples the receiver accepted with a 2xx ({@code samples_total}). */
  public long samplesSent() {
    return samplesSent.sum();
  }

  /** Samples given up: refused with a 4xx other than 429, or still failing after the last retry ({@code samples_failed_total}). */
  public long samplesFailed() {
    return samplesFailed.sum();
  }

  /**
   * Samples never sent: pushed out of a full queue (the oldest go first), written after {@code
   * close}, still queued when {@code close}'s wait ran out, or of an invalid tenant ({@code
   * samples_dropped_total}).
   */
  public long samplesDropped() {
    return samplesDropped.sum();
  }

  /** Samples sent again after a 5xx, a 429 or a network error, once per retry ({@code samples_retried_total}). */
  public long samplesRetried() {
    return samplesRetried.sum();
  }

  /** Samples waiting in the client's queues now ({@code samples_pending}). */
  public long samplesPending() {
    return pending.getAsLong();
  }

  /** HTTP requests made, answered or not: the count of {@code sent_batch_duration_seconds}. */
  public long sendCount() {
    return requests.sum();
  }

  /** The time those requests took, in seconds: the sum of {@code sent_batch_duration_seconds}. */
  public double sendLatencySecondsSum() {
    return requestNanos.sum() / 1e9;
  }

  /** The last failure's message (client, tenant, status, body excerpt), as logged; empty while none. */
  public Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure.get());
  }

  void sent(int samples) {
    samplesSent.add(samples);
  }

  void failed(int samples, String message) {
    samplesFailed.add(samples);
    lastFailure.set(message);
  }

  void dropped(long samples) {
    samplesDropped.add(samples);
  }

  void retried(int samples) {
    samplesRetried.add(samples);
  }

  void request(long nanos) {
    requests.increment();
    requestNanos.add(nanos);
  }

  @Override
  public String toString() {
    return "RemoteWriteCounters[" + client + ": sent " + samplesSent() + ", failed " + samplesFailed() + ", dropped " + samplesDropped()
        + ", retried " + samplesRetried() + ", pending " + samplesPending() + "]";
  }
}
