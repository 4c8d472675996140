package dev.tonari.cluster.catalog;

import dev.tonari.store.engine.MutableClock;
import java.time.Duration;
import java.time.Instant;

/** The contract on the heap, with a clock the test moves. */
class InMemoryClusterCatalogTest extends ClusterCatalogContractTest {
  /** A clock that only moves when told to. */
  private MutableClock clock;

  @Override
  ClusterCatalog newCatalog() {
    clock = new MutableClock(Instant.now());
    return new InMemoryClusterCatalog(clock);
  }

  @Override
  void elapse(Duration duration) {
    clock.advance(duration);
  }
}
