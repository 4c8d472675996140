package dev.tonari.cluster.ingester;

import dev.tonari.cluster.catalog.CatalogUnavailableException;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.ClusterPartCatalogue;
import dev.tonari.cluster.catalog.FencedException;
import dev.tonari.cluster.catalog.Member;
import dev.tonari.cluster.catalog.OffsetCommit;
import dev.tonari.cluster.log.KafkaSettings;
import dev.tonari.cluster.log.PartitionConsumer;
import dev.tonari.cluster.log.PushLogRecord;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.ForwardingLogStore;
import dev.tonari.store.IndexStats;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.StreamVolume;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.object.ObjectStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ingester: consumes the partitions the consumer group gives it, appends their records to
 * one writer-only {@link DiskLogStore} (its head), and flushes the head to parts when it is big or
 * old or when partitions are taken away. A flush registers its parts and moves the offsets of
 * every owned partition in one {@link ClusterCatalog#commit} (through {@link
 * ClusterPartCatalogue}), so each consumed record ends up in exactly one registered part.
 *
 * <p>Everything but the queries of {@link #head()} runs on the consumer's thread. The store's
 * directory is wiped at start and whenever the head must be dropped: the records are in Kafka,
 * and the catalog's offsets say where to read them again from. The head is dropped (and the
 * group rejoined) when a commit is fenced (another ingester committed one of the partitions
 * since: this one is a zombie), when partitions are lost with the session, and when a revocation
 * could not be committed.
 */
