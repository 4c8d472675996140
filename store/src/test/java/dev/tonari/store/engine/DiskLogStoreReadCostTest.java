package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reads cost, counted in blocks through {@link StoreMetrics}, and what a graceful close leaves
 * on disk.
 */
class DiskLogStoreReadCostTest {
  private static final Instant START = Instant.parse("2026-01-10T00:00:00Z");
  private static final long START_NANOS = START.getEpochSecond() * 1_000_000_000L;
  private static final long DAY_NANOS = Duration.ofDays(1).toNanos();
  private static final Labels API = Labels.of("app", "api");
  private static final Labels WEB = Labels.of("app", "web");

  @TempDir Path directory;

  /** About 2 KB of text per line, so that a 512 KiB block holds a few hundred entries. */
  private static String line(SplittableRandom random, long i) {
    StringBuilder text = new StringBuilder("entry ").append(i);
    while (text.length() < 2_000) {
      text.append(" word").append(random.nextInt(5_000));
    }
    return text.toString();
  }

  /** A day of two streams written as {@code parts} level-0 parts (flushes in time order); returns blocks in all. */
  private static void writeDay(DiskLogStore store, int parts, int entriesPerPartAndStream) throws IOException {
    SplittableRandom random = new SplittableRandom(parts);
    long total = (long) parts * entriesPerPartAndStream;
    long step = DAY_NANOS / total;
    long i = 0;
    for (int p = 0; p < parts; p++) {
      List<LogEntry> api = new ArrayList<>();
      List<LogEntry> web = new ArrayList<>();
      for (int e = 0; e < entriesPerPartAndStream; e++, i++) {
        api.add(new LogEntry(START_NANOS + i * step, line(random, i)));
        web.add(new LogEntry(START_NANOS + i * step, line(random, i)));
      }
      store.append("t", List.of(new StreamBatch(API, api), new StreamBatch(WEB, web)));
      store.flush();
    }
  }

