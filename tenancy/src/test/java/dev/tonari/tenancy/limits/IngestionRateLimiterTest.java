package dev.tonari.tenancy.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.tenancy.config.TenantLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IngestionRateLimiterTest {
  private static TenantLimits limits(double rateMb, double burstMb) {
    return TenantLimits.lokiDefaults().toBuilder().set("ingestion_rate_mb", rateMb).set("ingestion_burst_size_mb", burstMb).build();
  }

  @Test
  void refusalIsLokisMessageAnd429() {
    AtomicLong nanos = new AtomicLong();
    IngestionRateLimiter limiter = new IngestionRateLimiter(tenant -> limits(4, 6), nanos::get);
    assertThat(limiter.tryAcquire("team-a", 6L << 20, 10)).isEmpty();
    assertThat(limiter.tryAcquire("team-a", 1, 1)).contains(new LimitRefusal(429,
        "Ingestion rate limit exceeded for user team-a (limit: 4194304 bytes/sec) while attempting to ingest '1' lines totaling '1' bytes, "
            + "reduce log volume or contact your Loki administrator to see if the limit can be increased"));
    assertThat(limiter.tryAcquire("team-b", 1, 1)).as("tenants have separate buckets").isEmpty();
    nanos.addAndGet(250_000_000);
    assertThat(limiter.tryAcquire("team-a", 1L << 20, 5)).as("a quarter second refills 1 MB").isEmpty();
    assertThat(limiter.tryAcquire("team-a", 1, 1)).isPresent();
  }

  @Test
  void aPushLargerThanTheBurstNeverPassesAndTakesNothing() {
    AtomicLong nanos = new AtomicLong();
    IngestionRateLimiter limiter = new IngestionRateLimiter(tenant -> limits(1, 1), nanos::get);
    assertThat(limiter.tryAcquire("t", (1L << 20) + 1, 1)).isPresent();
    assertThat(limiter.tryAcquire("t", 1L << 20, 1)).isEmpty();
  }

  @Test
  void concurrentPushersShareOneBudgetExactlyWhenTimeStandsStill() throws Exception {
    AtomicLong nanos = new AtomicLong();
    IngestionRateLimiter limiter = new IngestionRateLimiter(tenant -> limits(1, 1), nanos::get);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> accepted = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        accepted.add(pool.submit(() -> {
          start.await();
          long bytes = 0;
          for (int i = 0; i < 500; i++) {
            if (limiter.tryAcquire("t", 1024, 1).isEmpty()) {
              bytes += 1024;
            }
          }
          return bytes;
        }));
      }
      start.countDown();
      long total = 0;
      for (Future<Long> future : accepted) {
        total += future.get(30, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(1L << 20);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * Pushers of random sizes on several threads, while the clock moves forward in random steps:
   * whatever the interleaving, accepted bytes never exceed burst + rate * elapsed, and a bucket
   * that stays full is never wrongly refused beyond that bound.
   */
  @Property(tries = 30)
  void acceptedBytesNeverExceedBurstPlusRateTimesElapsed(@ForAll @IntRange(min = 2, max = 6) int threads,
      @ForAll @IntRange(min = 1, max = 64) int rateKb, @ForAll @IntRange(min = 1, max = 256) int burstKb) throws Exception {
    AtomicLong nanos = new AtomicLong(1_000_000_000L);
    long startNanos = nanos.get();
    double rateMb = rateKb / 1024.0;
    double burstMb = burstKb / 1024.0;
    TenantLimits limits = limits(rateMb, burstMb);
    IngestionRateLimiter limiter = new IngestionRateLimiter(tenant -> limits, nanos::get);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Long>> accepted = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        accepted.add(pool.submit(() -> {
          long bytes = 0;
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int i = 0; i < 400; i++) {
            if (random.nextInt(4) == 0) {
              nanos.addAndGet(random.nextLong(1, 5_000_000));
            }
            long size = random.nextLong(1, 4096);
            if (limiter.tryAcquire("t", size, 1).isEmpty()) {
              bytes += size;
            }
          }
          return bytes;
        }));
      }
      long total = 0;
      for (Future<Long> future : accepted) {
        total += future.get(30, TimeUnit.SECONDS);
      }
      double elapsedSeconds = (nanos.get() - startNanos) / 1e9;
      assertThat((double) total).isLessThanOrEqualTo(limits.ingestionBurstSizeBytes() + limits.ingestionRateBytesPerSecond() * elapsedSeconds + 1e-6);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aReloadedLimitAppliesToTheNextPush() {
    AtomicLong nanos = new AtomicLong();
    TenantLimits[] current = {limits(1, 1)};
    IngestionRateLimiter limiter = new IngestionRateLimiter(tenant -> current[0], nanos::get);
    assertThat(limiter.tryAcquire("t", 1000, 1)).isEmpty();
    current[0] = limits(1, 0.0001);
    assertThat(limiter.tryAcquire("t", 1000, 1)).as("burst shrank to 104 bytes").map(LimitRefusal::status).isEqualTo(Optional.of(429));
  }
}
