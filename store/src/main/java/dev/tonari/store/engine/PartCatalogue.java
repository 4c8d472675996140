package dev.tonari.store.engine;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The authority on which parts exist, in place of "whatever the object store lists": what lets
 * several processes share one bucket (ingesters that flush, queriers that read, a compactor that
 * merges and applies retention) without any of them seeing another's half-done work.
 *
 * <p>With {@link #OBJECT_STORE} (the default) a {@link DiskLogStore} behaves as a single node
 * always has: the parts are what the object store lists (on a remote store, what the commit
 * objects name), sequences come from that listing, and the store deletes what it merges away.
 *
 * <p>With any other catalogue the store:
 *
 * <ul>
 *   <li>serves exactly {@link #partKeys()} at open and at {@link DiskLogStore#refreshCatalogue()};
 *       a key the object store does not hold is logged with the key and counted ({@link
 *       StoreMetrics#cataloguedPartsMissing()}), not served, and not fatal;
 *   <li>takes every part's sequence from {@link #nextSequence()}, so writers sharing a bucket never
 *       pick one key;
 *   <li>calls {@link #register} once per flush (every tenant's part of that flush in one call),
 *       once per merge and once per retention delete or rewrite, after the objects (and on a remote
 *       store their commit objects) are published and before anything is deleted. When it throws,
 *       the change did not happen: a flush keeps its frozen head and the next flush writes it
 *       again under new keys; the objects published for the failed call are orphans that no reader
 *       sees (readers go by the catalogue) and that the catalogue's owner sweeps later;
 *   <li>never sweeps orphans, quarantines or deletes objects on its own judgement (another process
 *       may be between publishing and registering), and with {@link #deletesObjectsLater()} never
 *       deletes the inputs of a merge or retention either: the owner calls {@link
 *       DiskLogStore#purgeParts} once no querier can be reading them.
 * </ul>
 *
 * <p>Implementations must be safe for concurrent use: a store calls {@link #revision()} from
 * query threads while its maintenance registers.
 */
public interface PartCatalogue {
  /**
   * A number that changes whenever the set of parts changes (grows with every {@link #register}):
   * compared before each refresh, so it must be cheap.
   */
  long revision() throws IOException;

  /** The keys ({@code <tenant>/parts/<level>-<sequence>.part}) of every part that exists now. */
  Set<String> partKeys() throws IOException;

  /** A sequence never handed out before to any process sharing the bucket; positive. */
  long nextSequence() throws IOException;

  /**
   * Makes {@code added} exist and {@code removed} stop existing, atomically: a reader sees all of
   * the change or none of it.
   *
   * @param added parts published and ready to read (on a remote store, committed)
   * @param removed keys of parts no longer to be read (merge inputs, parts past retention)
   * @throws IOException when the change was not made; the store then treats the operation as
   *     failed
   */
  void register(List<PublishedPart> added, List<String> removed) throws IOException;

  /**
   * Whether the store must leave the objects of removed parts alone (queriers may still be
   * reading them) for the catalogue's owner to delete through {@link DiskLogStore#purgeParts}.
   */
  boolean deletesObjectsLater();

  /** A part as registered: its key, tenant, time range, entry count and size in bytes. */
  record PublishedPart(String key, String tenant, long minTimestampNanos, long maxTimestampNanos, long entries, long bytes) {
    public PublishedPart {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(tenant, "tenant");
    }
  }

  /**
   * The parts are what the object store holds: today's single-node behaviour, exactly. The store
   * recognises this instance and never calls its methods; they answer as an empty catalogue that
   * takes no registrations.
   */
  PartCatalogue OBJECT_STORE =
      new PartCatalogue() {
        @Override
        public long revision() {
          return 0;
        }

        @Override
        public Set<String> partKeys() {
          return Set.of();
        }

        @Override
        public long nextSequence() {
          throw new UnsupportedOperationException("the object store catalogue takes sequences from the object store's listing");
        }

        @Override
        public void register(List<PublishedPart> added, List<String> removed) {
          // Parts exist by being in the object store: nothing to record.
        }

        @Override
        public boolean deletesObjectsLater() {
          return false;
        }

        @Override
        public String toString() {
          return "PartCatalogue.OBJECT_STORE";
        }
      };
}
