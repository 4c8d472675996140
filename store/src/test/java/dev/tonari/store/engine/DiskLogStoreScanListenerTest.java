package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.ScanAbortedException;
import dev.tonari.store.ScanListener;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scan listener of {@link DiskLogStore#select}: told of every block read, also when a literal
 * filter is searched over whole blocks without testing lines, and able to stop a full scan, on the
 * sequential path (no scan threads) and on the prefetching one alike.
 */
class DiskLogStoreScanListenerTest {
  private static final Instant START = Instant.parse("2026-01-10T00:00:00Z");
  private static final long START_NANOS = START.getEpochSecond() * 1_000_000_000L;
  private static final long DAY_NANOS = Duration.ofDays(1).toNanos();
  private static final Labels API = Labels.of("app", "api");
  private static final int PARTS = 8;
  private static final int ENTRIES_PER_PART = 600;
  private static final int NEEDLE_EVERY = 50;

  @TempDir Path directory;

  /** About 2 KB per line, so that a block of the default size holds a few hundred lines; every 50th holds "needle". */
  private static String line(SplittableRandom random, long i) {
    StringBuilder text = new StringBuilder("entry ").append(i);
    if (i % NEEDLE_EVERY == 0) {
      text.append(" needle");
    }
    while (text.length() < 2_000) {
      text.append(" word").append(random.nextInt(5_000));
    }
    return text.toString();
  }

  /** A day of one stream in {@value #PARTS} parts (about 24 blocks); returns its line bytes. */
  private static long writeDay(DiskLogStore store) throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    long step = DAY_NANOS / ((long) PARTS * ENTRIES_PER_PART);
    long bytes = 0;
    long i = 0;
    for (int p = 0; p < PARTS; p++) {
      List<LogEntry> entries = new ArrayList<>();
      for (int e = 0; e < ENTRIES_PER_PART; e++, i++) {
        String text = line(random, i);
        bytes += text.length();
        entries.add(new LogEntry(START_NANOS + i * step, text));
      }
      store.append("t", List.of(new StreamBatch(API, entries)));
      store.flush();
    }
    return bytes;
  }

  /** Counts what it is told; past its byte budget it stops the scan, every time it is asked again. */
  private static final class BudgetListener implements ScanListener {
    final LongAdder blocks = new LongAdder();
    final LongAdder lines = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final long budget;
    final ScanAbortedException abort = new ScanAbortedException("over budget");

    BudgetListener(long budget) {
      this.budget = budget;
    }

    @Override
    public void beforeBlock() {
      if (bytes.sum() > budget) {
        throw abort;
      }
    }

    @Override
    public void blockScanned(int lineCount, long lineBytes) {
      blocks.increment();
      lines.add(lineCount);
      bytes.add(lineBytes);
      if (bytes.sum() > budget) {
        throw abort;
      }
    }
  }

  /** A literal filter that counts calls of its per-line test, which the block-wide search should never make. */
  private static final class CountingLiteralFilter implements LiteralLinePredicate {
    private final LiteralLinePredicate literal = LiteralLinePredicate.containingAll(List.of("needle"));
    final AtomicLong lineTests = new AtomicLong();

    @Override
    public List<byte[]> literals() {
      return literal.literals();
    }

    @Override
    public boolean test(byte[] buffer, int offset, int length) {
      lineTests.incrementAndGet();
      return literal.test(buffer, offset, length);
    }
  }

  @ParameterizedTest(name = "scan threads {0}")
  @ValueSource(ints = {0, 2})
  void aLiteralFullScanIsSearchedBlockWideAndEveryLineIsReported(int scanThreads) throws IOException {
    try (DiskLogStore store = DiskLogStore.open(DiskLogStoreContractTest.testConfig(directory).withMergePolicy(MergePolicy.disabled()), scanThreads)) {
      long lineBytes = writeDay(store);
      CountingLiteralFilter filter = new CountingLiteralFilter();
      BudgetListener listener = new BudgetListener(Long.MAX_VALUE);
      long blocksBefore = store.metrics().blocksRead();
      SelectRequest request =
          new SelectRequest("t", API::equals, START_NANOS, START_NANOS + DAY_NANOS, Direction.FORWARD, filter, List.of("needle"), listener);

      int found = 0;
      for (EntryCursor cursor : store.select(request)) {
        try (cursor) {
          while (cursor.next()) {
            assertThat(cursor.line()).contains("needle");
            found++;
          }
        }
      }

      assertThat(found).isEqualTo(PARTS * ENTRIES_PER_PART / NEEDLE_EVERY);
      assertThat(filter.lineTests.get()).as("per-line tests of the literal filter").isZero();
      // Every line of every block was reported, though only the needles were looked at.
      assertThat(listener.lines.sum()).isEqualTo((long) PARTS * ENTRIES_PER_PART);
      assertThat(listener.bytes.sum()).isEqualTo(lineBytes);
      assertThat(listener.blocks.sum()).isEqualTo(store.metrics().blocksRead() - blocksBefore).isGreaterThanOrEqualTo(2L * PARTS);
    }
  }

  @ParameterizedTest(name = "scan threads {0}")
  @ValueSource(ints = {0, 2})
  void aFullScanStopsOnceItsByteBudgetIsSpent(int scanThreads) throws IOException {
    try (DiskLogStore store = DiskLogStore.open(DiskLogStoreContractTest.testConfig(directory).withMergePolicy(MergePolicy.disabled()), scanThreads)) {
      writeDay(store);
      long blocksInAll = countBlocks(store);
      CountingLiteralFilter filter = new CountingLiteralFilter();
      // About two blocks' worth of lines.
      BudgetListener listener = new BudgetListener(1_000_000);
      long blocksBefore = store.metrics().blocksRead();
      SelectRequest request =
          new SelectRequest("t", API::equals, START_NANOS, START_NANOS + DAY_NANOS, Direction.BACKWARD, filter, List.of("needle"), listener);

      assertThatThrownBy(() -> {
        for (EntryCursor cursor : store.select(request)) {
          try (cursor) {
            while (cursor.next()) {
              assertThat(cursor.line()).contains("needle");
            }
          }
        }
      }).isSameAs(listener.abort);

      long blocksRead = store.metrics().blocksRead() - blocksBefore;
      assertThat(blocksInAll).isGreaterThanOrEqualTo(20);
      // The abort came with the block that crossed the budget; at most the read-ahead (3 blocks) was under way.
      assertThat(listener.blocks.sum()).isBetween(2L, 3L + DiskLogStore.SCAN_BLOCKS_AHEAD);
      assertThat(blocksRead).isLessThanOrEqualTo(3L + DiskLogStore.SCAN_BLOCKS_AHEAD).isLessThan(blocksInAll / 2);
      assertThat(filter.lineTests.get()).isZero();
    }
  }

  @ParameterizedTest(name = "scan threads {0}")
  @ValueSource(ints = {0, 2})
  void headLinesAreReportedInRunsAndTheListenerStopsTheirScan(int scanThreads) throws IOException {
    try (DiskLogStore store = DiskLogStore.open(DiskLogStoreContractTest.testConfig(directory), scanThreads)) {
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) {
        entries.add(new LogEntry(START_NANOS + i, String.format("line %05d", i)));
      }
      store.append("t", List.of(new StreamBatch(API, entries)));

      BudgetListener counting = new BudgetListener(Long.MAX_VALUE);
      SelectRequest all = new SelectRequest("t", API::equals, START_NANOS, START_NANOS + 4_000, Direction.BACKWARD, null, List.of(), counting);
      int read = 0;
      for (EntryCursor cursor : store.select(all)) {
        try (cursor) {
          while (cursor.next()) {
            read++;
          }
        }
      }
      assertThat(read).isEqualTo(4_000);
      assertThat(counting.lines.sum()).isEqualTo(4_000);
      assertThat(counting.bytes.sum()).isEqualTo(4_000L * 10);
      assertThat(counting.blocks.sum()).isEqualTo(4);

      BudgetListener stopping = new BudgetListener(15_000);
      SelectRequest limited = all.withScanListener(stopping);
      AtomicLong taken = new AtomicLong();
      assertThatThrownBy(() -> {
        for (EntryCursor cursor : store.select(limited)) {
          try (cursor) {
            while (cursor.next()) {
              taken.incrementAndGet();
            }
          }
        }
      }).isSameAs(stopping.abort);
      // The second run of 1,024 lines crossed the budget before any of its lines was handed out.
      assertThat(taken.get()).isLessThanOrEqualTo(1_024);
      assertThat(stopping.lines.sum()).isEqualTo(2_048);
    }
  }

  private static long countBlocks(DiskLogStore store) throws IOException {
    long before = store.metrics().blocksRead();
    for (EntryCursor cursor : store.select(SelectRequest.all("t", Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD))) {
      try (cursor) {
        while (cursor.next()) {
          // Reads every block.
        }
      }
    }
    return store.metrics().blocksRead() - before;
  }
}
