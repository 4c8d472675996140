package dev.tonari.cluster.catalog;

import dev.tonari.store.engine.PartCatalogue;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every {@link PartCatalogue} over the cluster's catalog shares: which parts exist and the
 * revision come from the catalog, sequences from {@link ClusterCatalog#nextPartSequence} (so
 * processes sharing a bucket never pick one key), and removed parts' objects are deleted later by
 * the compactor, never by the store. Subclasses decide how a flush or merge is registered.
 */
public abstract class CatalogPartCatalogue implements PartCatalogue {
  protected final ClusterCatalog catalog;

  protected CatalogPartCatalogue(ClusterCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public long revision() {
    return catalog.partsRevision();
  }

  @Override
  public Set<String> partKeys() {
    Set<String> keys = new TreeSet<>();
    catalog.liveParts().forEach(part -> keys.add(part.key()));
    return keys;
  }

  @Override
  public long nextSequence() {
    return catalog.nextPartSequence();
  }

  @Override
  public boolean deletesObjectsLater() {
    return true;
  }

  /** The catalog's row for a part the store published, with the partition and offsets its records came from (-1 when several). */
  protected static CatalogPart catalogPart(PublishedPart part, int partition, long firstOffset, long lastOffset) {
    return new CatalogPart(part.key(), part.tenant(), part.minTimestampNanos(), part.maxTimestampNanos(), part.entries(), part.bytes(), partition, firstOffset, lastOffset);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + catalog + "]";
  }
}
