package dev.tonari.cluster.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's catalog: the one place that says which parts exist, how far each Kafka partition
 * has been turned into parts, which processes are alive and what they own, who holds which lease,
 * and the cluster-wide state of the ruler. PostgreSQL in production ({@code
 * PostgresClusterCatalog}); {@link InMemoryClusterCatalog} is the reference and the fake. Both pass
 * {@code ClusterCatalogContractTest}.
 *
 * <p>Every method is atomic. A method that cannot reach the catalog throws {@link
 * CatalogUnavailableException} (never a half-done change); callers retry or answer 503.
 */
public interface ClusterCatalog extends AutoCloseable {

  // ---- parts and partition offsets: exactly-once from Kafka into the catalog ----

  /** A fresh part sequence number, unique across the cluster (so two ingesters never pick one key). */
  long nextPartSequence();

  /**
   * In one transaction: registers {@code added}, marks {@code removedKeys} deleted, and moves each
   * partition of {@code offsets} from its expected offset to its new one. When any partition's
   * stored offset (or owner generation) is not the expected one (another ingester took the partition
   * over and committed since), nothing changes and {@link FencedException} is thrown: a zombie
   * ingester can never register parts for records the new owner also turns into parts.
   *
   * <p>A commit repeated after its first attempt did succeed (the connection broke while
   * PostgreSQL committed, so the caller saw {@link CatalogUnavailableException}) is accepted as a
   * no-op: every partition already stands at its {@code nextOffset} for the same member, and the
   * added parts are live as given. Removing a part that is not live, adding a part key that was
   * ever registered, or one partition twice in {@code offsets}, is a bug of the caller: {@link
   * IllegalStateException} or {@link IllegalArgumentException}, and nothing changes.
   */
  void commit(List<CatalogPart> added, List<String> removedKeys, List<OffsetCommit> offsets);

  /** Every live (not deleted) part, in key order. */
  List<CatalogPart> liveParts();

  /** Live parts of one tenant whose time range overlaps [fromNanos, toNanos). */
  List<CatalogPart> liveParts(String tenant, long fromNanos, long toNanos);

  /**
   * A number that grows whenever {@link #commit} changes the live parts; readers cache {@link
   * #liveParts()} and reload only when it moved.
   */
  long partsRevision();

  /** Parts deleted before {@code olderThanMillis} (catalog clock), for the compactor to remove from S3 and forget. */
  List<String> deletedPartsBefore(long olderThanMillis);

  /** Forgets deleted parts whose objects were removed from the object store. */
  void forgetDeletedParts(List<String> keys);

  /** The next offset to consume of each partition of the topic that has one (partitions never committed are absent: start at 0). */
  Map<Integer, Long> committedOffsets(String topic);

  // ---- membership ----

  /** Records that a process is alive (and what it owns); a member silent for its ttl is no longer live. */
  void heartbeat(Member member, Duration ttl);

  /** Members of a role whose heartbeat has not expired, by id. */
  List<Member> liveMembers(String role);

  /** Removes a member at clean shutdown, so others do not wait for its ttl. */
  void leave(String memberId);

  // ---- leases: one holder across the cluster ----

  /**
   * Takes the lease, or renews it when {@code holder} already has it; false when another holder's
   * lease has not expired. The returned lease's generation grows on every change of holder (a
   * fencing token).
   */
  Optional<Lease> tryAcquire(String name, String holder, Duration ttl);

  /** Gives the lease up if {@code holder} has it. */
  void release(String name, String holder);

  /** The current, unexpired holder of a lease. */
  Optional<Lease> lease(String name);

  // ---- ruler state, shared so that any ruler can take over ----

  /** Stores a named state blob (alert states of a rule group, SLO progress) with its owner's lease generation; refused with {@link FencedException} when a newer generation wrote it. */
  void saveState(String key, byte[] value, long leaseGeneration);

  Optional<byte[]> loadState(String key);

  /**
   * The fenced write of a lease holder: in one transaction, and only while {@code holder} still
   * holds lease {@code leaseName} at {@code generation} (unexpired on the catalog's clock, nobody
   * took it since), stores every state blob of {@code states} (with {@code generation}, as {@link
   * #saveState}) and queues every notification, returning their ids in the given order. Otherwise
   * {@link FencedException} naming the lease, its holder and generation now, and nothing changes:
   * a holder that lost its lease (paused past its ttl, cut off) can neither overwrite the new
   * holder's state nor send a notification, even for a key the new holder has not written yet.
   *
   * <p>Leases are locked against {@link #tryAcquire} for the transaction, so a take-over either
   * happens before (the write is refused) or after (the new holder reads what was written).
   */
  List<Long> writeUnderLease(String leaseName, String holder, long generation, Map<String, byte[]> states, List<QueuedNotification> notifications);

  // ---- configuration revisions ----

  /** Publishes a named configuration (the tenants file) and returns its revision (1, 2, ...); the same content as the latest returns the latest revision. */
  long publishConfig(String name, byte[] content);

  Optional<ConfigRevision> latestConfig(String name);

  // ---- alert history, per tenant ----

  /** Appends one event (JSON text, kept as given) to a tenant's alert history at {@code atMillis}. */
  void appendAlertHistory(String tenant, long atMillis, String json);

  /** A tenant's alert history in [fromMillis, toMillis), oldest first (same time: in append order). */
  List<AlertHistoryEntry> alertHistory(String tenant, long fromMillis, long toMillis);

  // ---- the outbox of notifications: delivered at least once, by one worker at a time ----

  /** Queues a notification and returns its id (ids grow in enqueue order). */
  long enqueueNotification(String tenant, String receiver, byte[] payload);

  /**
   * Claims up to {@code limit} undelivered notifications, oldest first, that no other worker holds
   * an unexpired claim on, for {@code lease} (catalog clock). Two workers never get the same
   * notification while its claim lasts; one whose worker died before {@link #markDelivered} comes
   * back after the lease with a higher {@link Notification#attempts()}.
   */
  List<Notification> claimNotifications(String worker, int limit, Duration lease);

  /** Marks a notification delivered: it is never claimed again. {@link IllegalArgumentException} for an id never enqueued. */
  void markDelivered(long id);

  // ---- SLO rollups: per minute counts, the input of burn rates and budgets ----

  /** Sets (replaces) the counts of one minute of an SLO's group. */
  void upsertRollup(String tenant, String slo, String group, long minuteEpoch, long bad, long total);

  /** The rollups of one SLO group with minutes in [fromMinute, toMinute), by minute. */
  List<SloRollup> rollups(String tenant, String slo, String group, long fromMinute, long toMinute);

  @Override
  void close();
}
