package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.object.LocalObjectStore;
import dev.tonari.store.object.ObjectInfo;
import dev.tonari.store.object.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DiskLogStore with a {@link PartCatalogue}: the hooks that let ingesters, queriers and a compactor share a bucket. */
class DiskLogStoreCatalogueTest {
  private static final Instant START = Instant.parse("2026-01-10T00:00:00Z");
  private static final Labels API = Labels.of("app", "api");
  private static final Labels WEB = Labels.of("app", "web");

  @TempDir Path directory;
  private final MutableClock clock = new MutableClock(START);
  private ObjectStore objects;

  @BeforeEach
  void openObjectStore() throws IOException {
    objects = new LocalObjectStore(directory.resolve("bucket"));
  }

  @AfterEach
  void closeObjectStore() throws Exception {
    objects.close();
  }

  private DiskLogStoreConfig config(String node, PartCatalogue catalogue) {
    return DiskLogStoreContractTest.testConfig(directory.resolve(node)).withClock(clock).withObjectStore(objects).withPartCatalogue(catalogue);
  }

  private DiskLogStoreConfig follower(String node, PartCatalogue catalogue) {
    return config(node, catalogue).withRemote(RemoteStorageOptions.defaults().withReadOnly(true, Duration.ofSeconds(10)));
  }

  private static List<StreamBatch> batch(Labels labels, long timestamp, String line) {
    return List.of(new StreamBatch(labels, List.of(new LogEntry(timestamp, line))));
  }

  private static Map<String, Integer> readAll(DiskLogStore store, String tenant) throws IOException {
    return count(store.select(SelectRequest.all(tenant, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD)));
  }

