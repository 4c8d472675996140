package dev.tonari.cluster.querier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.cluster.log.PushLog;
import dev.tonari.cluster.querier.IncompleteReadException.PartitionProblem;
import dev.tonari.cluster.querier.IncompleteReadException.Reason;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The querier's store against ingesters serving their heads over real loopback HTTP and parts that
 * are visible only up to the revision the querier refreshed them to.
 */
class ClusterLogStoreTest {
  private static final List<String> TENANTS = List.of("team-a", "team-b");

  /**
   * Splits seeded pushes between flushed parts and the heads of 3 ingesters as a cluster would:
   * for each stream an earlier run of its pushes was flushed, the rest is in its owner's head, and
   * the push at the boundary is in both (a flush racing the ack).
   */
  static InMemoryLogStore load(TestCluster cluster, Random random) throws IOException {
    InMemoryLogStore reference = new InMemoryLogStore();
    List<Labels> streams = RandomLogs.streams(random, 4 + random.nextInt(8));
    List<RandomLogs.Push> pushes = RandomLogs.pushes(random, TENANTS, streams, 50 + random.nextInt(150));
    Map<String, Integer> pushesOfStream = new HashMap<>();
    Map<String, Integer> flushedUpTo = new HashMap<>();
    for (RandomLogs.Push push : pushes) {
      pushesOfStream.merge(push.tenant() + push.batch().labels(), 1, Integer::sum);
    }
    pushesOfStream.forEach((stream, count) -> flushedUpTo.put(stream, random.nextInt(count + 1)));
    Map<String, Integer> seen = new HashMap<>();
    List<PartsSide.Flushed> flushed = new ArrayList<>();
    for (RandomLogs.Push push : pushes) {
      reference.append(push.tenant(), List.of(push.batch()));
      String stream = push.tenant() + push.batch().labels();
      int index = seen.merge(stream, 1, Integer::sum) - 1;
      int boundary = flushedUpTo.get(stream);
      if (index <= boundary) {
        flushed.add(new PartsSide.Flushed(push.tenant(), List.of(push.batch())));
      }
      if (index >= boundary) {
        cluster.owner(push.tenant(), push.batch()).head.append(push.tenant(), List.of(push.batch()));
      }
      if (random.nextInt(40) == 0 && !flushed.isEmpty()) {
        // Several parts, each at its own revision.
        long revision = cluster.parts.flush(flushed);
        flushed = new ArrayList<>();
        cluster.ingesters.get(random.nextInt(cluster.ingesters.size())).flushedRevision.accumulateAndGet(revision, Math::max);
      }
    }
    if (!flushed.isEmpty()) {
      long revision = cluster.parts.flush(flushed);
      cluster.ingesters.get(0).flushedRevision.accumulateAndGet(revision, Math::max);
    }
    return reference;
  }

  @Test
  void partsAndHeadsOfThreeIngestersAnswerExactlyAsOneStoreHoldingAll() throws IOException {
    for (long seed = 0; seed < 25; seed++) {
      Random random = new Random(seed);
      try (TestCluster cluster = new TestCluster(6, 3, new RevisionedParts())) {
        InMemoryLogStore reference = load(cluster, random);
        ClusterLogStore querier = cluster.querier();
        for (int i = 0; i < 12; i++) {
          ClusterReadChecks.assertSameAnswers(querier, reference, ClusterReadChecks.randomQuery(random, TENANTS), "seed " + seed);
        }
        assertThat(querier.tenants()).isEqualTo(reference.tenants());
        for (String tenant : TENANTS) {
          assertThat(ClusterReadChecks.volumeFigures(querier.streamVolumes(tenant, labels -> true, 0, 500)))
              .as("volumes of %s, seed %d", tenant, seed)
              .hasSameSizeAs(reference.streamVolumes(tenant, labels -> true, 0, 500));
        }
      }
    }
  }

