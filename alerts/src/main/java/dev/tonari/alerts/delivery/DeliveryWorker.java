package dev.tonari.alerts.delivery;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread of a delivery component: runs one round at least every interval, sooner
 * when {@link #wake() woken}, until closed. A round that fails is logged with the worker's name and
 * tried again next interval, so one bad batch or receiver cannot stop delivery for every tenant.
 *
 * <p>Both the Alertmanager sink and the notifier drain a durable queue this way; they share this
 * class so that start, wake-up and a bounded close behave the same in both.
 */
public final class DeliveryWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);

  /** One round of work; an interruption ends the worker. */
  @FunctionalInterface
  public interface Round {
    void run() throws InterruptedException;
  }

  private final String name;
  private final Duration closeTimeout;
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile boolean running = true;

  private DeliveryWorker(String name, Duration interval, Duration closeTimeout, Round round) {
    this.name = name;
    this.closeTimeout = closeTimeout;
    long intervalMillis = Math.max(1, interval.toMillis());
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(() -> loop(round, intervalMillis));
  }

  /**
   * Starts a daemon thread named {@code name} that runs {@code round} every {@code interval} (and
   * when woken). {@link #close()} waits up to {@code closeTimeout} for a round in progress.
   */
  public static DeliveryWorker start(String name, Duration interval, Duration closeTimeout, Round round) {
    DeliveryWorker worker = new DeliveryWorker(name, interval, closeTimeout, round);
    worker.thread.start();
    return worker;
  }

  private void loop(Round round, long intervalMillis) {
    while (running) {
      try {
        round.run();
        wake.tryAcquire(intervalMillis, TimeUnit.MILLISECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("{}: a round failed; trying again next interval", name, e);
      }
    }
  }

  /** Asks for a round now instead of at the end of the interval. */
  public void wake() {
    wake.release();
  }

  /** Stops the thread, waiting up to the close timeout for a round in progress to end. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(closeTimeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
