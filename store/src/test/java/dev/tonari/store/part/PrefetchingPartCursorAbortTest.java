package dev.tonari.store.part;

import static dev.tonari.store.part.PartTestData.Entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.ScanAbortedException;
import dev.tonari.store.ScanListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan listener that stops a prefetching scan: the abort reaches the consumer as thrown, the
 * cursor queues no more blocks, and tasks that start afterwards (of this cursor or of another one
 * sharing the listener) read nothing.
 */
class PrefetchingPartCursorAbortTest {
  private static final long BASE = 1_700_000_000_000_000_000L;
  private static final int BLOCKS_AHEAD = 3;
  private static final int ABORT_AT_BLOCK = 5;

  /** Stops the scan at its {@value #ABORT_AT_BLOCK}th block and at every block after, as a query context does. */
  private static final class StopAtBlock implements ScanListener {
    final AtomicInteger blocks = new AtomicInteger();
    final LongAdder lines = new LongAdder();
    final ScanAbortedException abort = new ScanAbortedException("budget spent at block " + ABORT_AT_BLOCK);
    volatile boolean stopped;

    @Override
    public void beforeBlock() {
      if (stopped) {
        throw abort;
      }
    }

    @Override
    public void blockScanned(int lineCount, long lineBytes) {
      lines.add(lineCount);
      if (blocks.incrementAndGet() >= ABORT_AT_BLOCK) {
        stopped = true;
        throw abort;
      }
    }
  }

