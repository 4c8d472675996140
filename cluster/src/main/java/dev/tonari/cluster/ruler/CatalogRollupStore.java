package dev.tonari.cluster.ruler;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.FencedException;
import dev.tonari.slo.rollup.BlobRollupStore;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.rollup.RollupBlobs;
import dev.tonari.slo.rollup.RollupStore;
import dev.tonari.slo.rollup.SeriesKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * SLO rollups in the cluster catalog: the slo module's {@link BlobRollupStore} (day blocks in the
 * file store's day format, one index per SLO) over state blobs {@code
 * ruler/slo-rollup/<tenant>/<slo>/...}, each written under the tenant's lease. The ruler
 * holding a tenant caches what it read (only it writes the tenant's blobs while it holds the
 * lease); other processes read through. A ruler without the tenant's lease, or with a stale one,
 * is refused with {@link FencedException} and nothing is written.
 */
public final class CatalogRollupStore implements RollupStore {
  private final BlobRollupStore store;

  public CatalogRollupStore(ClusterCatalog catalog, LeaseGenerations leases) {
    this(catalog, leases, BlobRollupStore.DEFAULT_CACHED_DAYS);
  }

  public CatalogRollupStore(ClusterCatalog catalog, LeaseGenerations leases, int maxCachedDays) {
    this.store = new BlobRollupStore(new CatalogBlobs(Objects.requireNonNull(catalog, "catalog"), Objects.requireNonNull(leases, "leases")),
        maxCachedDays);
  }

  private record CatalogBlobs(ClusterCatalog catalog, LeaseGenerations leases) implements RollupBlobs {
    @Override
    public Optional<byte[]> load(String tenant, String name) {
      return catalog.loadState(CatalogKeys.sloRollup(tenant, name));
    }

    @Override
    public void save(String tenant, String name, byte[] content) {
      leases.writeUnderLease(catalog, tenant, Map.of(CatalogKeys.sloRollup(tenant, name), content), List.of());
    }

    @Override
    public OptionalLong ownership(String tenant) {
      return leases.generation(tenant);
    }

    @Override
    public String toString() {
      return "the cluster catalog";
    }
  }

  /** Blobs found corrupt since the store opened. */
  public long corruptBlobs() {
    return store.corruptBlobs();
  }

  @Override
  public void write(SeriesKey key, MinuteSeries minutes) {
    store.write(key, minutes);
  }

  @Override
  public MinuteSeries read(SeriesKey key, long fromMinute, long toMinute) {
    return store.read(key, fromMinute, toMinute);
  }

  @Override
  public List<SeriesKey> series(String tenant, String sloId) {
    return store.series(tenant, sloId);
  }

  @Override
  public void deleteSlo(String tenant, String sloId) {
    store.deleteSlo(tenant, sloId);
  }

  @Override
  public Optional<String> fingerprint(String tenant, String sloId) {
    return store.fingerprint(tenant, sloId);
  }

  @Override
  public void setFingerprint(String tenant, String sloId, String fingerprint) {
    store.setFingerprint(tenant, sloId, fingerprint);
  }

  @Override
  public void prune(long beforeMinute) {
    store.prune(beforeMinute);
  }

  @Override
  public void close() {
    store.close();
  }
}
