package dev.tonari.store.part;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The threads that decode and filter blocks ahead of their consumers ({@link
 * PrefetchingPartCursor}), shared by every cursor of a store: a query over 300 streams opens 300
 * cursors, and none of them gets a thread of its own.
 *
 * <p>Tasks run in submission order (one FIFO queue), and each cursor has at most {@link
 * #blocksAhead()} blocks queued or running, so a cursor that opened first cannot starve the others
 * for long. No consumer ever waits for a queued task: a cursor that needs a block whose task has
 * not started runs it on its own thread (see {@link PrefetchingPartCursor}), so the pool cannot
 * deadlock however many cursors are open, and it keeps working (sequentially) after {@link
 * #close()}.
 *
 * <p>Decoders (native zstd contexts and block-sized buffers) are borrowed per task from a free
 * list, so there are about as many as tasks running at once, not one per cursor.
 */
public final class BlockScanPool implements AutoCloseable {
  private final ThreadPoolExecutor executor;
  private final int blocksAhead;
  private final ConcurrentLinkedQueue<BlockDecoder> idleDecoders = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;
  /** Block tasks offered by cursors, queued or not: lets tests see that a stopped scan queues nothing more. */
  private final LongAdder tasksOffered = new LongAdder();

  /**
   * @param threads scan threads (the store uses one per available processor)
   * @param blocksAhead how many blocks each cursor may have decoded ahead of its consumer (queued,
   *     running or done but not yet taken)
   */
  public BlockScanPool(int threads, int blocksAhead) {
    if (threads < 1) {
      throw new IllegalArgumentException("a block scan pool needs at least one thread, got " + threads);
    }
    if (blocksAhead < 1) {
      throw new IllegalArgumentException("blocks ahead must be at least 1, got " + blocksAhead);
    }
    this.blocksAhead = blocksAhead;
    AtomicInteger number = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> {
              Thread thread = new Thread(runnable, "tonari-block-scan-" + number.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  public int blocksAhead() {
    return blocksAhead;
  }

  /** Queues a task; false when the pool is closed (the consumer then runs it itself). */
  boolean submit(Runnable task) {
    tasksOffered.increment();
    if (closed) {
      return false;
    }
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  long tasksOffered() {
    return tasksOffered.sum();
  }

  BlockDecoder borrowDecoder() {
    BlockDecoder decoder = idleDecoders.poll();
    return decoder != null ? decoder : new BlockDecoder();
  }

  void returnDecoder(BlockDecoder decoder) {
    if (closed) {
      decoder.close();
      return;
    }
    idleDecoders.add(decoder);
    // close() may have drained the list between the check and the add.
    if (closed && idleDecoders.remove(decoder)) {
      decoder.close();
    }
  }

  /** Stops the threads after the tasks already queued and frees the idle decoders. */
  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    boolean interrupted = false;
    try {
      if (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      interrupted = true;
      executor.shutdownNow();
    }
    BlockDecoder decoder;
    while ((decoder = idleDecoders.poll()) != null) {
      decoder.close();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
