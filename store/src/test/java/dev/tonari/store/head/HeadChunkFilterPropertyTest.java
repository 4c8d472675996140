package dev.tonari.store.head;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.ScanListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A head stream's needle scan that skips chunks by their filters returns exactly the lines of the
 * plain scan, for ids, pieces of ids, addresses and absent values, with entries out of time order
 * and chunks both full (filtered) and open (scanned).
 */
class HeadChunkFilterPropertyTest {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  @Property(tries = 25)
  void chunkPrunedScanEqualsThePlainScan(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5000) int entries) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    HeadStream stream = new HeadStream(Labels.of("app", "a"));
    List<String> lines = new ArrayList<>();
    List<LogEntry> batch = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      String line = "level=" + (random.nextInt(20) == 0 ? "ERROR" : "info") + " ip=" + ip(random) + " trace_id=" + hex(random, 32) + " n=" + i;
      lines.add(line);
      // Mostly in order, sometimes late, as agents deliver.
      long timestamp = 1_700_000_000_000_000_000L + (random.nextInt(10) == 0 ? random.nextInt(entries) : i) * 1000L;
      batch.add(new LogEntry(timestamp, line));
      if (batch.size() == 100 || i == entries - 1) {
        stream.append(batch);
        batch.clear();
      }
    }
    for (int query = 0; query < 10; query++) {
      String line = lines.get(random.nextInt(lines.size()));
      String literal = switch (random.nextInt(4)) {
        case 0 -> line.substring(line.indexOf("trace_id=") + 9, line.indexOf(" n="));
        case 1 -> line.substring(line.indexOf("trace_id=") + 9 + random.nextInt(10), line.indexOf(" n=") - random.nextInt(10));
        case 2 -> line.substring(line.indexOf("ip=") + 3, line.indexOf(" trace_id="));
        default -> hex(random, 32);
      };
      Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
      LiteralLinePredicate filter = LiteralLinePredicate.containingAll(List.of(literal));
      HeadStreamSnapshot snapshot = stream.snapshot();
      List<String> plain = drain(snapshot.cursor(Long.MIN_VALUE, Long.MAX_VALUE, direction, filter));
      List<String> pruned = drain(
          snapshot.cursor(Long.MIN_VALUE, Long.MAX_VALUE, direction, filter, ScanListener.NONE, List.of(literal), stream.chunkFilters()));
      assertThat(pruned).as("literal %s", literal).isEqualTo(plain);
      assertThat(stream.chunkFilters()).hasSize(entries / HeadStream.CHUNK_ENTRIES);
    }
  }

  private static List<String> drain(EntryCursor cursor) throws IOException {
    List<String> lines = new ArrayList<>();
    while (cursor.next()) {
      lines.add(new String(cursor.lineBuffer(), cursor.lineOffset(), cursor.lineLength(), StandardCharsets.UTF_8) + "@" + cursor.timestamp());
    }
    return lines;
  }

  private static String hex(SplittableRandom random, int digits) {
    char[] chars = new char[digits];
    for (int i = 0; i < digits; i++) {
      chars[i] = HEX[random.nextInt(16)];
    }
    return new String(chars);
  }

  private static String ip(SplittableRandom random) {
    return (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
  }
}
