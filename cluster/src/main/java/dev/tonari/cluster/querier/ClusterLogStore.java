package dev.tonari.cluster.querier;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.Member;
import dev.tonari.cluster.log.PushLog;
import dev.tonari.cluster.querier.IncompleteReadException.PartitionProblem;
import dev.tonari.cluster.querier.PartitionCoverage.Outcome;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.StreamVolume;
import java.io.IOException;
import java.io.InterruptedIOException;
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
 * in time; then it refreshes the parts to the highest parts revision any ingester reported (read
 * after its snapshot, so an entry flushed while the query ran is in the head answer, in a part at
 * or before that revision, or both, and the merge keeps it once); then it reads the parts. A read
 * that could not cover every partition of the topic throws {@link IncompleteReadException}.
 */
public final class ClusterLogStore implements LogStore {
  /** Brings the parts side up to at least a catalog parts revision before it is read. */
  @FunctionalInterface
  public interface PartsRefresher {
    void refreshTo(long minimumRevision) throws IOException;
  }

  @FunctionalInterface
  private interface HeadCall<T> {
    HeadReply<T> call(Member member) throws IOException;
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
   * @param refresher how {@code parts} is brought to a revision (the store's {@code refreshCatalogueTo})
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

  @Override
  public void append(String tenant, List<StreamBatch> streams) {
    pushLog.append(tenant, streams);
  }

  @Override
  public List<EntryCursor> select(SelectRequest request) throws IOException {
    String tenant = request.tenant();
    List<HeadReply<List<EntryCursor>>> heads = askHeads("select of tenant " + tenant, member -> {
      HeadReply<List<Labels>> streams = client.streams(member.address(), tenant, request.fromNanos(), request.toNanos());
      List<Labels> wanted = matching(streams.value(), request.streamSelector());
      if (wanted.isEmpty()) {
        return new HeadReply<>(streams.state(), List.of());
      }
      return client.entries(member.address(), new HeadRequest.Entries(tenant, wanted, request.fromNanos(), request.toNanos(), request.direction()));
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
    return SourceMerge.mergeSources(sources, request.direction());
  }

  @Override
  public List<Labels> series(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    List<HeadReply<List<Labels>>> heads = askHeads("series of tenant " + tenant, member -> client.streams(member.address(), tenant, fromNanos, toNanos));
    refreshParts(heads);
    TreeSet<Labels> union = new TreeSet<>(parts.series(tenant, selector, fromNanos, toNanos));
    for (HeadReply<List<Labels>> head : heads) {
      union.addAll(matching(head.value(), selector));
    }
    return List.copyOf(union);
  }

  @Override
  public List<String> labelNames(String tenant, long fromNanos, long toNanos) throws IOException {
    List<HeadReply<List<String>>> heads = askHeads("label names of tenant " + tenant, member -> client.labelNames(member.address(), tenant, fromNanos, toNanos));
    refreshParts(heads);
    return union(parts.labelNames(tenant, fromNanos, toNanos), heads);
  }

  @Override
  public List<String> labelValues(String tenant, String name, long fromNanos, long toNanos) throws IOException {
    List<HeadReply<List<String>>> heads = askHeads("values of label " + name + " of tenant " + tenant, member -> client.labelValues(member.address(), tenant, name, fromNanos, toNanos));
    refreshParts(heads);
    return union(parts.labelValues(tenant, name, fromNanos, toNanos), heads);
  }

  /**
   * The sum of the parts' and the heads' volumes per stream. An entry both flushed and still in a
   * head (a flush racing the call) counts twice: volumes are estimates, as Loki's are.
   */
  @Override
  public List<StreamVolume> streamVolumes(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    List<HeadReply<List<StreamVolume>>> heads = askHeads("stream volumes of tenant " + tenant, member -> {
      HeadReply<List<Labels>> streams = client.streams(member.address(), tenant, fromNanos, toNanos);
      List<Labels> wanted = matching(streams.value(), selector);
      if (wanted.isEmpty()) {
        return new HeadReply<>(streams.state(), List.of());
      }
      return client.volumes(member.address(), tenant, wanted, fromNanos, toNanos);
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
    List<HeadReply<List<String>>> heads = askHeads("tenants", member -> client.tenants(member.address()));
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

  private void refreshParts(List<? extends HeadReply<?>> heads) throws IOException {
    long revision = 0;
    for (HeadReply<?> head : heads) {
      revision = Math.max(revision, head.state().flushedPartsRevision());
    }
    refresher.refreshTo(revision);
  }

  /**
   * Calls every live ingester in parallel, each bounded by the ingester timeout, and returns the
   * answers (in member id order) when they cover every partition.
   */
  private <T> List<HeadReply<T>> askHeads(String operation, HeadCall<T> call) throws IOException {
    List<Member> members = catalog.liveMembers(config.ingesterRole());
    Map<Member, Future<HeadReply<T>>> futures = new LinkedHashMap<>();
    for (Member member : members) {
      futures.put(member, calls.submit(() -> call.call(member)));
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
