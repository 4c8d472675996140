package dev.tonari.rules.remotewrite;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** How long a batch waits before its next attempt. */
final class RetryDelays {
  /**
   * The longest Retry-After honoured: a receiver asking for more (or a broken header) must not stall
   * the queue for hours while it drops its oldest samples.
   */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  private RetryDelays() {}

  /**
   * The delay before retry {@code retry} (0 for the first): {@code min_backoff * 2^retry}, at most
   * {@code max_backoff}, of which a random half is taken off ("equal jitter") so that the queues of
   * many tenants that failed together do not retry in step.
   */
  static Duration backoff(RemoteWriteClientSettings.QueueConfig queue, int retry, RandomGenerator random) {
    long max = queue.maxBackoff().toNanos();
    long base = queue.minBackoff().toNanos();
    for (int i = 0; i < retry && base < max; i++) {
      base = base > max / 2 ? max : base * 2;
    }
    base = Math.min(base, max);
    long half = base / 2;
    return Duration.ofNanos(base - half + random.nextLong(half + 1));
  }

  /**
   * A Retry-After header's delay: delta-seconds or an HTTP date (RFC 9110), counted from {@code
   * clock}; a date in the past is zero. At most {@link #MAX_RETRY_AFTER}; empty when absent or not
   * understood.
   */
  static Optional<Duration> retryAfter(Optional<String> header, Clock clock) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get().strip();
    if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      Duration seconds = value.length() > 9 ? MAX_RETRY_AFTER : Duration.ofSeconds(Long.parseLong(value));
      return Optional.of(atMostMax(seconds));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration until = Duration.between(clock.instant(), at);
      return Optional.of(until.isNegative() ? Duration.ZERO : atMostMax(until));
    } catch (DateTimeParseException notADate) {
      return Optional.empty();
    }
  }

  private static Duration atMostMax(Duration delay) {
    return delay.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : delay;
  }
}