  private static long newestHundredBlocksRead(DiskLogStore store) throws IOException {
    long before = store.metrics().blocksRead();
    SelectRequest request = new SelectRequest("t", API::equals, START_NANOS, START_NANOS + DAY_NANOS, Direction.BACKWARD, LinePredicate.ALL, List.of());
    List<EntryCursor> cursors = store.select(request);
    assertThat(cursors).hasSize(1);
    long previous = Long.MAX_VALUE;
    try (EntryCursor cursor = cursors.get(0)) {
      for (int taken = 0; taken < 100; taken++) {
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.timestamp()).isLessThanOrEqualTo(previous);
        previous = cursor.timestamp();
      }
    }
    return store.metrics().blocksRead() - before;
  }

  @Test
  void theNewestHundredLinesOfADayReadTheNewestBlockWhateverTheDataSize() throws IOException {
    long[] blocksRead = new long[2];
    int[] partCounts = {2, 8};
    for (int size = 0; size < 2; size++) {
      Path data = directory.resolve("size-" + size);
      // Scan threads on: the read-ahead must not read older blocks for a query that stops early.
      try (DiskLogStore store = DiskLogStore.open(DiskLogStoreContractTest.testConfig(data).withMergePolicy(MergePolicy.disabled()), 2)) {
        writeDay(store, partCounts[size], 600);
        assertThat(store.partKeys("t")).hasSize(partCounts[size]);
        blocksRead[size] = newestHundredBlocksRead(store);
      }
    }
    // Each part holds 600 entries of 2 KB per stream, i.e. 3 blocks: 6 and 24 blocks of the stream in all.
    // The newest part's last block may hold fewer than 100 entries of the stream: then two blocks.
    assertThat(blocksRead[0]).isBetween(1L, 2L);
    assertThat(blocksRead[1]).isEqualTo(blocksRead[0]);
  }

  @Test
  void parallelAndSequentialScansAgreeOnRandomData() throws IOException {
    Map<Integer, List<String>> results = new HashMap<>();
    for (int scanThreads : new int[] {0, 2}) {
      SplittableRandom random = new SplittableRandom(42);
      Path data = directory.resolve("threads-" + scanThreads);
      try (DiskLogStore store = DiskLogStore.open(DiskLogStoreContractTest.testConfig(data), scanThreads)) {
        SplittableRandom content = new SplittableRandom(7);
        for (int round = 0; round < 5; round++) {
          List<StreamBatch> batches = new ArrayList<>();
          for (int s = 0; s < 20; s++) {
            List<LogEntry> entries = new ArrayList<>();
            for (int e = 0; e < 200; e++) {
              String text = "round=" + round + " s=" + s + (content.nextInt(50) == 0 ? " deadlock" : " ok") + " n=" + content.nextInt(1_000);
              entries.add(new LogEntry(START_NANOS + content.nextLong(DAY_NANOS), text));
            }
            batches.add(new StreamBatch(Labels.of("pod", "p" + s), entries));
          }
          store.append("t", batches);
          if (round < 4) {
            store.flush();
          }
        }
        List<String> seen = new ArrayList<>();
        for (int query = 0; query < 20; query++) {
          long from = START_NANOS + random.nextLong(DAY_NANOS);
          long to = from + random.nextLong(DAY_NANOS);
          Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
          boolean filtered = random.nextBoolean();
          SelectRequest request =
              new SelectRequest("t", labels -> true, from, to, direction,
                  filtered ? LiteralLinePredicate.containingAll(List.of("deadlock")) : LinePredicate.ALL, filtered ? List.of("deadlock") : List.of());
          for (EntryCursor cursor : store.select(request)) {
            try (cursor) {
              while (cursor.next()) {
                seen.add(query + " " + cursor.labels() + " " + cursor.timestamp() + " " + cursor.line());
              }
            }
          }
        }
        results.put(scanThreads, seen);
      }
    }
    assertThat(results.get(0)).isNotEmpty();
    assertThat(results.get(2)).hasSameSizeAs(results.get(0));
    for (int i = 0; i < results.get(0).size(); i++) {
      assertThat(results.get(2).get(i)).as("entry %d", i).isEqualTo(results.get(0).get(i));
    }
  }

  @Test
  void aGracefulCloseMergesLevelZeroPartsOnlyIntoOneLevelOnePart() throws IOException {
    // A background thread that never fires within the test: close() merges only with one.
    DiskLogStoreConfig config = DiskLogStoreContractTest.testConfig(directory).withMaintenanceInterval(Duration.ofHours(1));
    String olderLevelOne;
    try (DiskLogStore store = DiskLogStore.open(config)) {
      writeDay(store, 4, 10);
      assertThat(store.mergeOnce()).isTrue();
      olderLevelOne = store.partKeys("t").get(0);
      assertThat(olderLevelOne).startsWith("t/parts/01-");
      store.append("t", List.of(new StreamBatch(API, List.of(new LogEntry(START_NANOS + DAY_NANOS, "flushed later")))));
      store.flush();
      store.append("t", List.of(new StreamBatch(API, List.of(new LogEntry(START_NANOS + DAY_NANOS + 1, "still in the head")))));
      assertThat(store.partKeys("t")).hasSize(2);
    }
    try (DiskLogStore store = DiskLogStore.open(config.withMaintenanceInterval(Duration.ZERO))) {
      List<String> keys = store.partKeys("t");
      assertThat(keys).hasSize(2).contains(olderLevelOne);
      assertThat(keys).allMatch(key -> key.startsWith("t/parts/01-"));
      int entries = 0;
      for (EntryCursor cursor : store.select(SelectRequest.all("t", Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD))) {
        try (cursor) {
          while (cursor.next()) {
            entries++;
          }
        }
      }
      assertThat(entries).isEqualTo(4 * 10 * 2 + 2);
    }
  }
}
