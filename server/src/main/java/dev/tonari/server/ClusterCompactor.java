package dev.tonari.server;

import dev.tonari.cluster.catalog.CatalogUnavailableException;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.compactor.Compactor;
import dev.tonari.cluster.compactor.CompactorSettings;
import dev.tonari.store.object.ObjectStore;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compactor role's loop around the cluster module's {@link Compactor}: one {@link
 * Compactor#runOnce} every {@code cluster.compactor.interval} (it merges, applies each tenant's retention and
 * purges removed parts only while it holds the catalog's {@code compactor} lease). A round that
 * fails (the catalog away, an object store error) is logged and the next one retries.
 */
final class ClusterCompactor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterCompactor.class);

  private final Compactor compactor;
  private final ObjectStore objects;
  private final String memberId;
  private final ScheduledExecutorService scheduler;

  private ClusterCompactor(Compactor compactor, ObjectStore objects, String memberId) {
    this.compactor = compactor;
    this.objects = objects;
    this.memberId = memberId;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "tonari-compactor");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Opens the compactor on {@code objects} (closed with it) and starts its rounds. */
  static ClusterCompactor start(ServerConfig config, ClusterCatalog catalog, ObjectStore objects, String nodeId,
      java.util.function.Function<String, dev.tonari.store.engine.RetentionPolicy> retention) throws IOException {
    ClusterSettings cluster = config.cluster();
    String memberId = nodeId + "/compactor";
    Duration interval = cluster.compactorInterval();
    CompactorSettings defaults = CompactorSettings.defaults(memberId, config.dataDir().resolve("compactor"));
    // The lease outlives two rounds, so a compactor that holds it keeps it across one slow round.
    CompactorSettings settings = new CompactorSettings(memberId, defaults.directory(), defaults.mergePolicy(), retention, cluster.purgeGrace(),
        interval.multipliedBy(2).plus(cluster.heartbeatTtl()));
    ClusterCompactor wrapper = new ClusterCompactor(new Compactor(catalog, objects, settings), objects, memberId);
    wrapper.scheduler.scheduleWithFixedDelay(wrapper::roundSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return wrapper;
  }

  private void roundSafely() {
    try {
      Compactor.Round round = compactor.runOnce();
      if (round.leader() && (round.livePartsBefore() != round.livePartsAfter() || round.purged() > 0)) {
        log.info("compactor {}: live parts {} -> {}, {} removed parts purged", memberId, round.livePartsBefore(), round.livePartsAfter(), round.purged());
      }
    } catch (CatalogUnavailableException e) {
      log.warn("compactor {}: the catalog is unavailable, next round later: {}", memberId, e.getMessage());
    } catch (IOException | RuntimeException e) {
      log.error("compactor {}: the round failed, next round later", memberId, e);
    }
  }

  @Override
  public void close() throws IOException {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      compactor.close();
    } finally {
      objects.close();
    }
  }
}
