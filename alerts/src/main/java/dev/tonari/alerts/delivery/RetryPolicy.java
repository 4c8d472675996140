package dev.tonari.alerts.delivery;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often and how soon a failed delivery is tried again: exponential backoff from
 * {@code initialBackoff}, doubled per failed attempt up to {@code maxBackoff}, less a random part
 * of up to {@code jitter} of it (so that receivers recovering from an outage are not hit by every
 * tenant's retries at the same instant), and at most {@code maxAttempts} attempts in all.
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, double jitter, int maxAttempts) {
  /** 1 s doubling to 5 min, 20 % jitter, 10 attempts (about 20 minutes of trying). */
  public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2, 10);

  public RetryPolicy {
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("retry initial backoff must be positive, got " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("retry max backoff " + maxBackoff + " is below the initial backoff " + initialBackoff);
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("retry jitter is a fraction in [0, 1), got " + jitter);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retry max attempts must be at least 1, got " + maxAttempts);
    }
  }

  /** The wait after the {@code failedAttempts}-th failed attempt (1 for the first failure). */
  public Duration backoff(int failedAttempts, RandomGenerator random) {
    long initial = initialBackoff.toMillis();
    long max = maxBackoff.toMillis();
    int doublings = Math.min(Math.max(0, failedAttempts - 1), 40);
    long millis = initial;
    for (int i = 0; i < doublings && millis < max; i++) {
      millis *= 2;
    }
    millis = Math.min(millis, max);
    long jittered = millis - (long) (millis * jitter * random.nextDouble());
    return Duration.ofMillis(Math.max(1, jittered));
  }
}