  private static Map<String, Integer> count(List<EntryCursor> cursors) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    for (EntryCursor cursor : cursors) {
      try (cursor) {
        while (cursor.next()) {
          counts.merge(cursor.labels() + " " + cursor.timestamp() + " " + cursor.line(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  private Set<String> partObjects() throws IOException {
    Set<String> keys = new TreeSet<>();
    for (ObjectInfo info : objects.list("")) {
      if (PartHandle.parse(info.key()) != null) {
        keys.add(info.key());
      }
    }
    return keys;
  }

  /** Appends {@code count} entries of two streams to the tenant and records them as expected. */
  private static void appendEntries(DiskLogStore store, String tenant, int first, int count, Map<String, Integer> expected) throws IOException {
    for (int i = first; i < first + count; i++) {
      Labels labels = i % 2 == 0 ? API : WEB;
      store.append(tenant, batch(labels, 1000 + i, tenant + " line " + i));
      expected.put(labels + " " + (1000 + i) + " " + tenant + " line " + i, 1);
    }
  }

  @Test
  void aFailedRegistrationLeavesInvisibleOrphansAndTheRetriedFlushLosesAndDoublesNothing() throws IOException {
    InMemoryPartCatalogue catalogue = new InMemoryPartCatalogue(true);
    Map<String, Integer> expectedA = new HashMap<>();
    Map<String, Integer> expectedB = new HashMap<>();
    try (DiskLogStore writer = DiskLogStore.open(config("writer", catalogue), 0)) {
      appendEntries(writer, "a", 0, 50, expectedA);
      appendEntries(writer, "b", 0, 30, expectedB);
      catalogue.failNextRegistrations(1);
      assertThatThrownBy(writer::flush).isInstanceOf(IOException.class).hasMessageContaining("registering the parts of a flush").hasMessageContaining("injected failure");
      Set<String> orphans = partObjects();
      assertThat(orphans).as("both tenants' parts were published before the registration").hasSize(2);
      assertThat(catalogue.partKeys()).isEmpty();
      // The frozen head is still served, once.
      assertThat(readAll(writer, "a")).isEqualTo(expectedA);
      try (DiskLogStore reader = DiskLogStore.open(follower("reader", catalogue), 0)) {
        assertThat(readAll(reader, "a")).as("orphans are invisible").isEmpty();
        appendEntries(writer, "a", 50, 10, expectedA);
        writer.flush();
        assertThat(catalogue.registrations()).as("one registration per flush, with every tenant's part").hasSize(1);
        assertThat(catalogue.registrations().get(0).added()).extracting(PartCatalogue.PublishedPart::tenant).containsExactlyInAnyOrder("a", "a", "b");
        assertThat(catalogue.registrations().get(0).added()).allSatisfy(part -> assertThat(orphans).doesNotContain(part.key()));
        assertThat(reader.refreshCatalogue()).isEqualTo(3);
        assertThat(readAll(reader, "a")).isEqualTo(expectedA);
        assertThat(readAll(reader, "b")).isEqualTo(expectedB);
        assertThat(readAll(writer, "a")).isEqualTo(expectedA);
        long entries = catalogue.registrations().get(0).added().stream().mapToLong(PartCatalogue.PublishedPart::entries).sum();
        assertThat(entries).isEqualTo(expectedA.size() + expectedB.size());
        // The owner sweeps what no catalogue entry names.
        Set<String> unnamed = new TreeSet<>(partObjects());
        unnamed.removeAll(catalogue.partKeys());
        assertThat(unnamed).isEqualTo(orphans);
        writer.purgeParts(unnamed);
        assertThat(partObjects()).isEqualTo(catalogue.partKeys());
        assertThat(readAll(reader, "a")).isEqualTo(expectedA);
      }
    }
  }

  @Test
  void twoWritersSharingTheCatalogueNeverPickOneKey() throws Exception {
    InMemoryPartCatalogue catalogue = new InMemoryPartCatalogue(true);
    Map<String, Integer> expected = new java.util.concurrent.ConcurrentHashMap<>();
    try (DiskLogStore first = DiskLogStore.open(config("ingester-1", catalogue).withWriterOnly(true), 0);
        DiskLogStore second = DiskLogStore.open(config("ingester-2", catalogue).withWriterOnly(true), 0);
        ExecutorService threads = Executors.newFixedThreadPool(2)) {
      List<Future<?>> done = new ArrayList<>();
      DiskLogStore[] writers = {first, second};
      for (int w = 0; w < 2; w++) {
        DiskLogStore writer = writers[w];
        int node = w;
        done.add(
            threads.submit(
                () -> {
                  Random random = new Random(node);
                  for (int round = 0; round < 15; round++) {
                    Map<String, Integer> local = new HashMap<>();
                    appendEntries(writer, "t", node * 100_000 + round * 100, 1 + random.nextInt(20), local);
                    expected.putAll(local);
                    writer.flush();
                  }
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
      assertThat(catalogue.registrations()).hasSize(30);
      assertThat(partObjects()).isEqualTo(catalogue.partKeys()).hasSize(30);
      try (DiskLogStore reader = DiskLogStore.open(follower("querier", catalogue), 0)) {
        assertThat(readAll(reader, "t")).isEqualTo(expected);
      }
    }
  }

  @Test
  void aFollowerServesExactlyTheCataloguedPartsAndFollowsMergesThatLeaveInputsUntilPurged() throws IOException {
    InMemoryPartCatalogue catalogue = new InMemoryPartCatalogue(true);
    Map<String, Integer> expected = new HashMap<>();
    DiskLogStoreConfig compactorConfig = config("compactor", catalogue).withMergePolicy(new MergePolicy(3, 4));
    try (DiskLogStore writer = DiskLogStore.open(compactorConfig, 0)) {
      for (int flush = 0; flush < 3; flush++) {
        appendEntries(writer, "t", flush * 10, 10, expected);
        writer.flush();
      }
      // A part that another process registered but whose object is gone: logged and counted.
      String missing = PartHandle.key("t", 0, 999_999);
      catalogue.registerKeyOnly(missing);
      try (DiskLogStore follower = DiskLogStore.open(follower("querier", catalogue), 0)) {
        Set<String> served = new TreeSet<>(follower.partKeys("t"));
        Set<String> catalogued = new TreeSet<>(catalogue.partKeys());
        catalogued.remove(missing);
        assertThat(served).isEqualTo(catalogued).hasSize(3);
        assertThat(follower.metrics().cataloguedPartsMissing()).isEqualTo(1);
        assertThat(readAll(follower, "t")).isEqualTo(expected);

        Set<String> inputs = new TreeSet<>(writer.partKeys("t"));
        int reads = catalogue.partKeyReads();
        clock.advance(Duration.ofSeconds(11));
        follower.maintain();
        assertThat(catalogue.partKeyReads()).as("unchanged revision: no re-read of the catalogue").isEqualTo(reads);

        assertThat(writer.mergeOnce()).isTrue();
        InMemoryPartCatalogue.Registration merge = catalogue.registrations().get(catalogue.registrations().size() - 1);
        assertThat(merge.added()).hasSize(1);
        assertThat(new TreeSet<>(merge.removed())).isEqualTo(inputs);
        assertThat(partObjects()).as("inputs stay until purged").containsAll(inputs);
        // Before it refreshes the follower still reads the inputs, whose objects are still there.
        assertThat(readAll(follower, "t")).isEqualTo(expected);
        follower.maintain();
        assertThat(follower.partKeys("t")).as("refresh waits for its interval").containsExactlyElementsOf(inputs);
        clock.advance(Duration.ofSeconds(11));
        follower.maintain();
        assertThat(follower.partKeys("t")).containsExactly(merge.added().get(0).key());
        assertThat(readAll(follower, "t")).isEqualTo(expected);
        assertThatThrownBy(() -> follower.purgeParts(inputs)).isInstanceOf(IOException.class).hasMessageContaining("read-only");
        writer.purgeParts(inputs);
        assertThat(partObjects()).containsExactly(merge.added().get(0).key());
        assertThat(readAll(follower, "t")).isEqualTo(expected);
        assertThatThrownBy(() -> writer.purgeParts(List.of(merge.added().get(0).key()))).isInstanceOf(IllegalStateException.class).hasMessageContaining("still serves");
      }
    }
  }

  @Test
  void aFailedMergeRegistrationChangesNothingThatReadersSee() throws IOException {
    InMemoryPartCatalogue catalogue = new InMemoryPartCatalogue(false);
    Map<String, Integer> expected = new HashMap<>();
    try (DiskLogStore writer = DiskLogStore.open(config("compactor", catalogue).withMergePolicy(new MergePolicy(2, 4)), 0)) {
      for (int flush = 0; flush < 2; flush++) {
        appendEntries(writer, "t", flush * 10, 10, expected);
        writer.flush();
      }
      Set<String> inputs = new TreeSet<>(writer.partKeys("t"));
      catalogue.failNextRegistrations(1);
      assertThatThrownBy(writer::mergeOnce).isInstanceOf(IOException.class).hasMessageContaining("merge of tenant t");
      assertThat(writer.partKeys("t")).containsExactlyElementsOf(inputs);
      assertThat(catalogue.partKeys()).isEqualTo(inputs);
      assertThat(readAll(writer, "t")).isEqualTo(expected);
      assertThat(writer.mergeOnce()).isTrue();
      // This catalogue lets the store delete what it merged away.
      assertThat(partObjects()).containsAll(catalogue.partKeys()).doesNotContainAnyElementsOf(inputs);
      assertThat(readAll(writer, "t")).isEqualTo(expected);
    }
  }

  @Test
  void aWriterOnlyStoreServesItsHeadsOnlyAndItsCursorsSurviveAConcurrentFlush() throws IOException {
    InMemoryPartCatalogue catalogue = new InMemoryPartCatalogue(true);
    Map<String, Integer> flushed = new HashMap<>();
    Map<String, Integer> head = new HashMap<>();
    try (DiskLogStore ingester = DiskLogStore.open(config("ingester", catalogue).withWriterOnly(true), 0)) {
      assertThat(ingester.isWriterOnly()).isTrue();
      assertThat(ingester.liveHeadAge()).isEqualTo(Duration.ZERO);
      appendEntries(ingester, "t", 0, 20, flushed);
      clock.advance(Duration.ofSeconds(7));
      assertThat(ingester.liveHeadAge()).isEqualTo(Duration.ofSeconds(7));
      assertThat(ingester.headBytes()).isPositive();
      ingester.flush();
      assertThat(ingester.headBytes()).isZero();
      assertThat(readAll(ingester, "t")).as("flushed parts are not kept open").isEmpty();
      assertThat(ingester.partKeys("t")).isEmpty();
      assertThat(catalogue.partKeys()).hasSize(1);

      ingester.append("t", batch(Labels.of("app", "db"), 5000, "head line"));
      head.put(Labels.of("app", "db") + " 5000 head line", 1);
      appendEntries(ingester, "t", 100, 10, head);
      assertThat(ingester.series("t", labels -> true, Long.MIN_VALUE, Long.MAX_VALUE)).containsExactlyInAnyOrder(API, WEB, Labels.of("app", "db"));
      assertThat(ingester.labelValues("t", "app", Long.MIN_VALUE, Long.MAX_VALUE)).containsExactly("api", "db", "web");
      assertThat(ingester.labelNames("t", Long.MIN_VALUE, Long.MAX_VALUE)).containsExactly("app");

      List<EntryCursor> cursors = ingester.select(SelectRequest.all("t", Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD));
      ingester.flush();
      assertThat(count(cursors)).as("cursors taken before the flush deliver the flushed head").isEqualTo(head);
      assertThat(readAll(ingester, "t")).isEmpty();
      assertThat(ingester.mergeOnce()).isFalse();
      assertThat(ingester.applyRetention()).isZero();

      Map<String, Integer> everything = new HashMap<>(flushed);
      everything.putAll(head);
      try (DiskLogStore querier = DiskLogStore.open(follower("querier", catalogue), 0)) {
        assertThat(readAll(querier, "t")).isEqualTo(everything);
      }
    }
    // Reopened, it still loads no parts (and has nothing left to replay).
    try (DiskLogStore ingester = DiskLogStore.open(config("ingester", catalogue).withWriterOnly(true), 0)) {
      assertThat(readAll(ingester, "t")).isEmpty();
    }
  }

  @Test
  void aWriterOnlyStoreReplaysUnflushedEntriesAfterACrash() throws IOException {
    InMemoryPartCatalogue catalogue = new InMemoryPartCatalogue(true);
    Map<String, Integer> head = new HashMap<>();
    DiskLogStore crashed = DiskLogStore.open(config("ingester", catalogue).withWriterOnly(true), 0);
    appendEntries(crashed, "t", 0, 10, new HashMap<>());
    crashed.flush();
    appendEntries(crashed, "t", 10, 10, head);
    crashed.abandonWithoutFlush();
    try (DiskLogStore ingester = DiskLogStore.open(config("ingester", catalogue).withWriterOnly(true), 0)) {
      assertThat(readAll(ingester, "t")).isEqualTo(head);
    }
  }

  @Test
  void refreshCatalogueToRefreshesOnlyWhenBehindTheAskedRevision() throws IOException {
    InMemoryPartCatalogue catalogue = new InMemoryPartCatalogue(true);
    Map<String, Integer> expected = new HashMap<>();
    try (DiskLogStore ingester = DiskLogStore.open(config("ingester", catalogue).withWriterOnly(true), 0);
        DiskLogStore querier = DiskLogStore.open(follower("querier", catalogue), 0)) {
      assertThat(querier.catalogueRevision()).isZero();
      appendEntries(ingester, "t", 0, 10, expected);
      ingester.flush();
      long flushedAt = catalogue.revision();
      int reads = catalogue.partKeyReads();
      assertThat(querier.refreshCatalogueTo(0)).as("already there").isZero();
      assertThat(catalogue.partKeyReads()).isEqualTo(reads);
      assertThat(readAll(querier, "t")).isEmpty();
      assertThat(querier.refreshCatalogueTo(flushedAt)).isEqualTo(flushedAt);
      assertThat(readAll(querier, "t")).isEqualTo(expected);
      assertThat(querier.refreshCatalogue()).as("nothing moved").isZero();
      assertThat(catalogue.partKeyReads()).isEqualTo(reads + 1);
    }
  }

  @Test
  void aWriterOnlyStoreNeedsACatalogue() {
    assertThatThrownBy(() -> DiskLogStore.open(DiskLogStoreContractTest.testConfig(directory.resolve("x")).withWriterOnly(true), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a part catalogue");
  }

  @Test
  void sequencesComeFromTheCatalogue() throws IOException {
    InMemoryPartCatalogue catalogue = new InMemoryPartCatalogue(true);
    for (int i = 0; i < 41; i++) {
      catalogue.nextSequence();
    }
    try (DiskLogStore ingester = DiskLogStore.open(config("ingester", catalogue).withWriterOnly(true), 0)) {
      appendEntries(ingester, "t", 0, 3, new HashMap<>());
      ingester.flush();
    }
    assertThat(catalogue.partKeys()).containsExactly(PartHandle.key("t", 0, 42));
    Set<String> seen = new HashSet<>(catalogue.partKeys());
    assertThat(seen).isEqualTo(partObjects());
  }
}
