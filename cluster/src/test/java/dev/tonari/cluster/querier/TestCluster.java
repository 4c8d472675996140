package dev.tonari.cluster.querier;

import dev.tonari.cluster.catalog.InMemoryClusterCatalog;
import dev.tonari.cluster.catalog.Member;
import dev.tonari.cluster.log.PushLog;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingesters with real head services on loopback HTTP, a catalog in the heap, a parts side, and
 * queriers over them: ingester i owns partitions i, i + n, i + 2n, ...
 */
final class TestCluster implements AutoCloseable {
  /** The cluster's internal token in tests. */
  static final String TOKEN = "test-internal-token";

  final class Ingester implements AutoCloseable {
    final String id;
    final List<Integer> partitions;
    final SwappableHead head = new SwappableHead();
    final AtomicLong flushedRevision = new AtomicLong();
    volatile boolean reportsCaughtUp = true;
    final LoopbackHeadServer server;

    Ingester(String id, List<Integer> partitions) throws IOException {
      this.id = id;
      this.partitions = partitions;
      server = new LoopbackHeadServer(new HeadQueryService(head, () -> new HeadState(flushedRevision.get(), this.partitions, reportsCaughtUp), TestCluster.this.partitions, 1 << 24, TOKEN));
    }

    void heartbeat(boolean caughtUp) {
      heartbeat(caughtUp, partitions);
    }

    void heartbeat(boolean caughtUp, List<Integer> owned) {
      catalog.heartbeat(new Member(id, "ingester", server.address(), owned, caughtUp), Duration.ofMinutes(5));
    }

    /** As an ingester flushes: the parts are registered first, the head dropped after. */
    void flush() throws IOException {
      InMemoryLogStore content = head.current();
      List<PartsSide.Flushed> batches = new ArrayList<>();
      for (String tenant : content.tenants()) {
        List<StreamBatch> streams = new ArrayList<>();
        for (EntryCursor cursor : content.select(SelectRequest.all(tenant, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD))) {
          List<LogEntry> entries = new ArrayList<>();
          while (cursor.next()) {
            entries.add(new LogEntry(cursor.timestamp(), cursor.line(), cursor.metadata()));
          }
          streams.add(new StreamBatch(cursor.labels(), entries));
        }
        batches.add(new PartsSide.Flushed(tenant, streams));
      }
      if (batches.isEmpty()) {
        return;
      }
      long revision = parts.flush(batches);
      flushedRevision.accumulateAndGet(revision, Math::max);
      head.swap();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  final InMemoryClusterCatalog catalog = new InMemoryClusterCatalog();
  final PartsSide parts;
  final int partitions;
  final List<Ingester> ingesters = new ArrayList<>();
  final List<ClusterLogStore> queriers = new ArrayList<>();

  TestCluster(int partitions, int ingesterCount, PartsSide parts) throws IOException {
    this.partitions = partitions;
    this.parts = parts;
    for (int i = 0; i < ingesterCount; i++) {
      List<Integer> owned = new ArrayList<>();
      for (int partition = i; partition < partitions; partition += ingesterCount) {
        owned.add(partition);
      }
      Ingester ingester = new Ingester("ingester-" + i, owned);
      ingesters.add(ingester);
      ingester.heartbeat(true);
    }
  }

  Ingester owner(String tenant, StreamBatch batch) {
    int partition = PushLog.partitionOf(tenant, batch.labels().toString(), partitions);
    return ingesters.get(partition % ingesters.size());
  }

  ClusterLogStore querier(Duration timeout, PushLog pushLog) {
    ClusterQuerierConfig config = ClusterQuerierConfig.defaults(partitions, TOKEN).withIngesterTimeout(timeout);
    ClusterLogStore querier = new ClusterLogStore(catalog, parts.store(), parts.refresher(), new HeadClient(1 << 26, timeout, TOKEN), pushLog, config);
    queriers.add(querier);
    return querier;
  }

  ClusterLogStore querier() {
    return querier(Duration.ofSeconds(20), null);
  }

  @Override
  public void close() throws IOException {
    for (Ingester ingester : ingesters) {
      ingester.close();
    }
    for (ClusterLogStore querier : queriers) {
      querier.close();
    }
    parts.close();
  }
}
