package dev.tonari.cluster.catalog;

import dev.tonari.store.engine.PartCatalogue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The store's {@link PartCatalogue} over the cluster's catalog, for an ingester's writer-only
 * store: a flush's parts are registered in the same {@link ClusterCatalog#commit} that moves the
 * offsets of every partition the ingester owns, so a part exists exactly when the offsets say its
 * records were turned into parts. The ingester sets those offsets with {@link #prepareFlush}
 * right before it calls {@code flush} on its own thread; a flush without them is refused (it
 * would register parts whose records the next owner of the partition reads again).
 *
 * <p>Sequences come from {@link ClusterCatalog#nextPartSequence}, so ingesters sharing a bucket
 * never pick one key. Removed parts' objects are deleted later by the compactor ({@link
 * #deletesObjectsLater}), never by the store.
 */
public final class ClusterPartCatalogue implements PartCatalogue {
  /** Where the records of one tenant's part came from: one partition and its offset range, or several (then -1). */
  public record Origin(int partition, long firstOffset, long lastOffset) {
    public static final Origin MIXED = new Origin(-1, -1, -1);
  }

  private final ClusterCatalog catalog;
  private List<OffsetCommit> pendingOffsets;
  private Map<String, Origin> pendingOrigins = Map.of();
  private boolean registeredSincePrepare;
  private volatile long lastRegisteredRevision = -1;

  public ClusterPartCatalogue(ClusterCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * The offsets the next flush commits with its parts (every owned partition, from the offset the
   * ingester last committed to the next one it would read), and where each tenant's records came
   * from.
   */
  public synchronized void prepareFlush(List<OffsetCommit> offsets, Map<String, Origin> originsByTenant) {
    pendingOffsets = List.copyOf(offsets);
    pendingOrigins = Map.copyOf(originsByTenant);
    registeredSincePrepare = false;
  }

  /** Forgets the prepared offsets: a flush from now on is refused until the next {@link #prepareFlush}. */
  public synchronized void clearPreparedFlush() {
    pendingOffsets = null;
    pendingOrigins = Map.of();
  }

  /** Whether a flush since the last {@link #prepareFlush} registered parts (with them, the offsets). */
  public synchronized boolean registeredSincePrepare() {
    return registeredSincePrepare;
  }

  /** The catalog's parts revision right after this ingester's last registration; -1 before the first. */
  public long lastRegisteredRevision() {
    return lastRegisteredRevision;
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
  public synchronized void register(List<PublishedPart> added, List<String> removed) {
    if (pendingOffsets == null) {
      throw new IllegalStateException(
          "a flush of parts " + added.stream().map(PublishedPart::key).toList() + " without the ingester's offsets is refused: its records would be ingested twice");
    }
    List<CatalogPart> parts = new ArrayList<>(added.size());
    for (PublishedPart part : added) {
      Origin origin = pendingOrigins.getOrDefault(part.tenant(), Origin.MIXED);
      parts.add(new CatalogPart(part.key(), part.tenant(), part.minTimestampNanos(), part.maxTimestampNanos(), part.entries(), part.bytes(), origin.partition(),
          origin.firstOffset(), origin.lastOffset()));
    }
    // FencedException and CatalogUnavailableException leave the catalog unchanged; the store keeps its head.
    catalog.commit(parts, removed, pendingOffsets);
    registeredSincePrepare = true;
    pendingOffsets = null;
    lastRegisteredRevision = catalog.partsRevision();
  }

  @Override
  public boolean deletesObjectsLater() {
    return true;
  }

  @Override
  public String toString() {
    return "ClusterPartCatalogue[" + catalog + "]";
  }
}
