package dev.tonari.rules.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.rules.remotewrite.RemoteWriteClientSettings.QueueConfig;
import dev.tonari.tenancy.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryDelaysTest {
  private static final QueueConfig QUEUE = new QueueConfig(100, 10, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(3), 50);

  @Test
  void backoffDoublesUpToTheMaximumWithAtMostHalfTakenOff() {
    Random random = new Random(7);
    long[] expectedBaseMillis = {100, 200, 400, 800, 1600, 3000, 3000, 3000};
    for (int retry = 0; retry < expectedBaseMillis.length; retry++) {
      Duration base = Duration.ofMillis(expectedBaseMillis[retry]);
      for (int draw = 0; draw < 200; draw++) {
        Duration delay = RetryDelays.backoff(QUEUE, retry, random);
        assertThat(delay).as("retry %d", retry).isBetween(base.dividedBy(2), base);
      }
    }
    assertThat(RetryDelays.backoff(QUEUE, 1_000, random)).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(3));
  }

  @Test
  void theJitterSpreadsTheDelays() {
    Random random = new Random(11);
    long distinct = java.util.stream.IntStream.range(0, 50).mapToObj(i -> RetryDelays.backoff(QUEUE, 3, random)).distinct().count();
    assertThat(distinct).isGreaterThan(40);
  }

  @Test
  void retryAfterInSecondsOrAsADate() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    assertThat(RetryDelays.retryAfter(Optional.of("7"), clock)).contains(Duration.ofSeconds(7));
    assertThat(RetryDelays.retryAfter(Optional.of(" 0 "), clock)).contains(Duration.ZERO);
    String inNinetySeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(90).atOffset(ZoneOffset.UTC));
    assertThat(RetryDelays.retryAfter(Optional.of(inNinetySeconds), clock)).contains(Duration.ofSeconds(90));
    clock.advance(Duration.ofMinutes(2));
    assertThat(RetryDelays.retryAfter(Optional.of(inNinetySeconds), clock)).contains(Duration.ZERO);
  }

  @Test
  void retryAfterIsBoundedAndGarbageIsIgnored() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    assertThat(RetryDelays.retryAfter(Optional.of("86400"), clock)).contains(RetryDelays.MAX_RETRY_AFTER);
    assertThat(RetryDelays.retryAfter(Optional.of("99999999999999999999999"), clock)).contains(RetryDelays.MAX_RETRY_AFTER);
    assertThat(RetryDelays.retryAfter(Optional.of("soon"), clock)).isEmpty();
    assertThat(RetryDelays.retryAfter(Optional.of("-5"), clock)).isEmpty();
    assertThat(RetryDelays.retryAfter(Optional.of(""), clock)).isEmpty();
    assertThat(RetryDelays.retryAfter(Optional.empty(), clock)).isEmpty();
  }

  /** Whatever a receiver sends as Retry-After, the parser answers a bounded delay or nothing, and never throws. */
  @Test
  void garbageRetryAfterNeverThrows() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    Random random = new Random(424_242);
    String alphabet = "0123456789 ,:-+GMTSunMonDecJanabc\t\u00e9\u0000";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder header = new StringBuilder();
      if (random.nextBoolean()) {
        header.append(DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(random.nextInt(1_000) - 500).atOffset(ZoneOffset.UTC)));
        header.setCharAt(random.nextInt(header.length()), alphabet.charAt(random.nextInt(alphabet.length())));
      } else {
        int length = random.nextInt(40);
        for (int c = 0; c < length; c++) {
          header.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      Optional<Duration> delay = RetryDelays.retryAfter(Optional.of(header.toString()), clock);
      delay.ifPresent(value -> assertThat(value).as(header.toString()).isBetween(Duration.ZERO, RetryDelays.MAX_RETRY_AFTER));
    }
  }
}