  @Test
  void anAbortStopsTheReadAheadAndEveryLaterBlock(@TempDir Path directory) throws Exception {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      entries.add(new Entry(BASE + i * 1_000L, "line " + i + " user=alice status=200", Labels.EMPTY));
    }
    Path file = directory.resolve("many-blocks.part");
    PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(2048), new TreeMap<>(Map.of(Labels.of("app", "a"), entries)));
    PartReader reader = PartReader.open("many-blocks.part", PartTestData.load(file, PartTestData.BufferKind.HEAP));
    int blocksInAll = reader.firstBlockOf(1) - reader.firstBlockOf(0);
    assertThat(blocksInAll).isGreaterThan(30);
    StopAtBlock listener = new StopAtBlock();
    LiteralLinePredicate filter = LiteralLinePredicate.containingAll(List.of("alice"));

    BlockScanPool pool = new BlockScanPool(2, BLOCKS_AHEAD);
    EntryCursor cursor =
        reader.prefetchingCursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, filter, List.of("alice"), pool, listener);
    int read = 0;
    try {
      while (cursor.next()) {
        read++;
      }
      throw new AssertionError("the scan was not stopped");
    } catch (ScanAbortedException e) {
      assertThat(e).isSameAs(listener.abort);
    }
    // Waits for the tasks the scan threads had started; the ones still queued were cancelled.
    pool.close();
    long blocksRead = reader.blocksRead();
    assertThat(read).isLessThan(entries.size());
    // The aborting block, the ones before it, and at most the rest of the read-ahead already running.
    assertThat(blocksRead).isBetween((long) ABORT_AT_BLOCK, (long) ABORT_AT_BLOCK + BLOCKS_AHEAD - 1);

    // Asked again, the cursor throws the same abort without reading (a closed pool would make it read on this thread).
    assertThatThrownBy(cursor::next).isSameAs(listener.abort);
    assertThat(reader.blocksRead()).isEqualTo(blocksRead);
    cursor.close();

    // Another cursor of the same query stops before its first block.
    try (BlockScanPool other = new BlockScanPool(1, BLOCKS_AHEAD);
        EntryCursor sibling =
            reader.prefetchingCursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.BACKWARD, filter, List.of("alice"), other, listener)) {
      assertThatThrownBy(sibling::next).isSameAs(listener.abort);
    }
    assertThat(reader.blocksRead()).isEqualTo(blocksRead);
  }

  @Test
  void aStoppedCursorQueuesNothingMoreEvenWhenTheListenerWouldLetBlocksThrough(@TempDir Path directory) throws Exception {
    PartReader reader = manyBlocks(directory);
    // Throws once, at the fifth block; asked again it would let every block through.
    AtomicInteger blocks = new AtomicInteger();
    ScanAbortedException abort = new ScanAbortedException("once");
    ScanListener once = (lineCount, lineBytes) -> {
      if (blocks.incrementAndGet() == ABORT_AT_BLOCK) {
        throw abort;
      }
    };
    try (BlockScanPool pool = new BlockScanPool(2, BLOCKS_AHEAD);
        EntryCursor cursor = reader.prefetchingCursor(
            0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LiteralLinePredicate.containingAll(List.of("alice")), List.of(), pool, once)) {
      assertThatThrownBy(() -> {
        while (cursor.next()) {
          // Consumes until the abort.
        }
      }).isSameAs(abort);
      long offered = pool.tasksOffered();
      assertThat(offered).isBetween((long) ABORT_AT_BLOCK, (long) ABORT_AT_BLOCK + BLOCKS_AHEAD);
      for (int again = 0; again < 3; again++) {
        assertThatThrownBy(cursor::next).isSameAs(abort);
      }
      assertThat(pool.tasksOffered()).isEqualTo(offered);
      pool.close();
      assertThat(reader.blocksRead()).isLessThanOrEqualTo(offered);
    }
  }

  private static PartReader manyBlocks(Path directory) throws Exception {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      entries.add(new Entry(BASE + i * 1_000L, "line " + i + " user=alice status=200", Labels.EMPTY));
    }
    Path file = directory.resolve("many-blocks.part");
    PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(2048), new TreeMap<>(Map.of(Labels.of("app", "a"), entries)));
    return PartReader.open("many-blocks.part", PartTestData.load(file, PartTestData.BufferKind.HEAP));
  }

  @Test
  void everyBlockIsReportedOnceWithItsLinesInRange(@TempDir Path directory) throws Exception {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      entries.add(new Entry(BASE + i * 1_000L, "line " + i + (i % 7 == 0 ? " needle" : " hay"), Labels.EMPTY));
    }
    Path file = directory.resolve("report.part");
    PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(1024), new TreeMap<>(Map.of(Labels.of("app", "a"), entries)));
    PartReader reader = PartReader.open("report.part", PartTestData.load(file, PartTestData.BufferKind.MAPPED));
    long from = BASE + 300 * 1_000L;
    long to = BASE + 1_700 * 1_000L;
    long expectedBytes = entries.subList(300, 1_700).stream().mapToLong(entry -> entry.line().length()).sum();
    LiteralLinePredicate filter = LiteralLinePredicate.containingAll(List.of("needle"));
    for (Direction direction : Direction.values()) {
      LongAdder lines = new LongAdder();
      LongAdder bytes = new LongAdder();
      ScanListener counting = (lineCount, lineBytes) -> {
        lines.add(lineCount);
        bytes.add(lineBytes);
      };
      try (BlockScanPool pool = new BlockScanPool(2, BLOCKS_AHEAD);
          EntryCursor prefetching = reader.prefetchingCursor(0, from, to, direction, filter, List.of(), pool, counting)) {
        List<Entry> found = PartTestData.drain(prefetching);
        assertThat(found).hasSize((int) entries.subList(300, 1_700).stream().filter(entry -> entry.line().contains("needle")).count());
      }
      assertThat(lines.sum()).as("prefetching, " + direction).isEqualTo(1_400);
      assertThat(bytes.sum()).isEqualTo(expectedBytes);

      LongAdder sequentialLines = new LongAdder();
      LongAdder sequentialBytes = new LongAdder();
      ScanListener sequentialCounting = (lineCount, lineBytes) -> {
        sequentialLines.add(lineCount);
        sequentialBytes.add(lineBytes);
      };
      PartTestData.drain(reader.cursor(0, from, to, direction, filter, List.of(), sequentialCounting));
      assertThat(sequentialLines.sum()).as("sequential, " + direction).isEqualTo(1_400);
      assertThat(sequentialBytes.sum()).isEqualTo(expectedBytes);
    }
  }
}