public final class Ingester implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Ingester.class);
  /** A revocation retries its flush this often before it drops the head: the partitions go either way. */
  private static final int REVOCATION_FLUSH_ATTEMPTS = 3;

  /** What this ingester knows of an owned partition. */
  private static final class PartitionState {
    /** The offset the catalog holds for it (what the next commit expects); -1 when none was committed. */
    long committed;
    /** The next offset to append: every record below it is in the head or in parts. */
    long next;
    /** The partition's end when it was assigned; -1 when Kafka could not say. */
    final long endAtAssignment;
    boolean caughtUp;

    PartitionState(long committed, long endAtAssignment) {
      this.committed = committed;
      this.next = Math.max(0, committed);
      this.endAtAssignment = endAtAssignment;
      this.caughtUp = endAtAssignment >= 0 && next >= endAtAssignment;
    }
  }

  private final KafkaSettings kafka;
  private final ClusterCatalog catalog;
  private final ObjectStore objectStore;
  private final IngesterSettings settings;
  private final ClusterPartCatalogue partCatalogue;
  private final PartitionConsumer consumer;
  private final Map<Integer, PartitionState> owned = new TreeMap<>();
  /** Partitions assigned while the catalog could not say where they start: paused, retried after polls. */
  private final Map<Integer, Long> unpositioned = new TreeMap<>();
  /** Per tenant, per partition: the offsets of the records in the head (for the parts' catalog rows). */
  private final Map<String, Map<Integer, long[]>> origins = new HashMap<>();
  private volatile DiskLogStore store;
  private long headLineBytes;
  private long headOldestMillis;
  private long lastHeartbeatMillis;
  private volatile boolean crashed;
  private volatile int fencedCommits;
  private volatile long flushes;
  /**
   * What queriers are told this head holds, published by the consumer thread whenever ownership
   * or replay progress changes, and always before the store is swapped at a drop: a querier that
   * reads an emptied head then also reads that the partitions are not served here.
   */
  private volatile ServedPartitions served = new ServedPartitions(List.of(), false);

  private record ServedPartitions(List<Integer> partitions, boolean complete) {}

  /**
   * Per served partition, the consumer's position after the last poll whose records are all in the
   * head (appended, or skipped as already there or undecodable): published by the consumer thread
   * after each poll, emptied at a drop. Readers wait on {@link #consumedProgress} for it to move.
   */
  private volatile Map<Integer, Long> consumed = Map.of();
  private final Object consumedProgress = new Object();
  /** Asks the brokers for partitions' ends on the query threads (the consumer is the poll thread's alone); opened at the first read. */
  private Admin offsetsAdmin;

  public Ingester(KafkaSettings kafka, ClusterCatalog catalog, ObjectStore objectStore, IngesterSettings settings) throws IOException {
    this.kafka = kafka;
    this.catalog = catalog;
    this.objectStore = objectStore;
    this.settings = settings;
    this.partCatalogue = new ClusterPartCatalogue(catalog);
    this.store = openEmptyStore();
    this.consumer = new PartitionConsumer(kafka, settings.memberId(), new Events());
  }

  /** Joins the consumer group and starts consuming. */
  public void start() {
    consumer.start();
  }

  /**
   * The head for queriers: the records consumed and not yet flushed, as a read-only {@link
   * LogStore} (appends are refused). It follows the ingester's store across drops.
   */
  public LogStore head() {
    return new HeadView();
  }

  /** The catalog's parts revision right after this ingester's last flush registered parts; -1 before. */
  public long flushedRevision() {
    return partCatalogue.lastRegisteredRevision();
  }

  public Set<Integer> ownedPartitions() {
    return consumer.assignment();
  }

  /**
   * The partitions whose records this head holds from the catalog's offsets on (assigned and
   * positioned), in order: what the head query service serves. Unlike {@link #ownedPartitions()}
   * it is empty between a drop and the rejoin.
   */
  public List<Integer> servedPartitions() {
    return served.partitions();
  }

  /** Whether every served partition has been replayed up to the end it had when it was taken (the head is complete for queriers). */
  public boolean headComplete() {
    return served.complete();
  }

  /** The push log topic's partition count. */
  public int partitionCount() {
    return kafka.partitions();
  }

  public String memberId() {
    return settings.memberId();
  }

  /** Commits refused because another ingester had committed the partition since (this one was a zombie). */
  public int fencedCommits() {
    return fencedCommits;
  }

  public long flushes() {
    return flushes;
  }

  /**
   * Stops as kill -9 would: nothing is flushed or committed, the group is not told (it notices
   * after the session timeout), the heartbeat stops. The head is abandoned.
   */
  public void crash() {
    crashed = true;
    served = new ServedPartitions(List.of(), false);
    consumer.crash();
    closeOffsetsAdmin();
    dropStoreQuietly("crash");
  }

  /** Stops cleanly: the partitions are revoked (flushed and committed), the member leaves the catalog. */
  @Override
  public void close() throws IOException {
    if (crashed) {
      return;
    }
    consumer.close();
    closeOffsetsAdmin();
    try {
      catalog.leave(settings.memberId());
    } catch (CatalogUnavailableException e) {
      log.warn("ingester {} could not leave the catalog (its heartbeat expires in {}): {}", settings.memberId(), settings.memberTtl(), e.toString());
    }
    dropStoreQuietly("close");
  }

  // ------------------------------------------------------------------ on the consumer's thread

  private final class Events implements PartitionConsumer.Listener {
    @Override
    public Map<Integer, Long> assigned(Map<Integer, Long> endOffsets) {
      Map<Integer, Long> committed;
      try {
        committed = catalog.committedOffsets(kafka.topic());
      } catch (CatalogUnavailableException e) {
        log.warn("ingester {}: the catalog cannot say where partitions {} start; they wait: {}", settings.memberId(), endOffsets.keySet(), e.toString());
        unpositioned.putAll(endOffsets);
        return Map.of();
      }
      Map<Integer, Long> starts = new HashMap<>();
      endOffsets.forEach((partition, end) -> starts.put(partition, take(partition, committed.getOrDefault(partition, -1L), end)));
      publishServed();
      heartbeat(true);
      return starts;
    }

    @Override
    public void revoked(Set<Integer> partitions) {
      boolean committed = false;
      for (int attempt = 1; attempt <= REVOCATION_FLUSH_ATTEMPTS && !committed && !owned.isEmpty(); attempt++) {
        FlushOutcome outcome = flush("revocation of partitions " + partitions);
        if (outcome == FlushOutcome.FENCED) {
          return; // the head is dropped and the group rejoined
        }
        committed = outcome == FlushOutcome.COMMITTED;
        if (!committed && attempt < REVOCATION_FLUSH_ATTEMPTS) {
          sleep(1000);
        }
      }
      if (!committed && !owned.isEmpty()) {
        // The next owner reads these partitions again from the catalog's offsets: what the head holds of them must go.
        dropAndRejoin("the flush at the revocation of partitions " + partitions + " could not be committed");
        return;
      }
      partitions.forEach(owned::remove);
      partitions.forEach(unpositioned::remove);
      publishServed();
      heartbeat(true);
    }

    @Override
    public void lost(Set<Integer> partitions) {
      dropAndRejoin("partitions " + partitions + " were lost with the session");
    }

    @Override
    public void records(List<PushLogRecord> records) {
      append(records);
    }

    @Override
    public void polled() {
      positionWaitingPartitions();
      updateCaughtUp();
      publishConsumed();
      long now = System.currentTimeMillis();
      if (headLineBytes > 0 && (headLineBytes >= settings.flushHeadBytes() || now - headOldestMillis >= settings.flushAge().toMillis())) {
        flush(headLineBytes >= settings.flushHeadBytes() ? "head of " + headLineBytes + " bytes" : "head older than " + settings.flushAge());
      }
      heartbeat(false);
    }
  }

  /** Registers an assigned partition; returns its start offset. */
  private long take(int partition, long committed, long end) {
    PartitionState state = new PartitionState(committed, end);
    owned.put(partition, state);
    return state.next;
  }

  private void positionWaitingPartitions() {
    if (unpositioned.isEmpty()) {
      return;
    }
    try {
      Map<Integer, Long> committed = catalog.committedOffsets(kafka.topic());
      for (Map.Entry<Integer, Long> waiting : new ArrayList<>(unpositioned.entrySet())) {
        if (consumer.assignment().contains(waiting.getKey())) {
          consumer.startAt(waiting.getKey(), take(waiting.getKey(), committed.getOrDefault(waiting.getKey(), -1L), waiting.getValue()));
        }
        unpositioned.remove(waiting.getKey());
      }
      publishServed();
    } catch (CatalogUnavailableException e) {
      // Still out of reach; the partitions stay paused and this is tried after the next poll.
    }
  }

  private void append(List<PushLogRecord> records) {
    Map<String, List<StreamBatch>> byTenant = new LinkedHashMap<>();
    long bytes = 0;
    List<PushLogRecord> accepted = new ArrayList<>(records.size());
    for (PushLogRecord record : records) {
      PartitionState state = owned.get(record.partition());
      if (state == null || record.offset() < state.next) {
        continue; // a partition given up (or dropped) meanwhile, or a record already in the head
      }
      accepted.add(record);
      byTenant.computeIfAbsent(record.tenant(), ignored -> new ArrayList<>()).addAll(record.streams());
      for (StreamBatch stream : record.streams()) {
        for (LogEntry entry : stream.entries()) {
          bytes += entry.line().length() + 16;
        }
      }
    }
    if (accepted.isEmpty()) {
      return;
    }
    try {
      for (Map.Entry<String, List<StreamBatch>> tenant : byTenant.entrySet()) {
        store.append(tenant.getKey(), tenant.getValue());
      }
    } catch (IOException | RuntimeException e) {
      // Part of the poll may be in the head: start over from what the catalog has.
      log.error("ingester {}: appending {} records to its head failed: {}", settings.memberId(), accepted.size(), e.toString(), e);
      dropAndRejoin("an append to the head failed");
      return;
    }
    if (headLineBytes == 0) {
      headOldestMillis = System.currentTimeMillis();
    }
    headLineBytes += bytes;
    for (PushLogRecord record : accepted) {
      owned.get(record.partition()).next = record.offset() + 1;
      long[] range = origins.computeIfAbsent(record.tenant(), ignored -> new HashMap<>()).computeIfAbsent(record.partition(), ignored -> new long[] {record.offset(), record.offset()});
      range[1] = record.offset();
    }
  }

  private enum FlushOutcome {
    COMMITTED,
    FAILED,
    FENCED
  }

  private FlushOutcome flush(String reason) {
    List<OffsetCommit> offsets = new ArrayList<>(owned.size());
    boolean moved = false;
    for (Map.Entry<Integer, PartitionState> partition : owned.entrySet()) {
      PartitionState state = partition.getValue();
      offsets.add(new OffsetCommit(kafka.topic(), partition.getKey(), state.committed, state.next, settings.memberId()));
      moved |= state.next != state.committed;
    }
    Map<String, ClusterPartCatalogue.Origin> originsByTenant = new HashMap<>();
    origins.forEach((tenant, ranges) -> {
      if (ranges.size() == 1) {
        Map.Entry<Integer, long[]> only = ranges.entrySet().iterator().next();
        originsByTenant.put(tenant, new ClusterPartCatalogue.Origin(only.getKey(), only.getValue()[0], only.getValue()[1]));
      } else {
        originsByTenant.put(tenant, ClusterPartCatalogue.Origin.MIXED);
      }
    });
    partCatalogue.prepareFlush(offsets, originsByTenant);
    try {
      store.flush();
      if (!partCatalogue.registeredSincePrepare() && moved) {
        // Nothing to write (records without entries, or skipped ones): the offsets move on their own.
        catalog.commit(List.of(), List.of(), offsets);
      }
    } catch (IOException | RuntimeException e) {
      if (fenced(e)) {
        fencedCommits++;
        log.warn("ingester {}: its commit was fenced (another ingester committed one of partitions {} since); dropping its head and rejoining: {}", settings.memberId(),
            owned.keySet(), e.toString());
        dropAndRejoin("fenced commit");
        return FlushOutcome.FENCED;
      }
      log.warn("ingester {}: flush ({}) failed, the head is kept and the flush retried: {}", settings.memberId(), reason, e.toString());
      return FlushOutcome.FAILED;
    } finally {
      partCatalogue.clearPreparedFlush();
    }
    for (OffsetCommit commit : offsets) {
      owned.get(commit.partition()).committed = commit.nextOffset();
    }
    origins.clear();
    headLineBytes = 0;
    flushes++;
    return FlushOutcome.COMMITTED;
  }

  private static boolean fenced(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof FencedException) {
        return true;
      }
    }
    return false;
  }

  /** Publishes how far each owned partition is in the head, and wakes the reads waiting for it. */
  private void publishConsumed() {
    Map<Integer, Long> positions = new HashMap<>();
    for (Map.Entry<Integer, PartitionState> partition : owned.entrySet()) {
      long position = partition.getValue().next;
      try {
        position = Math.max(position, consumer.position(partition.getKey()));
      } catch (RuntimeException e) {
        // Revoked under us, or the broker away while the client resolves the position: what was appended still holds.
      }
      positions.put(partition.getKey(), position);
    }
    synchronized (consumedProgress) {
      consumed = Map.copyOf(positions);
      consumedProgress.notifyAll();
    }
  }

  /**
   * Returns once the head holds every record the brokers had acknowledged in {@code partitions}
   * when this was called (their ends, asked now), so that a query started after a push's
   * acknowledgement sees the push; without it the head lags Kafka by a poll. Any thread.
   *
   * @throws IOException naming the partition and offsets when Kafka cannot say its ends, or the
   *     head does not reach them within {@code timeout} (the querier then answers 503, never short)
   */
  public void awaitAcknowledged(Set<Integer> partitions, Duration timeout) throws IOException {
    if (partitions.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
    for (int partition : partitions) {
      wanted.put(new TopicPartition(kafka.topic(), partition), OffsetSpec.latest());
    }
    Map<Integer, Long> ends = new TreeMap<>();
    try {
      offsetsAdmin().listOffsets(wanted, new ListOffsetsOptions().timeoutMs((int) Math.max(1, timeout.toMillis())))
          .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("ingester " + settings.memberId() + " was interrupted asking Kafka the ends of partitions " + partitions);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new IOException("ingester " + settings.memberId() + " cannot tell what Kafka acknowledged in partitions " + partitions + " of topic " + kafka.topic()
          + " within " + timeout.toMillis() + " ms: " + cause, cause);
    }
    synchronized (consumedProgress) {
      while (true) {
        Map<Integer, Long> now = consumed;
        List<Integer> stillServed = served.partitions();
        Integer behind = null;
        for (Map.Entry<Integer, Long> end : ends.entrySet()) {
          // A partition given up meanwhile is left out of the answer's partitions: the querier looks for it elsewhere.
          if (stillServed.contains(end.getKey()) && now.getOrDefault(end.getKey(), -1L) < end.getValue()) {
            behind = end.getKey();
            break;
          }
        }
        if (behind == null) {
          return;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new IOException("ingester " + settings.memberId() + " has partition " + behind + " of topic " + kafka.topic() + " up to offset "
              + now.getOrDefault(behind, -1L) + " in its head, Kafka acknowledged up to " + ends.get(behind) + "; not reached within " + timeout.toMillis() + " ms");
        }
        try {
          consumedProgress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("ingester " + settings.memberId() + " was interrupted waiting for partition " + behind + " to reach offset " + ends.get(behind));
        }
      }
    }
  }

  private synchronized Admin offsetsAdmin() {
    if (offsetsAdmin == null) {
      offsetsAdmin = Admin.create(kafka.adminProperties());
    }
    return offsetsAdmin;
  }

  private synchronized void closeOffsetsAdmin() {
    if (offsetsAdmin != null) {
      try {
        offsetsAdmin.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.warn("ingester {}: closing its offsets client: {}", settings.memberId(), e.toString());
      }
      offsetsAdmin = null;
    }
  }

  /** Drops the head, forgets every partition and asks the group for them again (they then start at the catalog's offsets). */
  private void dropAndRejoin(String why) {
    log.warn("ingester {} drops its head and rejoins the group: {}", settings.memberId(), why);
    owned.clear();
    synchronized (consumedProgress) {
      consumed = Map.of();
      consumedProgress.notifyAll();
    }
    unpositioned.clear();
    origins.clear();
    headLineBytes = 0;
    publishServed();
    dropStoreQuietly(why);
    try {
      store = openEmptyStore();
    } catch (IOException e) {
      throw new UncheckedIOException("ingester " + settings.memberId() + " could not open a new head in " + settings.directory(), e);
    }
    consumer.rejoin();
  }

  private void updateCaughtUp() {
    for (Map.Entry<Integer, PartitionState> partition : owned.entrySet()) {
      PartitionState state = partition.getValue();
      if (!state.caughtUp) {
        state.caughtUp = state.endAtAssignment >= 0 ? state.next >= state.endAtAssignment : consumer.lag(partition.getKey()) == 0;
        if (state.caughtUp) {
          publishServed();
          heartbeat(true);
        }
      }
    }
  }

  private void publishServed() {
    boolean complete = unpositioned.isEmpty() && owned.values().stream().allMatch(state -> state.caughtUp);
    served = new ServedPartitions(List.copyOf(owned.keySet()), complete);
  }

  private void heartbeat(boolean now) {
    long millis = System.currentTimeMillis();
    if (!now && millis - lastHeartbeatMillis < settings.heartbeatInterval().toMillis()) {
      return;
    }
    boolean caughtUp = unpositioned.isEmpty() && owned.values().stream().allMatch(state -> state.caughtUp);
    try {
      catalog.heartbeat(new Member(settings.memberId(), "ingester", settings.address(), List.copyOf(owned.keySet()), caughtUp), settings.memberTtl());
      lastHeartbeatMillis = millis;
    } catch (CatalogUnavailableException e) {
      if (millis - lastHeartbeatMillis >= settings.memberTtl().toMillis()) {
        log.warn("ingester {}: no heartbeat reached the catalog for {}: {}", settings.memberId(), settings.memberTtl(), e.toString());
        lastHeartbeatMillis = millis;
      }
    }
  }

  /** Whether every owned partition has been read up to the end it had when this ingester took it. */
  public boolean caughtUp() {
    return catalog.liveMembers("ingester").stream().anyMatch(member -> member.id().equals(settings.memberId()) && member.caughtUp());
  }

  // ------------------------------------------------------------------ the store

  private DiskLogStore openEmptyStore() throws IOException {
    wipe(settings.directory());
    DiskLogStoreConfig config =
        DiskLogStoreConfig.defaults(settings.directory())
            .withObjectStore(objectStore)
            .withMaintenanceInterval(Duration.ZERO)
            .withRetention(Duration.ZERO, null)
            .withFlushHeadBytes(Long.MAX_VALUE)
            .withPartCatalogue(partCatalogue)
            .withWriterOnly(true);
    // Head reads only: the query's own thread is enough.
    return DiskLogStore.open(config, 0);
  }

  /**
   * Closes the store without registering anything: with no offsets prepared, the close's flush is
   * refused by the part catalogue (its objects stay unregistered orphans for the compactor).
   */
  private void dropStoreQuietly(String why) {
    DiskLogStore dropped = store;
    partCatalogue.clearPreparedFlush();
    try {
      dropped.close();
    } catch (IOException | RuntimeException e) {
      log.debug("ingester {}: the dropped head ({}) was not registered, as intended: {}", settings.memberId(), why, e.toString());
    }
  }

  private static void wipe(Path directory) throws IOException {
    if (Files.exists(directory)) {
      try (Stream<Path> paths = Files.walk(directory)) {
        for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
          if (!path.equals(directory)) {
            Files.delete(path);
          }
        }
      }
    }
    Files.createDirectories(directory);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The head as queriers read it; follows {@link #store} across drops. */
  private final class HeadView extends ForwardingLogStore {
    @Override
    protected LogStore delegate() {
      return store;
    }

    @Override
    public void append(String tenant, List<StreamBatch> streams) throws IOException {
      throw new IOException("the head of ingester " + settings.memberId() + " takes records from Kafka only; append for tenant " + tenant + " refused");
    }

    @Override
    public void close() {
      // The ingester owns the store.
    }
  }
}
