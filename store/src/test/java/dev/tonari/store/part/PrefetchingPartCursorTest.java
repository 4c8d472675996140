package dev.tonari.store.part;

import static dev.tonari.store.part.PartTestData.Entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The read-ahead cursor against the sequential {@link PartCursor}: same entries in the same order
 * for random data, ranges, directions and filters, also when many cursors are consumed
 * interleaved on a pool with fewer threads than cursors; closing early stops reading; a corrupt
 * block reaches the consumer as the same {@link CorruptPartException}.
 */
class PrefetchingPartCursorTest {
  private static final long BASE = 1_700_000_000_000_000_000L;

  @Property(tries = 60)
  void prefetchingCursorsReturnWhatTheSequentialOnesReturn(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 2000) int blockTarget,
      @ForAll @IntRange(min = 1, max = 3) int threads,
      @ForAll @IntRange(min = 1, max = 4) int blocksAhead)
      throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    TreeMap<Labels, List<Entry>> streams = PartTestData.randomStreams(random, 4, 200);
    Path file = Files.createTempFile("tonari-prefetch", ".part");
    try (BlockScanPool pool = new BlockScanPool(threads, blocksAhead)) {
      PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(blockTarget), streams);
      PartReader reader = PartReader.open(file.toString(), PartTestData.load(file, PartTestData.BufferKind.MAPPED));
      for (int query = 0; query < 6; query++) {
        long from = BASE - 1_000_000_000L + random.nextLong(3_000_000_000L);
        long to = random.nextInt(4) == 0 ? Long.MAX_VALUE : from + random.nextLong(2_000_000_000L);
        Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
        List<String> literals = new ArrayList<>();
        LinePredicate filter = LinePredicate.ALL;
        int kind = random.nextInt(3);
        // Random data may have no stream at all: then there is no line to take a literal from.
        if (kind > 0 && !streams.isEmpty()) {
          List<Entry> some = streams.firstEntry().getValue();
          String line = some.get(random.nextInt(some.size())).line();
          String literal = line.length() < 3 ? line : line.substring(0, 1 + random.nextInt(Math.min(8, line.length() - 1)));
          if (!literal.isEmpty() && !Character.isHighSurrogate(literal.charAt(literal.length() - 1))) {
            literals.add(literal);
          }
          filter = kind == 1 ? LiteralLinePredicate.containingAll(literals) : PartTestData.contains(literals.isEmpty() ? "" : literals.get(0));
        }
        // Every stream's cursor is open at once and consumed round-robin, as a query merging streams does.
        List<EntryCursor> sequential = new ArrayList<>();
        List<EntryCursor> prefetching = new ArrayList<>();
        for (int s = 0; s < reader.streams().size(); s++) {
          sequential.add(reader.cursor(s, from, to, direction, filter, literals));
          prefetching.add(reader.prefetchingCursor(s, from, to, direction, filter, literals, pool));
        }
        assertThat(drainInterleaved(prefetching, random)).as("[%d, %d) %s %s", from, to, direction, literals).isEqualTo(drainInterleaved(sequential, random));
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Takes a random number of entries from each cursor in turn until all are exhausted; per stream lists. */
  private static List<List<Entry>> drainInterleaved(List<EntryCursor> cursors, SplittableRandom random) throws IOException {
    List<List<Entry>> results = new ArrayList<>();
    boolean[] done = new boolean[cursors.size()];
    for (int i = 0; i < cursors.size(); i++) {
      results.add(new ArrayList<>());
    }
    int remaining = cursors.size();
    while (remaining > 0) {
      for (int i = 0; i < cursors.size(); i++) {
        EntryCursor cursor = cursors.get(i);
        for (int take = 1 + random.nextInt(5); take > 0 && !done[i]; take--) {
          if (cursor.next()) {
            results.get(i).add(new Entry(cursor.timestamp(), cursor.line(), cursor.metadata()));
          } else {
            done[i] = true;
            remaining--;
            cursor.close();
          }
        }
      }
    }
    return results;
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void threeHundredCursorsOnOneThreadDoNotDeadlock(@org.junit.jupiter.api.io.TempDir Path directory) throws Exception {
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>();
    for (int s = 0; s < 300; s++) {
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        entries.add(new Entry(BASE + i * 1_000L, "stream " + s + " line " + i + (i % 7 == 0 ? " deadlock" : " fine"), Labels.EMPTY));
      }
      streams.put(Labels.of("pod", String.format("p%03d", s)), entries);
    }
    Path file = directory.resolve("many.part");
    PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(200), streams);
    PartReader reader = PartReader.open(file.toString(), PartTestData.load(file, PartTestData.BufferKind.MAPPED));
    LinePredicate filter = LiteralLinePredicate.containingAll(List.of("deadlock"));
    try (BlockScanPool pool = new BlockScanPool(1, 2)) {
      List<EntryCursor> cursors = new ArrayList<>();
      for (int s = 0; s < 300; s++) {
        cursors.add(reader.prefetchingCursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, filter, List.of("deadlock"), pool));
      }
      List<List<Entry>> results = drainInterleaved(cursors, new SplittableRandom(7));
      int s = 0;
      for (List<Entry> entries : streams.values()) {
        assertThat(results.get(s++)).isEqualTo(PartTestData.expected(entries, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, filter));
      }
    }
  }

  @Test
  void closingEarlyStopsReadingBlocks(@org.junit.jupiter.api.io.TempDir Path directory) throws Exception {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      entries.add(new Entry(BASE + i * 1_000L, "line " + i + " of a stream that holds the word deadlock everywhere", Labels.EMPTY));
    }
    Path file = directory.resolve("long.part");
    PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(4096), new TreeMap<>(java.util.Map.of(Labels.of("app", "a"), entries)));
    PartReader reader = PartReader.open(file.toString(), PartTestData.load(file, PartTestData.BufferKind.MAPPED));
    int blocks = reader.firstBlockOf(1) - reader.firstBlockOf(0);
    assertThat(blocks).isGreaterThan(100);
    int blocksAhead = 3;
    for (Direction direction : Direction.values()) {
      long before = reader.blocksRead();
      // Closing the pool waits for a task that was already running, so the count is final after it.
      try (BlockScanPool pool = new BlockScanPool(2, blocksAhead)) {
        // A query with limit 100: takes 100 entries (a block holds about 60), then closes its cursor.
        try (EntryCursor cursor = reader.prefetchingCursor(0, Long.MIN_VALUE, Long.MAX_VALUE, direction,
            LiteralLinePredicate.containingAll(List.of("deadlock")), List.of("deadlock"), pool)) {
          for (int i = 0; i < 100; i++) {
            assertThat(cursor.next()).isTrue();
          }
        }
      }
      long read = reader.blocksRead() - before;
      assertThat(read).as("%s: blocks read of %d", direction, blocks).isBetween(2L, 2L + blocksAhead + 1);
    }
  }

  @Test
  void aCorruptBlockReachesTheConsumerWithItsContext(@org.junit.jupiter.api.io.TempDir Path directory) throws Exception {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      entries.add(new Entry(BASE + i * 1_000L, "line " + i + " user=alice status=200", Labels.EMPTY));
    }
    Path file = directory.resolve("corrupt.part");
    PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(2048), new TreeMap<>(java.util.Map.of(Labels.of("app", "a"), entries)));
    byte[] bytes = Files.readAllBytes(file);
    PartReader intact = PartReader.open("corrupt.part", ByteBuffer.wrap(bytes));
    int third = intact.firstBlockOf(0) + 2;
    bytes[(int) intact.blockOffset[third] + 1] ^= 0x40;
    PartReader reader = PartReader.open("corrupt.part", ByteBuffer.wrap(bytes));
    try (BlockScanPool pool = new BlockScanPool(2, 2);
        EntryCursor cursor = reader.prefetchingCursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of(), pool)) {
      int read = 0;
      try {
        while (cursor.next()) {
          read++;
        }
        throw new AssertionError("the corrupt block was not reported");
      } catch (CorruptPartException e) {
        assertThat(e).hasMessageContaining("corrupt.part").hasMessageContaining("checksum");
      }
      // The two intact blocks before it were served first.
      assertThat(read).isGreaterThan(0);
    }
    // Filters that throw (a query over its byte budget) reach the consumer unchanged too.
    try (BlockScanPool pool = new BlockScanPool(2, 2)) {
      PartReader healthy = PartReader.open("healthy.part", PartTestData.load(file, PartTestData.BufferKind.HEAP));
      LinePredicate failing = (buffer, offset, length) -> {
        throw new IllegalStateException("budget exhausted");
      };
      EntryCursor cursor = healthy.prefetchingCursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.BACKWARD, failing, List.of(), pool);
      assertThatThrownBy(cursor::next).isInstanceOf(IllegalStateException.class).hasMessage("budget exhausted");
      cursor.close();
    }
  }
}
