package dev.tonari.cluster.compactor;

import dev.tonari.cluster.catalog.CatalogPart;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.CatalogPartCatalogue;
import dev.tonari.store.engine.PartCatalogue;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's {@link PartCatalogue} for the compactor: a merge's or a retention change's outputs
 * and removed inputs in one {@link ClusterCatalog#commit} without offsets (it moves no partition;
 * merged parts come from several partitions, so their origin is -1). The objects of removed parts
 * stay until {@link Compactor} purges them after the grace period ({@link #deletesObjectsLater}).
 */
final class CompactorPartCatalogue extends CatalogPartCatalogue {
  CompactorPartCatalogue(ClusterCatalog catalog) {
    super(catalog);
  }

  @Override
  public void register(List<PublishedPart> added, List<String> removed) {
    List<CatalogPart> parts = new ArrayList<>(added.size());
    for (PublishedPart part : added) {
      parts.add(catalogPart(part, -1, -1, -1));
    }
    catalog.commit(parts, removed, List.of());
  }
}
