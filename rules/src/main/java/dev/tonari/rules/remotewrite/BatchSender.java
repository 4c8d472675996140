package dev.tonari.rules.remotewrite;

import dev.tonari.rules.alert.RecordedSample;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one batch of one tenant to one client, retrying what can succeed later: 5xx, 429 (after its
 * Retry-After when it has one) and network errors and timeouts. Any other status is final: the
 * receiver refused the data itself, and sending it again would be refused again. Each sample ends
 * up counted as sent or failed.
 */
final class BatchSender {
  private static final Logger log = LoggerFactory.getLogger(BatchSender.class);
  /** Bytes of an error body quoted in the log. */
  static final int BODY_EXCERPT_BYTES = 512;

  /** Waits between attempts; tests record the waits instead of sleeping. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final RemoteWriteClientSettings settings;
  private final boolean addOrgIdHeader;
  private final String userAgent;
  private final HttpClient httpClient;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final RemoteWriteCounters counters;

  BatchSender(RemoteWriteClientSettings settings, boolean addOrgIdHeader, String userAgent, HttpClient httpClient, Clock clock, Sleeper sleeper,
      RandomGenerator random, RemoteWriteCounters counters) {
    this.settings = settings;
    this.addOrgIdHeader = addOrgIdHeader;
    this.userAgent = userAgent;
    this.httpClient = httpClient;
    this.clock = clock;
    this.sleeper = sleeper;
    this.random = random;
    this.counters = counters;
  }

  /** Sends {@code batch}, retrying as the queue config says; returns when it is sent or given up. */
  void send(String tenant, List<RecordedSample> batch) throws InterruptedException {
    String context = "remote write client " + settings.name() + " (" + settings.url() + "), tenant " + tenant;
    HttpRequest request;
    try {
      request = request(tenant, WriteRequestEncoder.encodeCompressed(batch));
    } catch (RuntimeException e) {
      String message = context + ": could not build the request for " + batch.size() + " samples: " + e;
      log.error(message, e);
      counters.failed(batch.size(), message);
      return;
    }
    RemoteWriteClientSettings.QueueConfig queue = settings.queue();
    for (int retry = 0; ; retry++) {
      Attempt attempt = attempt(request);
      if (attempt.succeeded()) {
        counters.sent(batch.size());
        return;
      }
      String what = context + ": " + batch.size() + " samples " + attempt.describe();
      if (!attempt.retryable()) {
        String message = what + "; dropped, the receiver refused them";
        log.error(message);
        counters.failed(batch.size(), message);
        return;
      }
      if (retry >= queue.maxRetries()) {
        String message = what + "; given up after " + retry + " retries (queue_config.max_retries " + queue.maxRetries() + ")";
        log.error(message);
        counters.failed(batch.size(), message);
        return;
      }
      Duration pause = pause(attempt, retry, context);
      log.warn("{}; retry {} of {} in {} ms", what, retry + 1, queue.maxRetries(), pause.toMillis());
      sleeper.sleep(pause);
      counters.retried(batch.size());
    }
  }

  private Duration pause(Attempt attempt, int retry, String context) {
    if (attempt.status() == 429 && attempt.retryAfter().isPresent()) {
      Optional<Duration> asked = RetryDelays.retryAfter(attempt.retryAfter(), clock);
      if (asked.isPresent()) {
        return asked.get();
      }
      log.warn("{}: Retry-After '{}' is neither seconds nor an HTTP date; backing off instead", context, attempt.retryAfter().get());
    }
    return RetryDelays.backoff(settings.queue(), retry, random);
  }

  private HttpRequest request(String tenant, byte[] body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(settings.url())
        .timeout(settings.remoteTimeout())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Encoding", "snappy")
        .header("Content-Type", "application/x-protobuf")
        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
        .header("User-Agent", userAgent);
    for (Map.Entry<String, String> header : settings.headers().entrySet()) {
      builder.header(header.getKey(), header.getValue());
    }
    settings.authorizationHeader().ifPresent(value -> builder.header("Authorization", value));
    if (addOrgIdHeader) {
      builder.header("X-Scope-OrgID", tenant);
    }
    return builder.build();
  }

  private Attempt attempt(HttpRequest request) throws InterruptedException {
    long start = System.nanoTime();
    try {
      HttpResponse<InputStream> response = httpClient.send(request, HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      String excerpt = "";
      try (InputStream body = response.body()) {
        if (status / 100 != 2) {
          excerpt = excerpt(body.readNBytes(BODY_EXCERPT_BYTES));
        }
      }
      return new Attempt(status, excerpt, response.headers().firstValue("Retry-After"), null);
    } catch (IOException e) {
      return new Attempt(0, "", Optional.empty(), e);
    } finally {
      counters.request(System.nanoTime() - start);
    }
  }

  private static String excerpt(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    StringBuilder printable = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      printable.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    return printable.toString();
  }

  /** One request's outcome: an HTTP status, or {@code failure} when none came back. */
  private record Attempt(int status, String bodyExcerpt, Optional<String> retryAfter, IOException failure) {
    boolean succeeded() {
      return failure == null && status / 100 == 2;
    }

    boolean retryable() {
      return failure != null || status == 429 || status / 100 == 5;
    }

    String describe() {
      if (failure != null) {
        return "not sent: " + failure;
      }
      return "got HTTP " + status + (bodyExcerpt.isEmpty() ? "" : ": " + bodyExcerpt);
    }
  }
}
