package dev.tonari.rules.remotewrite;

import dev.tonari.rules.alert.RecordedSample;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** One configured client: its sender, its counters and a {@link TenantQueue} per tenant, made on the tenant's first samples. */
final class RemoteWriteClient {
  private final RemoteWriteClientSettings settings;
  private final BatchSender sender;
  private final RemoteWriteCounters counters;
  private final ConcurrentHashMap<String, TenantQueue> queues = new ConcurrentHashMap<>();

  RemoteWriteClient(RemoteWriteClientSettings settings, SenderFactory senders) {
    this.settings = settings;
    this.counters = new RemoteWriteCounters(settings.name(), this::pending);
    this.sender = senders.sender(settings, counters);
  }

  /** Builds the sender of a client once its counters exist. */
  interface SenderFactory {
    BatchSender sender(RemoteWriteClientSettings settings, RemoteWriteCounters counters);
  }

  RemoteWriteClientSettings settings() {
    return settings;
  }

  RemoteWriteCounters counters() {
    return counters;
  }

  /** Queues the samples; the caller (the sink) guarantees no call after {@link #beginClose()} has started. */
  void offer(String tenant, List<RecordedSample> samples) {
    queues.computeIfAbsent(tenant, this::startQueue).offer(samples);
  }

  private TenantQueue startQueue(String tenant) {
    TenantQueue queue = new TenantQueue(settings.name(), tenant, settings.queue(), sender, counters);
    queue.start();
    return queue;
  }

  void beginClose() {
    queues.values().forEach(TenantQueue::beginClose);
  }

  /** True when every queue's thread stopped before {@code deadlineNanos} (System.nanoTime). */
  boolean awaitStopped(long deadlineNanos) throws InterruptedException {
    boolean stopped = true;
    for (TenantQueue queue : queues.values()) {
      stopped &= queue.awaitStopped(deadlineNanos);
    }
    return stopped;
  }

  void abort() {
    queues.values().forEach(TenantQueue::abort);
  }

  private long pending() {
    long total = 0;
    for (TenantQueue queue : queues.values()) {
      total += queue.size();
    }
    return total;
  }
}