  @Test
  void volumesAddThePartsAndTheHeadsWhenNothingIsInBoth() throws IOException {
    try (TestCluster cluster = new TestCluster(4, 2, new RevisionedParts())) {
      InMemoryLogStore reference = new InMemoryLogStore();
      Random random = new Random(8);
      for (RandomLogs.Push push : RandomLogs.pushes(random, TENANTS, RandomLogs.streams(random, 6), 200)) {
        reference.append(push.tenant(), List.of(push.batch()));
        if (random.nextBoolean()) {
          cluster.owner(push.tenant(), push.batch()).head.append(push.tenant(), List.of(push.batch()));
        } else {
          long revision = cluster.parts.flush(List.of(new PartsSide.Flushed(push.tenant(), List.of(push.batch()))));
          cluster.ingesters.get(1).flushedRevision.set(revision);
        }
      }
      ClusterLogStore querier = cluster.querier();
      for (String tenant : TENANTS) {
        // A retried push split across parts and a head counts on both sides: compare only where the reference agrees.
        var expected = ClusterReadChecks.volumeFigures(reference.streamVolumes(tenant, labels -> true, Long.MIN_VALUE, Long.MAX_VALUE));
        var actual = ClusterReadChecks.volumeFigures(querier.streamVolumes(tenant, labels -> true, Long.MIN_VALUE, Long.MAX_VALUE));
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
          assertThat(actual.get(i).get(0)).isEqualTo(expected.get(i).get(0));
          assertThat((Long) actual.get(i).get(1)).isGreaterThanOrEqualTo((Long) expected.get(i).get(1));
        }
      }
    }
  }

  /**
   * A flush runs at a seeded point of a query (before, between or after the two head calls, between
   * the head snapshot and the state it reports, before the parts refresh, before the parts read):
   * every entry comes back exactly once.
   */
  @Test
  void aFlushRacingAQueryNeverLosesOrDoublesAnEntry() throws IOException {
    AtomicInteger flushesThatHit = new AtomicInteger();
    for (long seed = 0; seed < 300; seed++) {
      Random random = new Random(seed);
      RevisionedParts revisioned = new RevisionedParts();
      AtomicInteger countdown = new AtomicInteger(-1);
      AtomicLong points = new AtomicLong();
      TestCluster[] holder = new TestCluster[1];
      HookedParts parts = new HookedParts(revisioned, point -> {
        points.incrementAndGet();
        if (countdown.decrementAndGet() == 0) {
          for (TestCluster.Ingester ingester : holder[0].ingesters) {
            ingester.flush();
          }
          flushesThatHit.incrementAndGet();
        }
      });
      try (TestCluster cluster = new TestCluster(6, 3, parts)) {
        holder[0] = cluster;
        InMemoryLogStore reference = load(cluster, random);
        for (TestCluster.Ingester ingester : cluster.ingesters) {
          ingester.head.hook(parts.hook());
        }
        ClusterLogStore querier = cluster.querier();
        ClusterReadChecks.Query query = ClusterReadChecks.randomQuery(random, TENANTS);
        // A dry run counts the query's points (head calls, parts refresh and read); the flush lands at one of them.
        points.set(0);
        ClusterReadChecks.read(querier, query);
        // The heads answer on parallel threads, so a read may pass fewer points than the dry run
        // did; a read whose flush point was not reached changed nothing and is checked and tried again.
        int hitsBefore = flushesThatHit.get();
        for (int attempt = 0; attempt < 5 && flushesThatHit.get() == hitsBefore; attempt++) {
          long dryRunPoints = Math.max(1, points.getAndSet(0));
          countdown.set(1 + random.nextInt((int) Math.min(Integer.MAX_VALUE, attempt == 0 ? dryRunPoints : Math.max(1, dryRunPoints / 2))));
          List<HeadProtocolTest.Entry> actual = ClusterReadChecks.read(querier, query);
          countdown.set(-1);
          assertThat(actual).as("seed %d, attempt %d, %s", seed, attempt, query).isEqualTo(ClusterReadChecks.read(reference, query));
        }
      }
    }
    assertThat(flushesThatHit.get()).as("every run reached its flush point").isEqualTo(300);
  }

  @Test
  void anIngesterDownMakesItsPartitionsUnreachable() throws IOException {
    try (TestCluster cluster = new TestCluster(6, 3, new RevisionedParts())) {
      load(cluster, new Random(1));
      ClusterLogStore querier = cluster.querier(Duration.ofSeconds(5), null);
      cluster.ingesters.get(1).close();
      assertIncomplete(() -> querier.select(SelectRequest.all("team-a", 0, 1000, Direction.FORWARD)), Reason.UNREACHABLE, List.of(1, 4), "ingester-1 at 127.0.0.1");
      assertIncomplete(() -> querier.series("team-a", labels -> true, 0, 1000), Reason.UNREACHABLE, List.of(1, 4), "ingester-1");
      assertIncomplete(querier::tenants, Reason.UNREACHABLE, List.of(1, 4), "ingester-1");
    }
  }

  @Test
  void anIngesterStillReplayingMakesItsPartitionsIncomplete() throws IOException {
    try (TestCluster cluster = new TestCluster(6, 3, new RevisionedParts())) {
      load(cluster, new Random(2));
      ClusterLogStore querier = cluster.querier();
      cluster.ingesters.get(2).heartbeat(false);
      assertIncomplete(() -> querier.labelNames("team-a", 0, 1000), Reason.REPLAYING, List.of(2, 5), "ingester-2");
      // Caught up by the catalog's record but not by its own answer (it took a partition since).
      cluster.ingesters.get(2).heartbeat(true);
      cluster.ingesters.get(2).reportsCaughtUp = false;
      assertIncomplete(() -> querier.labelValues("team-a", "app", 0, 1000), Reason.REPLAYING, List.of(2, 5), "ingester-2");
      cluster.ingesters.get(2).reportsCaughtUp = true;
      assertThat(querier.labelNames("team-a", 0, 1000)).isNotEmpty();
    }
  }

  @Test
  void aPartitionWithoutOwnerMakesReadsIncomplete() throws IOException {
    try (TestCluster cluster = new TestCluster(6, 3, new RevisionedParts())) {
      load(cluster, new Random(3));
      ClusterLogStore querier = cluster.querier();
      cluster.ingesters.get(0).heartbeat(true, List.of(0));
      assertIncomplete(() -> querier.streamVolumes("team-b", labels -> true, 0, 1000), Reason.NO_OWNER, List.of(3), "no live ingester owns it");
      cluster.catalog.leave("ingester-0");
      assertIncomplete(() -> querier.select(SelectRequest.all("team-b", 0, 1000, Direction.BACKWARD)), Reason.NO_OWNER, List.of(0, 3), "no live ingester");
    }
  }

  @Test
  void anIngesterThatOwnsAPartitionNoLongerIsNotTakenForItsOwner() throws IOException {
    try (TestCluster cluster = new TestCluster(2, 2, new RevisionedParts())) {
      ClusterLogStore querier = cluster.querier();
      // The catalog still lists ingester-1 with partition 1, its answer says it has handed it over.
      TestCluster.Ingester ingester = cluster.ingesters.get(1);
      ingester.server.replace(new HeadQueryService(ingester.head, () -> new HeadState(0, List.of(), true), cluster.partitions, 1 << 20, TestCluster.TOKEN));
      assertIncomplete(() -> querier.tenants(), Reason.UNREACHABLE, List.of(1), "no longer owns it");
    }
  }

  @Test
  void aSilentIngesterTimesOutAndTheReadSaysSo() throws IOException {
    try (TestCluster cluster = new TestCluster(3, 3, new RevisionedParts())) {
      CountDownLatch release = new CountDownLatch(1);
      cluster.ingesters.get(0).head.hook(point -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      // Long enough for the healthy ingesters on a loaded machine; the silent one never answers before it.
      ClusterLogStore querier = cluster.querier(Duration.ofSeconds(3), null);
      try {
        assertIncomplete(() -> querier.series("team-a", labels -> true, 0, 1000), Reason.UNREACHABLE, List.of(0), "3000 ms");
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void anIngesterFailingMidAnswerFailsTheRead() throws IOException {
    try (TestCluster cluster = new TestCluster(1, 1, new RevisionedParts())) {
      TestCluster.Ingester ingester = cluster.ingesters.get(0);
      ingester.head.append("t", List.of(new StreamBatch(Labels.of("app", "a"), List.of(new LogEntry(1, "x"), new LogEntry(2, "y")))));
      ingester.server.replace(new HeadQueryService(new FailingSelectStore(ingester.head, 1), () -> new HeadState(0, List.of(0), true), 1, 1 << 20, TestCluster.TOKEN));
      ClusterLogStore querier = cluster.querier();
      assertIncomplete(() -> querier.select(SelectRequest.all("t", 0, 10, Direction.FORWARD)), Reason.UNREACHABLE, List.of(0), "disk on fire");
    }
  }

  @Test
  void headLinesAreFilteredHereAndCountedByTheScanListener() throws IOException {
    try (TestCluster cluster = new TestCluster(1, 1, new RevisionedParts())) {
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        entries.add(new LogEntry(i, i % 3 == 0 ? "error " + i : "ok " + i));
      }
      cluster.ingesters.get(0).head.append("t", List.of(new StreamBatch(Labels.of("app", "a"), entries)));
      ClusterLogStore querier = cluster.querier();
      AtomicLong scannedLines = new AtomicLong();
      AtomicLong scannedBytes = new AtomicLong();
      SelectRequest request = new SelectRequest("t", labels -> true, 0, 3000, Direction.FORWARD, (buffer, offset, length) -> buffer[offset] == 'e', List.of("error"))
          .withScanListener((lines, bytes) -> {
            scannedLines.addAndGet(lines);
            scannedBytes.addAndGet(bytes);
          });
      int returned = 0;
      for (EntryCursor cursor : querier.select(request)) {
        while (cursor.next()) {
          assertThat(cursor.line()).startsWith("error");
          returned++;
        }
      }
      assertThat(returned).isEqualTo(1000);
      assertThat(scannedLines.get()).isEqualTo(3000);
      assertThat(scannedBytes.get()).isEqualTo(entries.stream().mapToLong(entry -> entry.line().length()).sum());
    }
  }

  @Test
  void appendsGoToThePushLog() throws IOException {
    List<String> appended = new ArrayList<>();
    PushLog pushLog = new PushLog() {
      @Override
      public void append(String tenant, List<StreamBatch> streams) {
        streams.forEach(batch -> appended.add(tenant + " " + batch.labels() + " " + batch.entries().size()));
      }

      @Override
      public void close() {}
    };
    try (TestCluster cluster = new TestCluster(1, 1, new RevisionedParts())) {
      ClusterLogStore querier = cluster.querier(Duration.ofSeconds(5), pushLog);
      querier.append("t", List.of(new StreamBatch(Labels.of("app", "a"), List.of(new LogEntry(1, "x"), new LogEntry(2, "y")))));
      assertThat(appended).containsExactly("t {app=\"a\"} 2");
    }
  }

  @FunctionalInterface
  interface Read {
    void run() throws IOException;
  }

  static void assertIncomplete(Read read, Reason reason, List<Integer> partitions, String detail) {
    assertThatThrownBy(read::run)
        .isInstanceOfSatisfying(IncompleteReadException.class, e -> {
          assertThat(e.problems()).extracting(PartitionProblem::partition).containsExactlyElementsOf(partitions);
          assertThat(e.problems()).extracting(PartitionProblem::reason).containsOnly(reason);
          assertThat(e.getMessage()).contains(detail).contains("retry after 5 s");
          assertThat(e.retryAfterSeconds()).isEqualTo(5);
        });
  }
}
