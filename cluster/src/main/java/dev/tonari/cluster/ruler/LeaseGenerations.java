package dev.tonari.cluster.ruler;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.FencedException;
import dev.tonari.cluster.catalog.QueuedNotification;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The fencing token of each tenant this ruler holds: the generation of its lease {@code
 * ruler/<tenant>}. Every write of the ruler's state goes through {@link #writeUnderLease}, which
 * the catalog accepts only while this holder still holds that generation. {@link RulerLeases} is
 * the implementation; the state stores take this interface.
 */
public interface LeaseGenerations {
  /** The lease holder's id (the ruler's member id). */
  String holder();

  /** The generation of the tenant's lease while this ruler believes it holds it; empty otherwise. */
  OptionalLong generation(String tenant);

  /**
   * Writes the tenant's state blobs and queues its notifications in one catalog transaction fenced
   * by the tenant's lease.
   *
   * @throws FencedException when this ruler holds no lease of the tenant, or the catalog says it
   *     lost it (nothing is written)
   */
  default List<Long> writeUnderLease(ClusterCatalog catalog, String tenant, Map<String, byte[]> states, List<QueuedNotification> notifications) {
    OptionalLong generation = generation(tenant);
    if (generation.isEmpty()) {
      throw new FencedException("ruler " + holder() + " holds no lease of tenant " + tenant + ": not writing " + states.keySet()
          + (notifications.isEmpty() ? "" : " nor " + notifications.size() + " notifications"));
    }
    return writeUnderLease(catalog, tenant, generation.getAsLong(), states, notifications);
  }

  /** As {@link #writeUnderLease(ClusterCatalog, String, Map, List)}, for state computed under lease generation {@code generation}. */
  default List<Long> writeUnderLease(ClusterCatalog catalog, String tenant, long generation, Map<String, byte[]> states,
      List<QueuedNotification> notifications) {
    return catalog.writeUnderLease(CatalogKeys.lease(tenant), holder(), generation, states, notifications);
  }
}
