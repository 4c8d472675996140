package dev.tonari.alerts.delivery;

import com.google.re2j.Pattern;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP POST to a receiver and what became of it. 2xx is delivered (Slack also wants the body
 * {@code ok}); 429 and 5xx, timeouts and connection failures are worth retrying, with the
 * receiver's {@code Retry-After} (seconds or an HTTP date) when it sent one; any other status is
 * a rejection that retrying would not change (a wrong URL, a payload the receiver refuses).
 * Redirects are not followed: a webhook URL that redirects is a configuration mistake to surface.
 * Requests are HTTP/1.1, without the h2c upgrade offer some webhook receivers stumble on.
 */
public final class HttpDelivery {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private static final int MAX_BODY_IN_MESSAGE = 200;

  private final HttpClient client;
  private final Duration timeout;
  private final Clock clock;

  /** What became of one request. */
  public sealed interface Outcome {
    /** The receiver took it; {@code latencyNanos} from sending to the response. */
    record Delivered(long latencyNanos) implements Outcome {}

    /** Try again later: not before {@code retryAfter} when the receiver said so. */
    record RetryLater(String reason, Optional<Duration> retryAfter) implements Outcome {}

    /** The receiver refused it for good. */
    record Rejected(String reason) implements Outcome {}
  }

  public HttpDelivery(Duration timeout, Clock clock) {
    this.timeout = timeout;
    this.clock = clock;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * Posts {@code body}; never throws for what the network or the receiver does.
   *
   * @param expectedBody the exact response body that means success (Slack's {@code ok}), or null
   */
  public Outcome post(URI url, Map<String, String> headers, byte[] body, String expectedBody) {
    HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    request.header("Content-Type", "application/json");
    headers.forEach(request::header);
    long started = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Outcome.RetryLater("POST " + redacted(url) + " failed: " + e, Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome.RetryLater("POST " + redacted(url) + " interrupted", Optional.empty());
    }
    long latency = System.nanoTime() - started;
    int status = response.statusCode();
    String text = response.body() == null ? "" : response.body();
    if (status / 100 == 2) {
      if (expectedBody != null && !expectedBody.equals(text.strip())) {
        return new Outcome.Rejected("POST " + redacted(url) + " answered " + status + " with " + excerpt(text) + " instead of " + expectedBody);
      }
      return new Outcome.Delivered(latency);
    }
    String reason = "POST " + redacted(url) + " answered " + status + ": " + excerpt(text);
    if (status == 429 || status / 100 == 5) {
      return new Outcome.RetryLater(reason, response.headers().firstValue("Retry-After").flatMap(this::retryAfter));
    }
    return new Outcome.Rejected(reason);
  }

  /** {@code Retry-After}: delay seconds or an HTTP date; unreadable values are ignored. */
  Optional<Duration> retryAfter(String value) {
    String text = value.strip();
    try {
      long seconds = Long.parseLong(text);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(clock.instant(), at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  /** Webhook URLs carry secrets in their path (Slack, Google Chat): messages show the host only. */
  public static String redacted(URI url) {
    return url.getScheme() + "://" + url.getAuthority() + (url.getRawPath() == null || url.getRawPath().isEmpty() ? "" : "/...");
  }

  private static String excerpt(String body) {
    String oneLine = WHITESPACE.matcher(body).replaceAll(" ").strip();
    if (oneLine.isEmpty()) {
      return "(empty body)";
    }
    return oneLine.length() > MAX_BODY_IN_MESSAGE ? oneLine.substring(0, MAX_BODY_IN_MESSAGE) + "..." : oneLine;
  }
}
