package dev.tonari.tenancy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailedAuthRateLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final FailedAuthRateLimiter limiter = new FailedAuthRateLimiter(10, Duration.ofMinutes(1), 3, nanos::get);

  @Test
  void tenFailuresPerMinuteThenBlockedUntilRefilled() {
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.isBlocked("10.0.0.1")).isFalse();
      limiter.recordFailure("10.0.0.1");
    }
    assertThat(limiter.isBlocked("10.0.0.1")).isTrue();
    assertThat(limiter.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(6));
    assertThat(limiter.isBlocked("10.0.0.2")).as("other addresses are unaffected").isFalse();
    nanos.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(limiter.isBlocked("10.0.0.1")).isFalse();
    limiter.recordFailure("10.0.0.1");
    assertThat(limiter.isBlocked("10.0.0.1")).isTrue();
  }

  @Test
  void theAddressTableStaysBounded() {
    limiter.recordFailure("a");
    limiter.recordFailure("b");
    limiter.recordFailure("c");
    nanos.addAndGet(Duration.ofMinutes(1).toNanos());
    limiter.recordFailure("d");
    assertThat(limiter.trackedAddresses()).isEqualTo(1);
  }
}
