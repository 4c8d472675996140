package dev.tonari.alerts.delivery.alertmanager;

import dev.tonari.alerts.delivery.DeliveryStats;
import dev.tonari.alerts.delivery.DeliveryWorker;
import dev.tonari.alerts.delivery.HttpDelivery;
import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.alert.OutgoingAlert;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the ruler's alerts to one or more Alertmanagers over the v2 API, as Loki's ruler does:
 * {@code POST <url>/api/v2/alerts} with a JSON array of postable alerts and the tenant in
 * {@code X-Scope-OrgID}, every URL getting every alert.
 *
 * <p>{@link #send} only queues (a bounded queue per tenant: past {@link
 * AlertmanagerClientConfig#queueCapacity()} the oldest alerts are dropped and counted, as
 * Prometheus' notifier does). {@link #drain} cuts the queues into batches of at most {@link
 * AlertmanagerClientConfig#maxBatchSize()} and posts the batches that are due; a URL that fails is
 * tried again with the retry policy's backoff, and after its last attempt the batch is dropped for
 * that URL (counted): the ruler sends firing alerts again every resend delay, so a durable outbox
 * would only replay stale states. For the same reason, an alert queued later replaces the same
 * alert (same fingerprint) in a batch still waiting for a retry, so a late retry never turns a
 * resolved alert back into a firing one.
 *
 * <p>{@link #start} runs {@link #drain} on a daemon thread, woken by every send; tests call
 * {@link #drain} themselves.
 */
public final class AlertmanagerSink implements AlertSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerSink.class);
  public static final String RECEIVER_TYPE = "alertmanager";

  private final AlertmanagerClientConfig config;
  private final HttpDelivery http;
  private final Clock clock;
  private final RandomGenerator random;
  private final DeliveryStats stats;
  private final Map<String, ArrayDeque<OutgoingAlert>> queues = new LinkedHashMap<>();
  private final List<Batch> batches = new ArrayList<>();
  private final Object drainLock = new Object();
  private volatile DeliveryWorker worker;

  /** A batch for one tenant, with the URLs it has still to reach. */
  private static final class Batch {
    final String tenant;
    final List<OutgoingAlert> alerts;
    final Map<URI, Integer> failedAttempts = new LinkedHashMap<>();
    Instant nextAttemptAt;

    Batch(String tenant, List<OutgoingAlert> alerts, List<URI> urls, Instant now) {
      this.tenant = tenant;
      this.alerts = alerts;
      for (URI url : urls) {
        failedAttempts.put(url, 0);
      }
      this.nextAttemptAt = now;
    }
  }

  public AlertmanagerSink(AlertmanagerClientConfig config, Clock clock, RandomGenerator random, DeliveryStats stats) {
    this.config = config;
    this.clock = clock;
    this.random = random;
    this.stats = stats;
    this.http = new HttpDelivery(config.timeout(), clock);
  }

  @Override
  public void send(String tenant, List<OutgoingAlert> alerts) {
    if (alerts.isEmpty()) {
      return;
    }
    int dropped = 0;
    synchronized (queues) {
      ArrayDeque<OutgoingAlert> queue = queues.computeIfAbsent(tenant, t -> new ArrayDeque<>());
      for (OutgoingAlert alert : alerts) {
        if (queue.size() >= config.queueCapacity()) {
          queue.pollFirst();
          dropped++;
        }
        queue.addLast(alert);
      }
    }
    if (dropped > 0) {
      stats.recordDropped(RECEIVER_TYPE, dropped);
      LOG.warn("Alertmanager queue of tenant {} is full ({} alerts): dropped the {} oldest", tenant, config.queueCapacity(), dropped);
    }
    DeliveryWorker started = worker;
    if (started != null) {
      started.wake();
    }
  }

  /** Alerts waiting in the queues or in batches to be retried, for all tenants. */
  public int pending() {
    int count = 0;
    synchronized (queues) {
      for (ArrayDeque<OutgoingAlert> queue : queues.values()) {
        count += queue.size();
      }
    }
    synchronized (drainLock) {
      for (Batch batch : batches) {
        count += batch.alerts.size();
      }
    }
    return count;
  }

  /** Posts every batch due at {@code now}; returns how many requests succeeded. */
  public int drain(Instant now) {
    synchronized (drainLock) {
      takeQueued(now);
      int delivered = 0;
      for (Iterator<Batch> iterator = batches.iterator(); iterator.hasNext();) {
        Batch batch = iterator.next();
        if (batch.nextAttemptAt.isAfter(now)) {
          continue;
        }
        if (batch.alerts.isEmpty()) {
          iterator.remove();
          continue;
        }
        delivered += post(batch, now);
        if (batch.failedAttempts.isEmpty()) {
          iterator.remove();
        }
      }
      return delivered;
    }
  }

  private void takeQueued(Instant now) {
    Map<String, List<OutgoingAlert>> taken = new LinkedHashMap<>();
    synchronized (queues) {
      queues.forEach((tenant, queue) -> {
        if (!queue.isEmpty()) {
          taken.put(tenant, new ArrayList<>(queue));
          queue.clear();
        }
      });
    }
    taken.forEach((tenant, alerts) -> {
      Set<String> newer = new HashSet<>();
      for (OutgoingAlert alert : alerts) {
        newer.add(alert.fingerprint());
      }
      for (Batch batch : batches) {
        if (batch.tenant.equals(tenant)) {
          batch.alerts.removeIf(old -> newer.contains(old.fingerprint()));
        }
      }
      List<OutgoingAlert> latest = latestPerFingerprint(alerts);
      for (int from = 0; from < latest.size(); from += config.maxBatchSize()) {
        batches.add(new Batch(tenant, new ArrayList<>(latest.subList(from, Math.min(latest.size(), from + config.maxBatchSize()))), config.urls(), now));
      }
    });
  }

  /** Within one drain only the last state of an alert matters. */
  private static List<OutgoingAlert> latestPerFingerprint(List<OutgoingAlert> alerts) {
    Map<String, OutgoingAlert> latest = new LinkedHashMap<>();
    for (OutgoingAlert alert : alerts) {
      latest.remove(alert.fingerprint());
      latest.put(alert.fingerprint(), alert);
    }
    return new ArrayList<>(latest.values());
  }

  private int post(Batch batch, Instant now) {
    byte[] body = PostableAlerts.encode(batch.alerts);
    Map<String, String> headers = headers(batch.tenant);
    int delivered = 0;
    Instant next = null;
    for (URI url : new LinkedHashSet<>(batch.failedAttempts.keySet())) {
      HttpDelivery.Outcome outcome = http.post(AlertmanagerClientConfig.alertsEndpoint(url), headers, body, null);
      switch (outcome) {
        case HttpDelivery.Outcome.Delivered success -> {
          stats.recordDelivered(RECEIVER_TYPE, success.latencyNanos());
          batch.failedAttempts.remove(url);
          delivered++;
        }
        case HttpDelivery.Outcome.RetryLater retry -> {
          stats.recordFailedAttempt(RECEIVER_TYPE);
          int failures = batch.failedAttempts.merge(url, 1, Integer::sum);
          if (failures >= config.retry().maxAttempts()) {
            giveUp(batch, url, retry.reason());
          } else {
            Duration wait = config.retry().backoff(failures, random);
            if (retry.retryAfter().isPresent() && retry.retryAfter().get().compareTo(wait) > 0) {
              wait = retry.retryAfter().get();
            }
            Instant at = now.plus(wait);
            next = next == null || at.isBefore(next) ? at : next;
            LOG.warn("Alertmanager {} for tenant {}: attempt {} of {} failed, next in {}: {}", HttpDelivery.redacted(url), batch.tenant, failures,
                config.retry().maxAttempts(), wait, retry.reason());
          }
        }
        case HttpDelivery.Outcome.Rejected rejected -> {
          stats.recordFailedAttempt(RECEIVER_TYPE);
          giveUp(batch, url, rejected.reason());
        }
      }
    }
    if (next != null) {
      batch.nextAttemptAt = next;
    }
    return delivered;
  }

  private void giveUp(Batch batch, URI url, String reason) {
    batch.failedAttempts.remove(url);
    stats.recordDropped(RECEIVER_TYPE, batch.alerts.size());
    LOG.error("Alertmanager {} for tenant {}: dropped a batch of {} alerts: {}", HttpDelivery.redacted(url), batch.tenant, batch.alerts.size(), reason);
  }

  private Map<String, String> headers(String tenant) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Scope-OrgID", tenant);
    if (config.basicAuthUsername().isPresent()) {
      String pair = config.basicAuthUsername().get() + ":" + config.basicAuthPassword().orElse("");
      headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    } else if (config.credentials().isPresent()) {
      headers.put("Authorization", config.credentialsType() + " " + config.credentials().get());
    }
    return headers;
  }

  /** Drains on a daemon thread whenever alerts arrive, and at least every {@code retryPoll} for retries. */
  public synchronized AlertmanagerSink start(Duration retryPoll) {
    if (worker != null) {
      throw new IllegalStateException("Alertmanager sink already started");
    }
    worker = DeliveryWorker.start("alertmanager-sink", retryPoll, config.timeout().plusSeconds(1), () -> drain(clock.instant()));
    return this;
  }

  @Override
  public synchronized void close() {
    if (worker != null) {
      worker.close();
      worker = null;
    }
  }
}
