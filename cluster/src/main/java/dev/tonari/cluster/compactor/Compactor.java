package dev.tonari.cluster.compactor;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.object.ObjectStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compactor role's core: one process at a time (the catalog's {@value CompactorSettings#LEASE}
 * lease) merges each tenant's small parts into larger ones and applies retention, through the
 * catalog, then deletes the objects of parts removed longer ago than the grace period.
 *
 * <p>The work itself is the store's: a {@link DiskLogStore} over {@link CompactorPartCatalogue}
 * serves exactly the catalog's parts, and its maintenance registers each merge's output and inputs
 * (or each retention delete or rewrite) in one catalog commit, so a querier sees all of a change
 * or none of it; it never deletes objects itself. Queriers that loaded the parts before a merge
 * keep reading the inputs, whose objects stay for {@link CompactorSettings#purgeGrace()}; after it
 * {@link #runOnce} deletes them ({@link DiskLogStore#purgeParts}) and the catalog forgets them.
 *
 * <p>Not done here: sweeping orphans (objects of flushes whose commit failed, which no catalog row
 * names) and fencing a compactor whose lease expired mid-merge (the catalog's commit takes no
 * lease generation; two merges of the same inputs would both fail but one, since removing a part
 * no longer live is refused).
 */
public final class Compactor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Compactor.class);

  /** What one round did; {@code leader} false when another compactor holds the lease (nothing done). */
  public record Round(boolean leader, int livePartsBefore, int livePartsAfter, int purged) {}

  private final ClusterCatalog catalog;
  private final CompactorSettings settings;
  private final Clock clock;
  private final DiskLogStore store;

  public Compactor(ClusterCatalog catalog, ObjectStore objectStore, CompactorSettings settings) throws IOException {
    this(catalog, objectStore, settings, Clock.systemUTC());
  }

  /** @param clock the time the purge grace is measured in; the catalog's clock should agree with it within the grace */
  public Compactor(ClusterCatalog catalog, ObjectStore objectStore, CompactorSettings settings, Clock clock) throws IOException {
    this.catalog = catalog;
    this.settings = settings;
    this.clock = clock;
    DiskLogStoreConfig config = DiskLogStoreConfig.defaults(settings.directory())
        .withObjectStore(objectStore)
        .withMaintenanceInterval(Duration.ZERO)
        .withMergePolicy(settings.mergePolicy())
        // A tenant the function gives no policy keeps its data (the store's own default is 31 days).
        .withRetention(Duration.ZERO, null)
        .withRetentionPolicies(settings.retention())
        .withClock(clock)
        .withPartCatalogue(new CompactorPartCatalogue(catalog));
    // Scans run on the calling thread: the compactor reads parts only to merge them.
    this.store = DiskLogStore.open(config, 0);
  }

  /**
   * One round, when this process holds (or takes) the lease: reloads the catalog's parts, merges
   * what the policy asks, applies retention, then purges the objects of parts removed before the
   * grace period.
   */
  public Round runOnce() throws IOException {
    if (catalog.tryAcquire(CompactorSettings.LEASE, settings.memberId(), settings.leaseTtl()).isEmpty()) {
      return new Round(false, 0, 0, 0);
    }
    store.refreshCatalogue();
    int before = catalog.liveParts().size();
    store.maintain();
    int after = catalog.liveParts().size();
    int purged = purgeDeleted();
    if (before != after || purged > 0) {
      log.info("compactor {}: {} live parts became {}; objects of {} removed parts purged", settings.memberId(), before, after, purged);
    }
    return new Round(true, before, after, purged);
  }

  private int purgeDeleted() throws IOException {
    List<String> due = catalog.deletedPartsBefore(clock.millis() - settings.purgeGrace().toMillis());
    if (due.isEmpty()) {
      return 0;
    }
    // Refreshed first, so this store no longer serves any of them (purgeParts refuses a served part).
    store.refreshCatalogue();
    try {
      store.purgeParts(due);
    } catch (IOException e) {
      throw new IOException("compactor " + settings.memberId() + ": purging the objects of removed parts " + due + " failed; the catalog keeps them for the next round", e);
    }
    catalog.forgetDeletedParts(due);
    return due.size();
  }

  /** Gives the lease up and closes the store (it holds no head: nothing is flushed). */
  @Override
  public void close() throws IOException {
    try {
      catalog.release(CompactorSettings.LEASE, settings.memberId());
    } finally {
      store.close();
    }
  }
}
