package dev.tonari.alerts.delivery.notify;

import dev.tonari.alerts.delivery.DeliveryStats;
import dev.tonari.alerts.delivery.HttpDelivery;
import dev.tonari.alerts.delivery.RetryPolicy;
import dev.tonari.alerts.delivery.receiver.RenderedRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox's due items, each on its own virtual thread so one slow receiver does not hold
 * up the others, and records what became of each: delivered (deleted), to be retried (backoff
 * with jitter, or the receiver's {@code Retry-After} when longer), or, after the last attempt or
 * a rejection, a dead letter.
 */
final class OutboxSender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);

  private final Outbox outbox;
  private final HttpDelivery http;
  private final RetryPolicy retry;
  private final RandomGenerator random;
  private final DeliveryStats stats;
  private final Set<String> inFlight = new HashSet<>();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  OutboxSender(Outbox outbox, HttpDelivery http, RetryPolicy retry, RandomGenerator random, DeliveryStats stats) {
    this.outbox = outbox;
    this.http = http;
    this.retry = retry;
    this.random = random;
    this.stats = stats;
  }

  /** Sends every item due at {@code now} and waits for them; returns how many were delivered. */
  int drain(Instant now) {
    List<OutboxItem> due = new ArrayList<>();
    synchronized (inFlight) {
      for (OutboxItem item : outbox.due(now)) {
        if (inFlight.add(item.id())) {
          due.add(item);
        }
      }
    }
    List<Future<Boolean>> results = new ArrayList<>();
    for (OutboxItem item : due) {
      results.add(executor.submit(() -> {
        try {
          return attempt(item, now);
        } finally {
          synchronized (inFlight) {
            inFlight.remove(item.id());
          }
        }
      }));
    }
    int delivered = 0;
    for (Future<Boolean> result : results) {
      try {
        delivered += result.get() ? 1 : 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (java.util.concurrent.ExecutionException e) {
        LOG.error("outbox: a delivery attempt failed unexpectedly", e.getCause());
      }
    }
    return delivered;
  }

  private boolean attempt(OutboxItem item, Instant now) throws IOException {
    URI url;
    try {
      url = url(item.request());
    } catch (IOException | IllegalArgumentException e) {
      return failed(item, now, "cannot read the receiver URL: " + e.getMessage(), java.util.Optional.empty(), true);
    }
    HttpDelivery.Outcome outcome = http.post(url, item.request().headers(), item.request().body().getBytes(StandardCharsets.UTF_8), item.request().expectedBody().orElse(null));
    return switch (outcome) {
      case HttpDelivery.Outcome.Delivered delivered -> {
        outbox.complete(item.id());
        stats.recordDelivered(item.integrationType(), delivered.latencyNanos());
        yield true;
      }
      case HttpDelivery.Outcome.RetryLater later -> failed(item, now, later.reason(), later.retryAfter(), false);
      case HttpDelivery.Outcome.Rejected rejected -> failed(item, now, rejected.reason(), java.util.Optional.empty(), true);
    };
  }

  private boolean failed(OutboxItem item, Instant now, String reason, java.util.Optional<Duration> retryAfter, boolean permanent) throws IOException {
    stats.recordFailedAttempt(item.integrationType());
    int attempts = item.attempts() + 1;
    String where = "tenant " + item.tenant() + " receiver " + item.receiverKey() + " group " + item.groupKey() + " (item " + item.id() + ")";
    if (permanent || attempts >= retry.maxAttempts()) {
      outbox.bury(item.withAttempt(attempts, now, reason));
      stats.recordDeadLettered(item.integrationType());
      LOG.error("notification for {} is a dead letter after {} attempts: {}", where, attempts, reason);
      return false;
    }
    Duration wait;
    synchronized (random) {
      wait = retry.backoff(attempts, random);
    }
    if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) {
      wait = retryAfter.get();
    }
    outbox.reschedule(item.withAttempt(attempts, now.plus(wait), reason));
    LOG.warn("notification for {}: attempt {} of {} failed, next in {}: {}", where, attempts, retry.maxAttempts(), wait, reason);
    return false;
  }

  private static URI url(RenderedRequest request) throws IOException {
    if (!request.url().isEmpty()) {
      return URI.create(request.url());
    }
    String url = Files.readString(Path.of(request.urlFile()), StandardCharsets.UTF_8).strip();
    return URI.create(url + request.urlSuffix());
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
