package dev.tonari.rules.remotewrite;

import dev.tonari.rules.alert.RecordedSample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The samples of one tenant waiting for one client, and the virtual thread that sends them. {@link
 * #offer} never waits for the network: when the queue is full it drops its oldest samples, because
 * a recording rule's newest value is the one a dashboard or an alert on it needs. The thread takes
 * a batch when {@code max_samples_per_send} samples wait or the oldest has waited {@code
 * batch_send_deadline}, and sends it while new samples keep queueing.
 */
final class TenantQueue {
  private static final Logger log = LoggerFactory.getLogger(TenantQueue.class);
  /** Drops are counted at once but logged at most once a minute, so a receiver that is down does not flood the log. */
  private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String client;
  private final String tenant;
  private final int capacity;
  private final int batchSize;
  private final long batchDeadlineNanos;
  private final BatchSender sender;
  private final RemoteWriteCounters counters;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<RecordedSample> pending = new ArrayDeque<>();
  /** When the oldest pending sample was queued (System.nanoTime), meaningful while pending is not empty. */
  private long oldestQueuedNanos;
  private boolean closing;
  private boolean dropLogged;
  private long lastDropLogNanos;
  private long droppedSinceLog;
  private final Thread thread;

  TenantQueue(String client, String tenant, RemoteWriteClientSettings.QueueConfig queue, BatchSender sender, RemoteWriteCounters counters) {
    this.client = client;
    this.tenant = tenant;
    this.capacity = queue.capacity();
    this.batchSize = queue.batchSize();
    this.batchDeadlineNanos = queue.batchSendDeadline().toNanos();
    this.sender = sender;
    this.counters = counters;
    this.thread = Thread.ofVirtual().name("remote-write-" + client + "-" + tenant).unstarted(this::drain);
  }

  void start() {
    thread.start();
  }

  /** Queues {@code samples}, dropping the oldest beyond the capacity; after {@link #beginClose()} drops them all. */
  void offer(List<RecordedSample> samples) {
    long dropped = 0;
    long droppedToLog = 0;
    boolean closed;
    lock.lock();
    try {
      closed = closing;
      if (closed) {
        dropped = samples.size();
      } else {
        if (pending.isEmpty()) {
          oldestQueuedNanos = System.nanoTime();
        }
        pending.addAll(samples);
        while (pending.size() > capacity) {
          pending.pollFirst();
          dropped++;
        }
        changed.signalAll();
      }
      if (dropped > 0) {
        droppedSinceLog += dropped;
        long now = System.nanoTime();
        if (!dropLogged || now - lastDropLogNanos >= DROP_LOG_INTERVAL_NANOS) {
          droppedToLog = droppedSinceLog;
          droppedSinceLog = 0;
          lastDropLogNanos = now;
          dropLogged = true;
        }
      }
    } finally {
      lock.unlock();
    }
    if (dropped > 0) {
      counters.dropped(dropped);
    }
    if (droppedToLog > 0) {
      log.warn("remote write client {}, tenant {}: dropped the {} oldest samples ({}; this is logged at most once a minute)", client, tenant,
          droppedToLog, closed ? "the sink is closed" : "the queue is full: queue_config.capacity " + capacity);
    }
  }

  int size() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /** Sends what is queued without waiting for a batch to fill, then stops the thread. */
  void beginClose() {
    lock.lock();
    try {
      closing = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the thread has stopped or {@code deadlineNanos} (System.nanoTime) has passed; true when it stopped. */
  boolean awaitStopped(long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    return left > 0 ? thread.join(java.time.Duration.ofNanos(left)) : !thread.isAlive();
  }

  /** Stops the thread where it is: the batch in flight and what is queued are counted as dropped. */
  void abort() {
    thread.interrupt();
  }

  private void drain() {
    while (true) {
      List<RecordedSample> batch;
      try {
        batch = nextBatch();
      } catch (InterruptedException e) {
        dropPending("interrupted");
        return;
      }
      if (batch.isEmpty()) {
        return;
      }
      try {
        sender.send(tenant, batch);
      } catch (InterruptedException e) {
        counters.dropped(batch.size());
        dropPending("interrupted while sending " + batch.size() + " samples");
        return;
      } catch (RuntimeException e) {
        String message = "remote write client " + client + ", tenant " + tenant + ": sending " + batch.size() + " samples failed: " + e;
        log.error(message, e);
        counters.failed(batch.size(), message);
      }
      if (Thread.currentThread().isInterrupted()) {
        dropPending("interrupted");
        return;
      }
    }
  }

  /** The next batch; empty when closing and nothing is left. */
  private List<RecordedSample> nextBatch() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (pending.isEmpty()) {
          if (closing) {
            return List.of();
          }
          changed.await();
          continue;
        }
        if (pending.size() >= batchSize || closing) {
          break;
        }
        long wait = oldestQueuedNanos + batchDeadlineNanos - System.nanoTime();
        if (wait <= 0) {
          break;
        }
        changed.await(wait, TimeUnit.NANOSECONDS);
      }
      int size = Math.min(batchSize, pending.size());
      List<RecordedSample> batch = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        batch.add(pending.pollFirst());
      }
      // The samples left were queued after the oldest one taken, so keeping its time can only send them early, never late.
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private void dropPending(String why) {
    int dropped;
    lock.lock();
    try {
      closing = true;
      dropped = pending.size();
      pending.clear();
    } finally {
      lock.unlock();
    }
    if (dropped > 0) {
      counters.dropped(dropped);
    }
    log.warn("remote write client {}, tenant {}: stopped ({}); {} queued samples dropped", client, tenant, why, dropped);
  }
}
