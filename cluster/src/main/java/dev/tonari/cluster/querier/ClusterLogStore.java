package dev.tonari.cluster.querier;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.ClusterPartCatalogue;
import dev.tonari.cluster.catalog.Member;
import dev.tonari.cluster.log.PushLog;
import dev.tonari.cluster.querier.IncompleteReadException.PartitionProblem;
import dev.tonari.cluster.querier.IncompleteReadException.Reason;
import dev.tonari.cluster.querier.PartitionCoverage.Outcome;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.EntryCursors;
import dev.tonari.store.Labels;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.StreamVolume;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.engine.RemoteStorageOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The querier's store: the flushed parts (through the catalog) plus the unflushed heads of the live
 * ingesters (over {@link HeadClient}), merged per stream with the engine's de-duplication, so the
 * query engine above reads the cluster as one {@link LogStore}. Writes go to the {@link PushLog}.
 *
 * <p>Every read asks the heads first, all ingesters at once on virtual threads, each call bounded
 * by {@code ingester_call_timeout} and naming the partitions the catalog says the ingester owns;
 * only once every answer is in does it refresh the parts to the catalog's current revision and
 * read them. An entry is acknowledged only once it is in Kafka; the ingester owning its partition
 * holds it in its head until a flush registers its part, and drops it from the head only after the
 * registration. So an entry missing from a head snapshot was registered before the snapshot, hence
 * before the refresh that follows the answer, whoever flushed it (this ingester, or the partition's
 * previous owner): it is in the parts read. An entry flushed between the snapshot and the refresh is
 * in both; the merge ({@link EntryCursors#mergeSources}, the engine's own) returns entries equal in
 * stream, timestamp and line once, exactly as one {@link dev.tonari.store.engine.DiskLogStore}
 * does with its heads and parts. The parts served must also be at least at every revision an
 * ingester reported its flushes reached (a catalog replica lagging behind the primary would break
 * that): otherwise, and whenever a partition is not covered by a caught-up owner that answered,
 * the read throws {@link IncompleteReadException} (503 with Retry-After): never a silently
 * incomplete answer.
 */
public final class ClusterLogStore implements LogStore {
  /** Brings the parts side up to the catalog's current parts revision before it is read. */
  @FunctionalInterface
  public interface PartsRefresher {
    /** Refreshes and returns the catalog parts revision now served. */
    long refreshToLatest() throws IOException;

    /**
     * Parts the catalog names at the revision served that could not be opened (their objects are
     * gone): reads fail rather than answer without them. Zero unless the refresher can tell.
     */
    default long missingParts() {
      return 0;
    }

    /**
     * The refresher of a catalogued {@link DiskLogStore}. The store serves what it could open and
     * counts the catalogued parts it could not ({@code cataloguedPartsMissing}, at each load that
     * meets them; a load retries every part it does not serve). So a load that counted some leaves
     * the revision incomplete until a later load counts none.
     */
    static PartsRefresher of(DiskLogStore store) {
      return new PartsRefresher() {
        // Parts missing when the store was opened are missing at the revision it serves.
        private long countSeen = store.metrics().cataloguedPartsMissing();
        private long missingAtServedRevision = countSeen;

        @Override
        public synchronized long refreshToLatest() throws IOException {
          long before = store.catalogueRevision();
          store.refreshCatalogue();
          long after = store.catalogueRevision();
          long count = store.metrics().cataloguedPartsMissing();
          if (count > countSeen) {
            missingAtServedRevision = count - countSeen;
          } else if (after != before) {
            missingAtServedRevision = 0;
          }
          countSeen = count;
          return after;
        }

        @Override
        public synchronized long missingParts() {
          return missingAtServedRevision;
        }
      };
    }
  }

  @FunctionalInterface
  private interface HeadCall<T> {
    /** Asks one ingester about the given partitions of its head. */
    HeadReply<T> call(Member member, List<Integer> partitions) throws IOException;
  }

  private final ClusterCatalog catalog;
  private final LogStore parts;
  private final PartsRefresher refresher;
  private final HeadClient client;
  private final PushLog pushLog;
  private final ClusterQuerierConfig config;
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * @param parts the read-only store over the catalog's parts; closed with this store
   * @param refresher how {@code parts} is brought to the catalog's current revision ({@link PartsRefresher#of})
   * @param client the head protocol's client; closed with this store
   * @param pushLog where appends go; not closed here (the wiring shares it)
   */
  public ClusterLogStore(ClusterCatalog catalog, LogStore parts, PartsRefresher refresher, HeadClient client, PushLog pushLog, ClusterQuerierConfig config) {
    this.catalog = catalog;
    this.parts = parts;
    this.refresher = refresher;
    this.client = client;
    this.pushLog = pushLog;
    this.config = config;
  }

  /**
   * The querier as the server wires it: a read-only store over the catalog's parts in {@code
   * partsConfig}'s object store (its data directory holds only the block cache and temporary
   * files), a head client with {@code config}'s limits and token.
   *
   * @param partsConfig the store's settings (object store, cache, remote options); its part
   *     catalogue and read-only flag are set here
   * @param pushLog where appends go; not closed by {@link #close()}
   */
  public static ClusterLogStore open(ClusterCatalog catalog, DiskLogStoreConfig partsConfig, PushLog pushLog, ClusterQuerierConfig config) throws IOException {
    RemoteStorageOptions remote = partsConfig.remote() == null ? RemoteStorageOptions.defaults() : partsConfig.remote();
    DiskLogStoreConfig readOnly =
        partsConfig.withPartCatalogue(new ClusterPartCatalogue(catalog)).withRemote(remote.withReadOnly(true, remote.catalogueRefresh())).withRetention(Duration.ZERO, null);
    DiskLogStore parts = DiskLogStore.open(readOnly);
    return new ClusterLogStore(catalog, parts, PartsRefresher.of(parts), new HeadClient(config), pushLog, config);
  }

  @Override
  public void append(String tenant, List<StreamBatch> streams) {
    pushLog.append(tenant, streams);
  }

  @Override
  public List<EntryCursor> select(SelectRequest request) throws IOException {
    String tenant = request.tenant();
    List<HeadReply<List<EntryCursor>>> heads = askHeads("select of tenant " + tenant, (member, partitions) -> {
      HeadReply<List<Labels>> streams = client.streams(member.address(), partitions, tenant, request.fromNanos(), request.toNanos());
      List<Labels> wanted = matching(streams.value(), request.streamSelector());
      if (wanted.isEmpty()) {
        return new HeadReply<>(streams.state(), List.of());
      }
      HeadReply<List<EntryCursor>> entries = client.entries(member.address(), partitions, new HeadRequest.Entries(tenant, wanted, request.fromNanos(), request.toNanos(), request.direction()));
      // The two calls are two snapshots: the partitions served are those both answers say.
      List<Integer> both = new ArrayList<>(entries.state().partitions());
      both.retainAll(streams.state().partitions());
      return new HeadReply<>(new HeadState(entries.state().flushedPartsRevision(), both, entries.state().caughtUp() && streams.state().caughtUp()), entries.value());
    });
    refreshParts(heads);
    List<List<EntryCursor>> sources = new ArrayList<>(heads.size() + 1);
    // Parts first: they hold the earlier pushes, which the merge puts first among equal timestamps.
    sources.add(parts.select(request));
    for (HeadReply<List<EntryCursor>> head : heads) {
      List<EntryCursor> filtered = new ArrayList<>(head.value().size());
      for (EntryCursor cursor : head.value()) {
        filtered.add(new FilteringHeadCursor(cursor, request.lineFilter(), request.scanListener()));
      }
      sources.add(filtered);
    }
    return EntryCursors.mergeSources(sources, request.direction());
  }

  @Override
  public List<Labels> series(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    List<HeadReply<List<Labels>>> heads = askHeads("series of tenant " + tenant, (member, partitions) -> client.streams(member.address(), partitions, tenant, fromNanos, toNanos));
    refreshParts(heads);
    TreeSet<Labels> union = new TreeSet<>(parts.series(tenant, selector, fromNanos, toNanos));
    for (HeadReply<List<Labels>> head : heads) {
      union.addAll(matching(head.value(), selector));
    }
    return List.copyOf(union);
  }

  @Override
  public List<String> labelNames(String tenant, long fromNanos, long toNanos) throws IOException {
    List<HeadReply<List<String>>> heads = askHeads("label names of tenant " + tenant, (member, partitions) -> client.labelNames(member.address(), partitions, tenant, fromNanos, toNanos));
    refreshParts(heads);
    return union(parts.labelNames(tenant, fromNanos, toNanos), heads);
  }

  @Override
  public List<String> labelValues(String tenant, String name, long fromNanos, long toNanos) throws IOException {
    List<HeadReply<List<String>>> heads = askHeads("values of label " + name + " of tenant " + tenant, (member, partitions) -> client.labelValues(member.address(), partitions, tenant, name, fromNanos, toNanos));
    refreshParts(heads);
    return union(parts.labelValues(tenant, name, fromNanos, toNanos), heads);
  }

  /**
   * The sum of the parts' and the heads' volumes per stream. An entry both flushed and still in a
   * head (a flush racing the call) counts twice: volumes are estimates, as Loki's are.
   */
  @Override
  public List<StreamVolume> streamVolumes(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    List<HeadReply<List<StreamVolume>>> heads = askHeads("stream volumes of tenant " + tenant, (member, partitions) -> {
      HeadReply<List<Labels>> streams = client.streams(member.address(), partitions, tenant, fromNanos, toNanos);
      List<Labels> wanted = matching(streams.value(), selector);
      if (wanted.isEmpty()) {
        return new HeadReply<>(streams.state(), List.of());
      }
      return client.volumes(member.address(), partitions, tenant, wanted, fromNanos, toNanos);
    });
    refreshParts(heads);
    TreeMap<Labels, StreamVolume> sums = new TreeMap<>();
    List<List<StreamVolume>> all = new ArrayList<>();
    all.add(parts.streamVolumes(tenant, selector, fromNanos, toNanos));
    heads.forEach(head -> all.add(head.value()));
    for (List<StreamVolume> volumes : all) {
      for (StreamVolume volume : volumes) {
        sums.merge(volume.labels(), volume, (left, right) -> new StreamVolume(left.labels(), left.chunks() + right.chunks(), left.bytes() + right.bytes(), left.entries() + right.entries()));
      }
    }
    return List.copyOf(sums.values());
  }

  @Override
  public List<String> tenants() throws IOException {
    List<HeadReply<List<String>>> heads = askHeads("tenants", (member, partitions) -> client.tenants(member.address(), partitions));
    refreshParts(heads);
    return union(parts.tenants(), heads);
  }

  @Override
  public void close() throws IOException {
    calls.shutdownNow();
    client.close();
    parts.close();
  }

  private static List<Labels> matching(List<Labels> streams, Predicate<Labels> selector) {
    List<Labels> wanted = new ArrayList<>();
    for (Labels labels : streams) {
      if (selector.test(labels)) {
        wanted.add(labels);
      }
    }
    return wanted;
  }

  private static List<String> union(List<String> fromParts, List<HeadReply<List<String>>> heads) {
    TreeSet<String> union = new TreeSet<>(fromParts);
    heads.forEach(head -> union.addAll(head.value()));
    return List.copyOf(union);
  }

  /**
   * Refreshes the parts after every head answered (see the class comment for why that order
   * makes the merge exactly-once) and checks they reached every revision an ingester reported.
   */
  private void refreshParts(List<? extends HeadReply<?>> heads) throws IOException {
    long reported = Long.MIN_VALUE;
    for (HeadReply<?> head : heads) {
      reported = Math.max(reported, head.state().flushedPartsRevision());
    }
    long served = refresher.refreshToLatest();
    long missing = refresher.missingParts();
    if (missing > 0) {
      throw new IncompleteReadException(
          "reading the parts", List.of(new PartitionProblem(-1, Reason.PARTS_MISSING, missing + " parts the catalog names at revision " + served + " are not in the object store (see the store's log for their keys)")),
          config.retryAfter());
    }
    if (served < reported) {
      throw new IncompleteReadException(
          "reading the parts", List.of(new PartitionProblem(-1, Reason.CATALOG_BEHIND, "the catalog serves parts revision " + served + ", an ingester's flushes reached " + reported)),
          config.retryAfter());
    }
  }

  /**
   * Calls every live ingester in parallel, each bounded by the ingester timeout, and returns the
   * answers (in member id order) when they cover every partition.
   */
  private <T> List<HeadReply<T>> askHeads(String operation, HeadCall<T> call) throws IOException {
    List<Member> members = catalog.liveMembers(config.ingesterRole());
    Map<Member, Future<HeadReply<T>>> futures = new LinkedHashMap<>();
    for (Member member : members) {
      // A member that owns nothing covers nothing (and an empty list would ask for all it owns).
      if (!member.partitions().isEmpty()) {
        futures.put(member, calls.submit(() -> call.call(member, member.partitions())));
      }
    }
    // The client bounds each exchange itself; this deadline only catches a call stuck outside it.
    long deadline = System.nanoTime() + config.ingesterTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
    Map<String, Outcome> outcomes = new HashMap<>();
    List<HeadReply<T>> replies = new ArrayList<>();
    try {
      for (Map.Entry<Member, Future<HeadReply<T>>> entry : futures.entrySet()) {
        Member member = entry.getKey();
        try {
          HeadReply<T> reply = entry.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          outcomes.put(member.id(), new Outcome.Answered(reply.state()));
          replies.add(reply);
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          outcomes.put(member.id(), new Outcome.Failed(cause == null ? e.toString() : cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        } catch (TimeoutException e) {
          entry.getValue().cancel(true);
          outcomes.put(member.id(), new Outcome.Failed("no answer within " + config.ingesterTimeout().toMillis() + " ms"));
        }
      }
    } catch (InterruptedException e) {
      futures.values().forEach(future -> future.cancel(true));
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(operation + " was interrupted while asking the ingesters");
    }
    List<PartitionProblem> problems = PartitionCoverage.problems(config.partitions(), members, outcomes);
    if (!problems.isEmpty()) {
      throw new IncompleteReadException(operation, problems, config.retryAfter());
    }
    return replies;
  }
}
