package dev.tonari.cluster.compactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.cluster.catalog.CatalogPart;
import dev.tonari.cluster.catalog.ClusterPartCatalogue;
import dev.tonari.cluster.catalog.InMemoryClusterCatalog;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.engine.MergePolicy;
import dev.tonari.store.engine.RemoteStorageOptions;
import dev.tonari.store.engine.RetentionPolicy;
import dev.tonari.store.object.InMemoryObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compactor over the catalog fake and an in-memory object store: merges seen by a querier
 * reading all along (each line exactly once in every read), retention per tenant, and the purge
 * of removed parts' objects only after the grace period.
 */
class CompactorTest {
  private static final long NOW_NANOS = System.currentTimeMillis() * 1_000_000L;

  @TempDir Path directory;

  /** Flushes {@code flushes} parts of {@code lines} lines each for the tenant, through a catalogue that registers without offsets. */
  private static void writeParts(DiskLogStore writer, String tenant, long baseNanos, int flushes, int lines, Map<String, Integer> expected) throws IOException {
    for (int flush = 0; flush < flushes; flush++) {
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < lines; i++) {
        String line = tenant + " flush " + flush + " line " + i;
        entries.add(new LogEntry(baseNanos + flush * 1_000_000L + i, line));
        expected.merge(line, 1, Integer::sum);
      }
      writer.append(tenant, List.of(new StreamBatch(Labels.of("app", "app-" + (flush % 2)), entries)));
      writer.flush();
    }
  }

  private DiskLogStore writer(InMemoryClusterCatalog catalog, InMemoryObjectStore objects) throws IOException {
    return DiskLogStore.open(DiskLogStoreConfig.defaults(directory.resolve("writer")).withObjectStore(objects).withMaintenanceInterval(Duration.ZERO)
        .withRetention(Duration.ZERO, null).withPartCatalogue(new CompactorPartCatalogue(catalog)).withWriterOnly(true), 0);
  }

  private DiskLogStore querier(InMemoryClusterCatalog catalog, InMemoryObjectStore objects) throws IOException {
    return DiskLogStore.open(DiskLogStoreConfig.defaults(directory.resolve("querier")).withObjectStore(objects).withMaintenanceInterval(Duration.ZERO)
        .withRetention(Duration.ZERO, null).withPartCatalogue(new ClusterPartCatalogue(catalog)).withRemote(RemoteStorageOptions.defaults().withReadOnly(true, Duration.ofHours(1))), 0);
  }

  private static Map<String, Integer> lines(DiskLogStore store, String tenant) throws IOException {
    Map<String, Integer> lines = new TreeMap<>();
    for (EntryCursor cursor : store.select(SelectRequest.all(tenant, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD))) {
      try (cursor) {
        while (cursor.next()) {
          lines.merge(cursor.line(), 1, Integer::sum);
        }
      }
    }
    return lines;
  }

  private static boolean exists(InMemoryObjectStore objects, String key) throws IOException {
    return objects.list(key).stream().anyMatch(info -> info.key().equals(key));
  }

  @Test
  void readsDuringMergesSeeEachLineOnceAndObjectsGoOnlyAfterTheGrace() throws Exception {
    InMemoryClusterCatalog catalog = new InMemoryClusterCatalog();
    InMemoryObjectStore objects = new InMemoryObjectStore();
    Map<String, Integer> expected = new TreeMap<>();
    try (DiskLogStore writer = writer(catalog, objects)) {
      writeParts(writer, "t", NOW_NANOS, 16, 200, expected);
    }
    assertThat(catalog.liveParts()).hasSize(16);
    List<String> flushedKeys = catalog.liveParts().stream().map(CatalogPart::key).toList();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<Throwable> readerFailure = new AtomicReference<>();
    try (DiskLogStore querier = querier(catalog, objects)) {
      Thread reader = Thread.ofPlatform().name("querier-during-compaction").start(() -> {
        try {
          while (!stop.get() || reads.get() < 3) {
            querier.refreshCatalogue();
            Map<String, Integer> seen = lines(querier, "t");
            if (!seen.equals(expected)) {
              throw new AssertionError("read " + reads.get() + " at catalog revision " + querier.catalogueRevision() + ": " + seen.size() + " distinct lines, "
                  + seen.values().stream().mapToInt(Integer::intValue).sum() + " in all, " + expected.size() + " expected once each");
            }
            reads.incrementAndGet();
          }
        } catch (Throwable e) {
          readerFailure.set(e);
        }
      });
      CompactorSettings settings = CompactorSettings.defaults("compactor-1", directory.resolve("compactor")).withPurgeGrace(Duration.ofHours(1));
      Compactor.Round round;
      try (Compactor compactor = new Compactor(catalog, objects, settings)) {
        round = compactor.runOnce();
      } finally {
        stop.set(true);
        reader.join(120_000);
      }
      assertThat(readerFailure.get()).isNull();
      assertThat(round.leader()).isTrue();
      // 16 level-0 parts: 4 merges into level 1, then one into level 2.
      assertThat(round.livePartsBefore()).isEqualTo(16);
      assertThat(round.livePartsAfter()).isEqualTo(1);
      assertThat(round.purged()).as("within the grace nothing is purged").isZero();
      assertThat(catalog.deletedPartsBefore(Long.MAX_VALUE)).containsAll(flushedKeys);
      for (String key : flushedKeys) {
        assertThat(exists(objects, key)).as("object of removed part %s kept for readers", key).isTrue();
      }
      querier.refreshCatalogue();
      assertThat(lines(querier, "t")).isEqualTo(expected);
    }

    try (Compactor compactor = new Compactor(catalog, objects, CompactorSettings.defaults("compactor-1", directory.resolve("compactor-2")).withPurgeGrace(Duration.ZERO))) {
      Compactor.Round round = compactor.runOnce();
      assertThat(round.purged()).isGreaterThanOrEqualTo(flushedKeys.size());
    }
    for (String key : flushedKeys) {
      assertThat(exists(objects, key)).as("object of removed part %s purged after the grace", key).isFalse();
    }
    assertThat(catalog.deletedPartsBefore(Long.MAX_VALUE)).isEmpty();
    try (DiskLogStore querier = querier(catalog, objects)) {
      assertThat(lines(querier, "t")).isEqualTo(expected);
    }
  }

  @Test
  void retentionRemovesOnlyTheTenantsPastTheirPeriodAndOneCompactorWorksAtATime() throws Exception {
    InMemoryClusterCatalog catalog = new InMemoryClusterCatalog();
    InMemoryObjectStore objects = new InMemoryObjectStore();
    Map<String, Integer> kept = new TreeMap<>();
    Map<String, Integer> old = new TreeMap<>();
    long twoDaysAgo = NOW_NANOS - Duration.ofDays(2).toNanos();
    try (DiskLogStore writer = writer(catalog, objects)) {
      writeParts(writer, "short", twoDaysAgo, 2, 50, old);
      writeParts(writer, "long", twoDaysAgo, 2, 50, kept);
    }
    CompactorSettings settings = new CompactorSettings("compactor-1", directory.resolve("compactor"), MergePolicy.disabled(),
        tenant -> RetentionPolicy.of(tenant.equals("short") ? Duration.ofDays(1) : Duration.ofDays(30)), Duration.ofHours(1), Duration.ofMinutes(1));
    try (Compactor first = new Compactor(catalog, objects, settings);
        Compactor second = new Compactor(catalog, objects, CompactorSettings.defaults("compactor-2", directory.resolve("other")))) {
      assertThat(first.runOnce().leader()).isTrue();
      assertThat(second.runOnce().leader()).as("the lease is held by compactor-1").isFalse();
    }
    assertThat(catalog.liveParts()).extracting(CatalogPart::tenant).containsOnly("long");
    try (DiskLogStore querier = querier(catalog, objects)) {
      assertThat(lines(querier, "short")).isEmpty();
      assertThat(lines(querier, "long")).isEqualTo(kept);
    }
  }
}
