package dev.tonari.cluster.compactor;

import dev.tonari.cluster.catalog.CatalogPart;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.store.engine.PartCatalogue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The store's {@link PartCatalogue} for the compactor: a merge's or a retention change's outputs
 * and removed inputs in one {@link ClusterCatalog#commit} without offsets (it moves no partition;
 * merged parts come from several partitions, so their origin is -1). The objects of removed parts
 * stay until {@link Compactor} purges them after the grace period ({@link #deletesObjectsLater}).
 */
final class CompactorPartCatalogue implements PartCatalogue {
  private final ClusterCatalog catalog;

  CompactorPartCatalogue(ClusterCatalog catalog) {
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
  public void register(List<PublishedPart> added, List<String> removed) {
    List<CatalogPart> parts = new ArrayList<>(added.size());
    for (PublishedPart part : added) {
      parts.add(new CatalogPart(part.key(), part.tenant(), part.minTimestampNanos(), part.maxTimestampNanos(), part.entries(), part.bytes(), -1, -1, -1));
    }
    catalog.commit(parts, removed, List.of());
  }

  @Override
  public boolean deletesObjectsLater() {
    return true;
  }

  @Override
  public String toString() {
    return "CompactorPartCatalogue[" + catalog + "]";
  }
}
