package dev.tonari.server;

import dev.tonari.cluster.catalog.CatalogUnavailableException;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.ClusterPartCatalogue;
import dev.tonari.cluster.catalog.Lease;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.object.ObjectStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compactor role as far as the cluster module goes today: every {@code cluster.compactor.interval},
 * while it holds the catalog's {@code compactor} lease (one compactor acts at a time), it deletes
 * the objects of parts the catalog removed more than {@code cluster.compactor.purge_grace} ago (a
 * querier that listed them before may still be reading) and then forgets those rows. Merging parts
 * and retention across the cluster are not here: {@link ClusterPartCatalogue} registers only an
 * ingester's flushes (with offsets), and a merge's registration needs a catalogue of its own.
 */
final class ClusterCompactor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterCompactor.class);
  static final String LEASE = "compactor";

  private final ClusterCatalog catalog;
  private final DiskLogStore purger;
  private final ObjectStore objects;
  private final String memberId;
  private final Duration purgeGrace;
  private final Duration leaseTtl;
  private final ScheduledExecutorService scheduler;
  private final AtomicLong purgedParts = new AtomicLong();

  private ClusterCompactor(ClusterCatalog catalog, DiskLogStore purger, ObjectStore objects, String memberId, Duration purgeGrace, Duration leaseTtl) {
    this.catalog = catalog;
    this.purger = purger;
    this.objects = objects;
    this.memberId = memberId;
    this.purgeGrace = purgeGrace;
    this.leaseTtl = leaseTtl;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "tonari-compactor");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Opens the purging store on {@code objects} (closed with the compactor) and starts the loop. */
  static ClusterCompactor start(ServerConfig config, ClusterCatalog catalog, ObjectStore objects, String nodeId) throws IOException {
    ClusterSettings cluster = config.cluster();
    // Writer-only and catalogued: it loads no parts, so it may delete any part the catalog no longer lists.
    DiskLogStore purger = DiskLogStore.open(DiskLogStoreConfig.defaults(config.dataDir().resolve("compactor"))
        .withObjectStore(objects)
        .withPartCatalogue(new ClusterPartCatalogue(catalog))
        .withMaintenanceInterval(Duration.ZERO)
        .withWriterOnly(true), 0);
    Duration interval = cluster.compactorInterval();
    // The lease outlives two passes, so a compactor that holds it keeps it across one slow pass.
    ClusterCompactor compactor = new ClusterCompactor(catalog, purger, objects, nodeId + "/compactor", cluster.purgeGrace(),
        interval.multipliedBy(2).plus(cluster.heartbeatTtl()));
    compactor.scheduler.scheduleWithFixedDelay(compactor::passSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return compactor;
  }

  private void passSafely() {
    try {
      Optional<Lease> lease = catalog.tryAcquire(LEASE, memberId, leaseTtl);
      if (lease.isEmpty()) {
        return;
      }
      List<String> keys = catalog.deletedPartsBefore(System.currentTimeMillis() - purgeGrace.toMillis());
      if (keys.isEmpty()) {
        return;
      }
      purger.purgeParts(keys);
      catalog.forgetDeletedParts(keys);
      purgedParts.addAndGet(keys.size());
      log.info("compactor {} deleted the objects of {} parts the catalog removed more than {} ago", memberId, keys.size(), purgeGrace);
    } catch (CatalogUnavailableException e) {
      log.warn("compactor {}: the catalog is unavailable, next pass later: {}", memberId, e.getMessage());
    } catch (IOException | RuntimeException e) {
      log.error("compactor {}: purging removed parts failed, next pass later", memberId, e);
    }
  }

  /** Parts whose objects this compactor deleted. */
  long purgedParts() {
    return purgedParts.get();
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
      catalog.release(LEASE, memberId);
    } catch (RuntimeException e) {
      log.warn("compactor {} could not release its lease (it expires in {}): {}", memberId, leaseTtl, e.getMessage());
    }
    try {
      purger.close();
    } finally {
      objects.close();
    }
  }
}
