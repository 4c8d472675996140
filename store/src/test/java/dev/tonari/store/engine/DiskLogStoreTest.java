package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.wal.WalRecord;
import dev.tonari.store.wal.WalRecordCodec;
import dev.tonari.store.wal.WriteAheadLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskLogStoreTest {
  private static final Instant START = Instant.parse("2026-01-10T00:00:00Z");
  private static final long START_NANOS = START.getEpochSecond() * 1_000_000_000L;
  private static final Labels API = Labels.of("app", "api");
  private static final Labels WEB = Labels.of("app", "web");

  @TempDir Path directory;
  private final MutableClock clock = new MutableClock(START);

  private DiskLogStoreConfig config() {
    return DiskLogStoreContractTest.testConfig(directory).withClock(clock);
  }

  private static List<StreamBatch> batch(Labels labels, long timestamp, String line) {
    return List.of(new StreamBatch(labels, List.of(new LogEntry(timestamp, line))));
  }

  /** (stream text, timestamp, line) of every entry the store returns, with their counts. */
  private static Map<String, Integer> readAll(DiskLogStore store, String tenant) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    for (EntryCursor cursor : store.select(SelectRequest.all(tenant, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD))) {
      try (cursor) {
        while (cursor.next()) {
          counts.merge(cursor.labels() + " " + cursor.timestamp() + " " + cursor.line(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  @Test
  void acknowledgedEntriesSurviveCrashesAndTornTailsExactlyOnce() throws IOException {
    Random random = new Random(42);
    Map<String, Integer> acknowledged = new HashMap<>();
    for (int life = 0; life < 12; life++) {
      DiskLogStore store = DiskLogStore.open(config());
      assertThat(readAll(store, "t")).as("life %d", life).isEqualTo(acknowledged);
      int pushes = 1 + random.nextInt(30);
      for (int i = 0; i < pushes; i++) {
        Labels labels = random.nextBoolean() ? API : WEB;
        long ts = random.nextInt(500);
        String line = "life " + life + " push " + i;
        store.append("t", batch(labels, ts, line));
        acknowledged.put(labels + " " + ts + " " + line, 1);
        if (random.nextInt(40) == 0) {
          store.flush();
        }
        if (random.nextInt(10) == 0) {
          // A retried push: stored once.
          store.append("t", batch(labels, ts, line));
        }
      }
      store.abandonWithoutFlush();
      // The crash tore a record that was being written and never acknowledged.
      List<Long> segments = WriteAheadLog.segmentIds(directory.resolve("wal"));
      Path last = WriteAheadLog.segmentPath(directory.resolve("wal"), segments.get(segments.size() - 1));
      byte[] payload = WalRecordCodec.encode(new WalRecord("t", batch(API, 1, "never acknowledged " + life)));
      CRC32C crc = new CRC32C();
      crc.update(payload);
      ByteBuffer frame = ByteBuffer.allocate(8 + payload.length).putInt(payload.length).putInt((int) crc.getValue()).put(payload);
      Files.write(last, java.util.Arrays.copyOf(frame.array(), random.nextInt(frame.capacity())), StandardOpenOption.APPEND);
    }
    try (DiskLogStore store = DiskLogStore.open(config())) {
      assertThat(readAll(store, "t")).isEqualTo(acknowledged);
    }
    try (DiskLogStore store = DiskLogStore.open(config())) {
      assertThat(readAll(store, "t")).isEqualTo(acknowledged);
      // A graceful close flushed the head: the data lives in parts, the WAL is nearly empty.
      assertThat(store.partKeys("t")).isNotEmpty();
      assertThat(store.metrics().headStreams()).isZero();
    }
  }

  @Test
  void flushesWhenTheHeadIsTooBigOrTooOld() throws IOException {
    try (DiskLogStore store = DiskLogStore.open(config().withFlushHeadBytes(10_000).withFlushAge(Duration.ofMinutes(10)))) {
      store.append("t", batch(API, START_NANOS, "small"));
      store.maintain();
      assertThat(store.partKeys("t")).isEmpty();
      clock.advance(Duration.ofMinutes(11));
      store.maintain();
      assertThat(store.partKeys("t")).hasSize(1);
      assertThat(store.metrics().flushes()).isEqualTo(1);
      List<LogEntry> big = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        big.add(new LogEntry(START_NANOS + i, "a line long enough to fill the head quickly " + i));
      }
      store.append("t", List.of(new StreamBatch(WEB, big)));
      store.maintain();
      assertThat(store.partKeys("t")).hasSize(2);
      assertThat(store.metrics().walFsyncs()).isPositive();
      assertThat(store.metrics().partsByTenant()).containsEntry("t", 2L);
      assertThat(store.metrics().partBytesByTenant().get("t")).isPositive();
      // Flushed segments are gone: only the current one remains.
      assertThat(WriteAheadLog.segmentIds(directory.resolve("wal"))).hasSize(1);
    }
  }

  @Test
  void retentionDeletesOldPartsWithPerTenantPeriods() throws IOException {
    DiskLogStoreConfig config = config().withRetention(Duration.ofDays(7), tenant -> tenant.equals("keep") ? Duration.ofDays(30) : null);
    try (DiskLogStore store = DiskLogStore.open(config)) {
      store.append("short", batch(API, START_NANOS, "old"));
      store.append("keep", batch(API, START_NANOS, "old"));
      store.flush();
      clock.advance(Duration.ofDays(8));
      store.append("short", batch(API, START_NANOS + Duration.ofDays(8).toNanos(), "new"));
      store.flush();
      assertThat(store.applyRetention()).isEqualTo(1);
      assertThat(store.metrics().retentionDeletedParts()).isEqualTo(1);
      assertThat(readAll(store, "short")).containsOnlyKeys(API + " " + (START_NANOS + Duration.ofDays(8).toNanos()) + " new");
      assertThat(readAll(store, "keep")).hasSize(1);
      clock.advance(Duration.ofDays(30));
      store.maintain();
      assertThat(store.tenants()).isEmpty();
    }
  }

  /**
   * A query planned before a merge keeps reading the parts the merge deleted: local blocks come by
   * positional reads of the file, which is gone by then, and the part's map still holds them.
   */
  @Test
  void aQueryPlannedBeforeAMergeReadsThePartsTheMergeDeleted() throws IOException {
    try (DiskLogStore store = DiskLogStore.open(config().withMergePolicy(new MergePolicy(4, 2)))) {
      for (int i = 0; i < 4; i++) {
        store.append("t", batch(API, 100 + i, "entry " + i));
        store.flush();
      }
      List<String> inputs = store.partKeys("t");
      assertThat(inputs).hasSize(4);
      List<EntryCursor> planned = store.select(SelectRequest.all("t", Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD));
      assertThat(store.mergeOnce()).isTrue();
      for (String key : inputs) {
        assertThat(directory.resolve("objects").resolve(key)).doesNotExist();
      }
      List<String> lines = new java.util.ArrayList<>();
      for (EntryCursor cursor : planned) {
        try (cursor) {
          while (cursor.next()) {
            lines.add(cursor.line());
          }
        }
      }
      assertThat(lines).containsExactly("entry 0", "entry 1", "entry 2", "entry 3");
    }
  }

  @Test
  void mergesFourPartsIntoOneAndResolvesACrashBeforeTheInputsWereDeleted() throws IOException {
    Map<String, byte[]> inputs = new HashMap<>();
    Map<String, Integer> expected;
    try (DiskLogStore store = DiskLogStore.open(config().withMergePolicy(new MergePolicy(4, 2)))) {
      for (int i = 0; i < 4; i++) {
        store.append("t", batch(API, 100 + i, "entry " + i));
        store.append("t", batch(WEB, 100, "same in every part"));
        store.flush();
        assertThat(store.mergeOnce()).isEqualTo(i == 3);
      }
      assertThat(store.metrics().merges()).isEqualTo(1);
      assertThat(store.metrics().mergeBytesWritten()).isPositive();
      List<String> keys = store.partKeys("t");
      assertThat(keys).hasSize(1);
      assertThat(keys.get(0)).startsWith("t/parts/01-");
      expected = readAll(store, "t");
      assertThat(expected).hasSize(5).containsEntry(WEB + " 100 same in every part", 1);
      for (int sequence = 1; sequence <= 4; sequence++) {
        // Recreate the merged inputs as they were before the merge deleted them.
        inputs.put(String.format("t/parts/00-%020d.part", sequence), null);
      }
    }
    Path objects = directory.resolve("objects");
    Path merged;
    try (var files = Files.walk(objects)) {
      merged = files.filter(p -> p.toString().endsWith(".part")).findFirst().orElseThrow();
    }
    for (String key : inputs.keySet()) {
      Files.copy(merged, objects.resolve(key));
    }
    try (DiskLogStore store = DiskLogStore.open(config().withMergePolicy(new MergePolicy(4, 2)))) {
      assertThat(store.partKeys("t")).hasSize(1);
      for (String key : inputs.keySet()) {
        assertThat(objects.resolve(key)).doesNotExist();
      }
      assertThat(readAll(store, "t")).isEqualTo(expected);
    }
  }

  @Test
  void aCorruptPartIsSetAsideAndTheQueryServesTheRest() throws IOException {
    String corruptKey;
    try (DiskLogStore store = DiskLogStore.open(config().withMergePolicy(MergePolicy.disabled()))) {
      store.append("t", batch(API, 1, "in the first part"));
      store.flush();
      corruptKey = store.partKeys("t").get(0);
      store.append("t", batch(WEB, 2, "in the second part"));
      store.flush();
      assertThat(store.partKeys("t")).hasSize(2);
    }
    Path file = directory.resolve("objects").resolve(corruptKey);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      // Just past the header: inside the first block, whose CRC is checked when it is read.
      long position = 40;
      raf.seek(position);
      int b = raf.read();
      raf.seek(position);
      raf.write(b ^ 0xFF);
    }
    try (DiskLogStore store = DiskLogStore.open(config().withMergePolicy(MergePolicy.disabled()))) {
      assertThat(readAll(store, "t")).containsOnlyKeys(WEB + " 2 in the second part");
      assertThat(store.metrics().corruptParts()).isEqualTo(1);
      assertThat(store.partKeys("t")).hasSize(1).doesNotContain(corruptKey);
      assertThat(file).doesNotExist();
      assertThat(directory.resolve("objects").resolve("quarantine").resolve(corruptKey)).exists();
      assertThat(readAll(store, "t")).containsOnlyKeys(WEB + " 2 in the second part");
      assertThat(store.metrics().corruptParts()).isEqualTo(1);
    }
  }

  @Test
  void aPartWithACorruptFooterIsSetAsideAtStartUp() throws IOException {
    String key;
    try (DiskLogStore store = DiskLogStore.open(config())) {
      store.append("t", batch(API, 1, "lost"));
      store.flush();
      key = store.partKeys("t").get(0);
    }
    Path file = directory.resolve("objects").resolve(key);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long position = raf.length() - 40;
      raf.seek(position);
      int b = raf.read();
      raf.seek(position);
      raf.write(b ^ 0x01);
    }
    try (DiskLogStore store = DiskLogStore.open(config())) {
      assertThat(store.metrics().corruptParts()).isEqualTo(1);
      assertThat(store.tenants()).isEmpty();
      assertThat(directory.resolve("objects").resolve("quarantine").resolve(key)).exists();
      store.append("t", batch(API, 2, "after"));
      assertThat(readAll(store, "t")).containsOnlyKeys(API + " 2 after");
    }
  }
}
