package dev.tonari.cluster.ruler;

import dev.tonari.cluster.catalog.CatalogUnavailableException;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.Notification;
import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.alert.OutgoingAlert;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the alerts the rulers queued in the catalog's outbox ({@link CatalogAlertStateStore})
 * to this process's {@link AlertSink} (Alertmanager clients, the built-in notifier). Every ruler
 * runs one; the catalog's claims give each notification to one dispatcher at a time, and a
 * dispatcher that died before {@link ClusterCatalog#markDelivered} leaves its claim to expire, so
 * another delivers it then (at least once; Alertmanager merges the same alert sent twice).
 */
public final class OutboxDispatcher implements AutoCloseable {
  /** The receiver of the ruler's notifications in the outbox: this process's alert sink. */
  public static final String RECEIVER = "ruler-alerts";
  public static final int BATCH = 100;
  private static final Logger log = LoggerFactory.getLogger(OutboxDispatcher.class);

  private final ClusterCatalog catalog;
  private final String worker;
  private final AlertSink sink;
  private final Duration claim;
  private ScheduledExecutorService scheduler;
  private long malformed;

  /**
   * @param worker this process's id as the claimer (the ruler's member id)
   * @param claim how long a claimed notification stays this dispatcher's before another may take it
   */
  public OutboxDispatcher(ClusterCatalog catalog, String worker, AlertSink sink, Duration claim) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.claim = Objects.requireNonNull(claim, "claim");
  }

  /**
   * Claims and delivers what is waiting, in batches of {@value #BATCH} until none is left.
   *
   * @return how many notifications were delivered
   * @throws CatalogUnavailableException when the catalog cannot be reached (what was claimed
   *     comes back after the claim)
   */
  public synchronized int deliverNow() {
    int delivered = 0;
    while (true) {
      List<Notification> batch = catalog.claimNotifications(worker, BATCH, claim);
      for (Notification notification : batch) {
        deliver(notification);
        delivered++;
      }
      if (batch.size() < BATCH) {
        return delivered;
      }
    }
  }

  private void deliver(Notification notification) {
    if (!RECEIVER.equals(notification.receiver())) {
      // Another kind of notification: its own worker delivers it. Unclaimed it is not (claims cannot be
      // given back), so it waits for the claim to expire.
      log.warn("outbox: notification {} of tenant {} is for receiver {}, not {}; left to its claim's expiry", notification.id(),
          notification.tenant(), notification.receiver(), RECEIVER);
      return;
    }
    String where = "notification " + notification.id() + " of tenant " + notification.tenant();
    List<OutgoingAlert> alerts;
    try {
      alerts = OutgoingAlertsCodec.decode(where, notification.payload());
    } catch (IOException e) {
      // Retrying cannot make it readable: count it, say so, and never claim it again.
      malformed++;
      log.error("outbox: {} cannot be read and is dropped: {}", where, e.getMessage());
      catalog.markDelivered(notification.id());
      return;
    }
    sink.send(notification.tenant(), alerts);
    catalog.markDelivered(notification.id());
  }

  /** Notifications dropped because their payload could not be read. */
  public synchronized long malformed() {
    return malformed;
  }

  /** Delivers every {@code period} until {@link #close}. */
  public synchronized void start(Duration period) {
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ruler-outbox").factory());
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        deliverNow();
      } catch (CatalogUnavailableException e) {
        log.warn("outbox: the catalog is unavailable; delivering again in {}: {}", period, e.getMessage());
      } catch (RuntimeException e) {
        log.error("outbox: delivering notifications failed", e);
      }
    }, 0, Math.max(1, period.toMillis()), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    ScheduledExecutorService running;
    synchronized (this) {
      running = scheduler;
      scheduler = null;
    }
    if (running != null) {
      running.shutdown();
      try {
        running.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
