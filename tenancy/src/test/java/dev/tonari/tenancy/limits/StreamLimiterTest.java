package dev.tonari.tenancy.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.tenancy.config.TenantLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamLimiterTest {
  private final AtomicLong nanos = new AtomicLong();
  private final TenantLimits three = TenantLimits.lokiDefaults().toBuilder().set("max_global_streams_per_user", 3L).build();
  private final StreamLimiter limiter = new StreamLimiter(tenant -> tenant.equals("unlimited")
      ? TenantLimits.lokiDefaults().toBuilder().set("max_global_streams_per_user", 0L).build() : three, Duration.ofMinutes(30), nanos::get);

  @Test
  void newStreamsBeyondTheLimitAreRefusedWithLokisMessageKnownOnesStillPass() {
    for (long stream = 1; stream <= 3; stream++) {
      assertThat(limiter.admit("team-a", stream)).isEmpty();
    }
    assertThat(limiter.admit("team-a", 4)).contains(new LimitRefusal(429,
        "Maximum active stream limit exceeded, reduce the number of active streams (reduce labels or reduce label values), or contact your "
            + "administrator to see if the limit can be increased, user: 'team-a'"));
    assertThat(limiter.admit("team-a", 2)).isEmpty();
    assertThat(limiter.admit("team-b", 4)).isEmpty();
    assertThat(limiter.activeStreams("team-a")).isEqualTo(3);
    for (long stream = 1; stream <= 100; stream++) {
      assertThat(limiter.admit("unlimited", stream)).isEmpty();
    }
  }

  @Test
  void idleStreamsStopCounting() {
    limiter.admit("team-a", 1);
    nanos.addAndGet(Duration.ofMinutes(20).toNanos());
    limiter.admit("team-a", 2);
    limiter.admit("team-a", 3);
    nanos.addAndGet(Duration.ofMinutes(10).toNanos());
    assertThat(limiter.admit("team-a", 4)).as("stream 1 has been idle 30 minutes").isEmpty();
    assertThat(limiter.activeStreams("team-a")).isEqualTo(3);
  }

  @Test
  void concurrentNewStreamsNeverExceedTheLimit() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<Integer>> admitted = new ArrayList<>();
    try {
      for (int t = 0; t < 6; t++) {
        int offset = t * 1000;
        admitted.add(pool.submit(() -> {
          int count = 0;
          for (int i = 0; i < 200; i++) {
            if (limiter.admit("team-a", offset + i).isEmpty()) {
              count++;
            }
          }
          return count;
        }));
      }
      int total = 0;
      for (Future<Integer> future : admitted) {
        total += future.get(30, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(3);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
