package dev.tonari.cluster.catalog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The contract on the heap, with a clock the test moves. */
class InMemoryClusterCatalogTest extends ClusterCatalogContractTest {
  /** A clock that only moves when told to. */
  static final class MovableClock extends Clock {
    private volatile long millis;

    MovableClock(long millis) {
      this.millis = millis;
    }

    void advance(Duration duration) {
      millis += duration.toMillis();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  private MovableClock clock;

  @Override
  ClusterCatalog newCatalog() {
    clock = new MovableClock(System.currentTimeMillis());
    return new InMemoryClusterCatalog(clock);
  }

  @Override
  void elapse(Duration duration) {
    clock.advance(duration);
  }
}
