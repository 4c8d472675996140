package dev.tonari.store.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadLogTest {
  @TempDir Path directory;

  static WalRecord record(String tenant, int n) {
    return new WalRecord(
        tenant,
        List.of(
            new StreamBatch(Labels.of("app", "api", "n", Integer.toString(n % 3)), List.of(new LogEntry(1_000L + n, "line " + n, n % 2 == 0 ? Labels.EMPTY : Labels.of("trace", "t" + n)))),
            new StreamBatch(Labels.of("app", "web"), List.of(new LogEntry(5L, "second stream " + n)))));
  }

  static List<WalRecord> replay(Path directory, long from) throws IOException {
    List<WalRecord> records = new ArrayList<>();
    try (WriteAheadLog wal = WriteAheadLog.open(directory, from, (segment, record) -> records.add(record))) {
      assertThat(wal.currentSegmentId()).isGreaterThanOrEqualTo(from);
    }
    return records;
  }

  @Test
  void replaysAppendedRecordsInOrderAcrossSegments() throws IOException {
    List<WalRecord> written = new ArrayList<>();
    try (WriteAheadLog wal = WriteAheadLog.open(directory, 1, (s, r) -> {})) {
      for (int i = 0; i < 10; i++) {
        WalRecord r = record("t" + i, i);
        wal.append(r);
        written.add(r);
        if (i == 4) {
          assertThat(wal.rotate()).isEqualTo(2);
        }
      }
      assertThat(wal.recordsWritten()).isEqualTo(10);
      assertThat(wal.fsyncs()).isPositive();
      assertThat(wal.bytesWritten()).isPositive();
    }
    assertThat(WriteAheadLog.segmentIds(directory)).containsExactly(1L, 2L);
    assertThat(replay(directory, 1)).isEqualTo(written);
    // Each open starts a fresh segment, so earlier segments are never appended to after a replay.
    assertThat(WriteAheadLog.segmentIds(directory)).containsExactly(1L, 2L, 3L);
    assertThat(replay(directory, 2)).isEqualTo(written.subList(5, 10));
  }

  /**
   * Records encoded into reused arrays: each array is longer than its record and still holds the
   * end of a longer, earlier record; only {@code [0, length)} is framed, checksummed and replayed.
   */
  @Test
  void recordsInPooledArraysAreWrittenToTheirLengthOnly() throws IOException {
    RecordBuffers buffers = new RecordBuffers();
    List<WalRecord> written = new ArrayList<>();
    try (WriteAheadLog wal = WriteAheadLog.open(directory, 1, (s, r) -> {})) {
      for (int i = 0; i < 12; i++) {
        // Long and short records in turn, so a short one lands in an array a long one filled.
        String line = (i % 2 == 0 ? "x".repeat(5_000) : "short ") + i;
        WalRecord r = new WalRecord("t", List.of(new StreamBatch(Labels.of("app", "api"), List.of(new LogEntry(i, line)))));
        WalRecordCodec.Encoded encoded = WalRecordCodec.encode(r.tenant(), r.streams(), WalRecordCodec.utf8Lines(r.streams()), buffers);
        assertThat(encoded.length()).isLessThanOrEqualTo(encoded.bytes().length);
        WriteAheadLog.await(wal.submit(encoded.bytes(), encoded.length()));
        buffers.give(encoded.bytes());
        written.add(r);
      }
    }
    assertThat(buffers.pooled()).isEqualTo(1);
    assertThat(replay(directory, 1)).isEqualTo(written);
  }

  @Test
  void aLengthOutsideItsArrayIsRefused() throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(directory, 1, (s, r) -> {})) {
      assertThatThrownBy(() -> wal.submit(new byte[10], 11)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record length 11 outside its array of 10 bytes");
    }
  }

  @Test
  void deletesSegmentsBelowACheckpointButNeverTheCurrentOne() throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(directory, 1, (s, r) -> {})) {
      wal.append(record("a", 1));
      wal.rotate();
      wal.append(record("a", 2));
      wal.rotate();
      wal.deleteSegmentsBelow(3);
      assertThat(WriteAheadLog.segmentIds(directory)).containsExactly(3L);
      wal.deleteSegmentsBelow(100);
      assertThat(WriteAheadLog.segmentIds(directory)).containsExactly(3L);
    }
  }

  @Test
  void concurrentAppendersShareFsyncs() throws Exception {
    int threads = 16;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try (WriteAheadLog wal = WriteAheadLog.open(directory, 1, (s, r) -> {})) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String tenant = "tenant" + t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    wal.append(record(tenant, i));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
      assertThat(wal.recordsWritten()).isEqualTo((long) threads * perThread);
      assertThat(wal.fsyncs()).isLessThan((long) threads * perThread);
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    List<WalRecord> replayed = replay(directory, 1);
    assertThat(replayed).hasSize(threads * perThread);
    for (int t = 0; t < threads; t++) {
      String tenant = "tenant" + t;
      List<WalRecord> ofTenant = replayed.stream().filter(r -> r.tenant().equals(tenant)).toList();
      List<WalRecord> expected = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        expected.add(record(tenant, i));
      }
      // One thread's appends are sequential, so the log keeps their order.
      assertThat(ofTenant).isEqualTo(expected);
    }
  }

  @Test
  void tornTailAtEveryOffsetOfTheLastRecordKeepsThePrecedingRecords() throws IOException {
    Path original = directory.resolve("original");
    List<WalRecord> written = new ArrayList<>();
    long lastRecordStart;
    try (WriteAheadLog wal = WriteAheadLog.open(original, 1, (s, r) -> {})) {
      for (int i = 0; i < 3; i++) {
        written.add(record("t", i));
        wal.append(written.get(i));
      }
      lastRecordStart = Files.size(WriteAheadLog.segmentPath(original, 1)) - frameSize(written.get(2));
    }
    byte[] segment = Files.readAllBytes(WriteAheadLog.segmentPath(original, 1));
    assertThat(lastRecordStart).isGreaterThan(WriteAheadLog.HEADER_BYTES);
    for (int cut = (int) lastRecordStart; cut < segment.length; cut++) {
      Path copy = directory.resolve("cut" + cut);
      Files.createDirectories(copy);
      Files.write(WriteAheadLog.segmentPath(copy, 1), java.util.Arrays.copyOf(segment, cut));
      assertThat(replay(copy, 1)).as("cut at %d", cut).isEqualTo(written.subList(0, 2));
      assertThat(Files.size(WriteAheadLog.segmentPath(copy, 1))).as("truncated to the last whole record").isEqualTo(lastRecordStart);
      WalRecord later = record("later", 99);
      try (WriteAheadLog wal = WriteAheadLog.open(copy, 1, (s, r) -> {})) {
        wal.append(later);
      }
      List<WalRecord> expected = new ArrayList<>(written.subList(0, 2));
      expected.add(later);
      assertThat(replay(copy, 1)).isEqualTo(expected);
    }
  }

  @Test
  void corruptChecksumEndsThatSegmentAndReplayGoesOnWithTheNext() throws IOException {
    List<WalRecord> written = new ArrayList<>();
    long secondRecordStart;
    try (WriteAheadLog wal = WriteAheadLog.open(directory, 1, (s, r) -> {})) {
      for (int i = 0; i < 3; i++) {
        written.add(record("t", i));
        wal.append(written.get(i));
      }
      wal.rotate();
      written.add(record("next", 7));
      wal.append(written.get(3));
    }
    secondRecordStart = WriteAheadLog.HEADER_BYTES + frameSize(written.get(0));
    try (RandomAccessFile file = new RandomAccessFile(WriteAheadLog.segmentPath(directory, 1).toFile(), "rw")) {
      long position = secondRecordStart + WriteAheadLog.FRAME_HEADER_BYTES + 5;
      file.seek(position);
      int b = file.read();
      file.seek(position);
      file.write(b ^ 0x40);
    }
    assertThat(replay(directory, 1)).containsExactly(written.get(0), written.get(3));
    assertThat(Files.size(WriteAheadLog.segmentPath(directory, 1))).isEqualTo(secondRecordStart);
  }

  @Test
  void zeroFilledTailAndHeaderlessSegmentAreTolerated() throws IOException {
    WalRecord first = record("t", 1);
    try (WriteAheadLog wal = WriteAheadLog.open(directory, 1, (s, r) -> {})) {
      wal.append(first);
    }
    Files.write(WriteAheadLog.segmentPath(directory, 1), new byte[64], java.nio.file.StandardOpenOption.APPEND);
    Files.write(WriteAheadLog.segmentPath(directory, 2), new byte[5]);
    assertThat(replay(directory, 1)).containsExactly(first);
    assertThat(Files.size(WriteAheadLog.segmentPath(directory, 2))).isZero();
  }

  @Test
  void appendsAfterCloseFailWithTheDirectoryInTheMessage() throws IOException {
    WriteAheadLog wal = WriteAheadLog.open(directory, 1, (s, r) -> {});
    wal.close();
    assertThatThrownBy(() -> wal.append(record("t", 1))).isInstanceOf(IOException.class).hasMessageContaining(directory.toString());
  }

  @Test
  void startsAboveTheCheckpointWhenOlderSegmentsAreGone() throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(directory, 42, (s, r) -> {})) {
      assertThat(wal.currentSegmentId()).isEqualTo(42);
    }
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("00000000000000000042.wal");
    }
    assertThat(Collections.<WalRecord>emptyList()).isEqualTo(replay(directory, 1));
  }

  private static long frameSize(WalRecord record) {
    return WriteAheadLog.FRAME_HEADER_BYTES + WalRecordCodec.encode(record).length;
  }
}
