package dev.tonari.bench;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The numbered batches the crash tests' agents push: fresh numbers up to a maximum, and the
 * batches a failed push must send again, which go first (an agent retries before it reads on).
 * Shared by the pushing threads.
 */
final class BatchQueue {
  private final int maxBatches;
  private final AtomicInteger next = new AtomicInteger();
  private final ConcurrentLinkedQueue<Integer> retries = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean creating = new AtomicBoolean(true);

  BatchQueue(int maxBatches) {
    this.maxBatches = maxBatches;
  }

  /** The next batch to send, a retry first; -1 when there is none right now (all handed out, or creation stopped). */
  int take() {
    Integer retry = retries.poll();
    if (retry != null) {
      return retry;
    }
    if (!creating.get()) {
      return -1;
    }
    int candidate = next.getAndIncrement();
    if (candidate >= maxBatches) {
      creating.set(false);
      return -1;
    }
    return candidate;
  }

  /** A batch whose push was not acknowledged: sent again before any new one. */
  void retry(int batch) {
    retries.add(batch);
  }

  /** No new numbers from now on; retries are still handed out. */
  void stopCreating() {
    creating.set(false);
  }

  /** Batches handed out so far (each acknowledged once in the end, or the test failed). */
  int created() {
    return Math.min(next.get(), maxBatches);
  }

  int waitingForRetry() {
    return retries.size();
  }

  /** Whether a push is still to come: new numbers left, or retries waiting. */
  boolean workLeft() {
    return next.get() < maxBatches || !retries.isEmpty();
  }
}
