package dev.tonari.store.part;

import static dev.tonari.store.part.PartTestData.Entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LiteralLinePredicate;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The pruned needle scan (token and substring filters skip blocks) returns exactly the lines of the
 * unpruned scan of the same part, for bare ids, pieces of ids, addresses and random substrings,
 * and a part written before the substring filter (a golden file of the version 2 writer) still
 * reads and prunes with its token filters.
 */
class NeedlePruningPropertyTest {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  @Property(tries = 60)
  void prunedScanReturnsTheLinesOfTheUnprunedScan(
      @ForAll long seed, @ForAll @IntRange(min = 200, max = 4000) int blockTarget, @ForAll boolean prefetching) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    TreeMap<Labels, List<Entry>> streams = idStreams(random);
    Path file = Files.createTempFile("tonari-needle", ".part");
    try (BlockScanPool pool = new BlockScanPool(2, 3)) {
      PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(blockTarget), streams);
      PartReader reader = PartReader.open(file.toString(), PartTestData.load(file, PartTestData.BufferKind.HEAP));
      int s = 0;
      for (List<Entry> entries : streams.values()) {
        for (int query = 0; query < 8; query++) {
          String literal = randomNeedle(random, entries);
          LiteralLinePredicate filter = LiteralLinePredicate.containingAll(List.of(literal));
          Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
          List<Entry> unpruned = PartTestData.drain(reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, direction, filter, List.of()));
          List<Entry> pruned = PartTestData.drain(
              prefetching
                  ? reader.prefetchingCursor(s, Long.MIN_VALUE, Long.MAX_VALUE, direction, filter, List.of(literal), pool)
                  : reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, direction, filter, List.of(literal)));
          assertThat(pruned).as("stream %d, literal %s", s, literal).isEqualTo(unpruned);
          assertThat(unpruned).as("reference for %s", literal).isEqualTo(PartTestData.expected(entries, Long.MIN_VALUE, Long.MAX_VALUE, direction, filter));
        }
        s++;
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void aBareIdSkipsTheBlocksWithoutIt() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>();
    List<Entry> entries = new ArrayList<>();
    String needle = null;
    for (int i = 0; i < 2000; i++) {
      String id = hex(random, 32);
      needle = i == 1234 ? id : needle;
      entries.add(accessEntry(i, ip(random), id));
    }
    streams.put(Labels.of("app", "a"), entries);
    Path file = Files.createTempFile("tonari-needle", ".part");
    try {
      PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(4096), streams);
      PartReader reader = PartReader.open(file.toString(), PartTestData.load(file, PartTestData.BufferKind.HEAP));
      int blocks = reader.firstBlockOf(1);
      List<Entry> found = PartTestData.drain(
          reader.cursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LiteralLinePredicate.containingAll(List.of(needle)), List.of(needle)));
      assertThat(found).hasSize(1);
      assertThat(blocks).isGreaterThanOrEqualTo(30);
      // One block holds the id; at the filters' rates hardly any other passes by chance.
      assertThat(reader.blocksRead()).isBetween(1L, 3L);
      assertThat(reader.blocksSkippedByBloom()).isGreaterThanOrEqualTo(blocks - 3L);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * An address is found, and blocks without it are skipped, in a part of version 5 (kind-3
   * regions, no spans: the reader must not probe spans there) as in one of version 6, from the
   * same entries; and version 6 reads fewer blocks, since its span ties the four octets.
   */
  @Test
  void anAddressIsFoundInPartsOfVersionsFiveAndSixAlike() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>();
    List<Entry> entries = new ArrayList<>();
    String needle = null;
    for (int i = 0; i < 3000; i++) {
      // Addresses from a small space, so that octets and their junctions recur in every block.
      String address = random.nextInt(8) + "." + random.nextInt(8) + "." + random.nextInt(8) + "." + random.nextInt(100);
      needle = i == 1717 ? address : needle;
      entries.add(accessEntry(i, address, hex(random, 32)));
    }
    streams.put(Labels.of("app", "a"), entries);
    String literal = needle;
    List<Entry> expected = entries.stream().filter(e -> e.line().contains(literal)).toList();
    long[] blocksRead = new long[2];
    int[] versions = {PartFormat.VERSION_5, PartFormat.VERSION_6};
    for (int v = 0; v < versions.length; v++) {
      Path file = Files.createTempFile("tonari-needle-v" + versions[v], ".part");
      try {
        PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(4096).withFormatVersion(versions[v]), streams);
        PartReader reader = PartReader.open(file.toString(), PartTestData.load(file, PartTestData.BufferKind.HEAP));
        assertThat(reader.version).isEqualTo(versions[v]);
        List<Entry> found = PartTestData.drain(
            reader.cursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LiteralLinePredicate.containingAll(List.of(literal)), List.of(literal)));
        assertThat(found).as("version %d", versions[v]).isEqualTo(expected);
        blocksRead[v] = reader.blocksRead();
      } finally {
        Files.deleteIfExists(file);
      }
    }
    assertThat(blocksRead[1]).isLessThan(blocksRead[0]);
  }

  /**
   * A store asks {@link PartReader#mayHoldAll} before it makes a cursor: true for the stream whose
   * block holds the id, and for any stream without probes; false for a stream none of whose blocks
   * in the range may hold it, counting those blocks as a cursor would have.
   */
  @Test
  void aStreamNoneOfWhoseBlocksMayHoldTheIdIsToldApartWithoutACursor() throws Exception {
    SplittableRandom random = new SplittableRandom(6);
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>();
    String needle = null;
    for (int s = 0; s < 3; s++) {
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String id = hex(random, 32);
        needle = s == 1 && i == 200 ? id : needle;
        entries.add(accessEntry(i, ip(random), id));
      }
      streams.put(Labels.of("app", "a" + s), entries);
    }
    Path file = Files.createTempFile("tonari-needle", ".part");
    try {
      PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(4096), streams);
      PartReader reader = PartReader.open(file.toString(), PartTestData.load(file, PartTestData.BufferKind.HEAP));
      dev.tonari.store.bloom.NeedleProbes[] probes = dev.tonari.store.bloom.NeedleProbes.of(List.of(needle));
      long all = Long.MIN_VALUE;
      long none = Long.MAX_VALUE;
      assertThat(reader.mayHoldAll(1, all, none, probes)).isTrue();
      assertThat(reader.mayHoldAll(0, all, none, new dev.tonari.store.bloom.NeedleProbes[0])).isTrue();
      assertThat(reader.blocksSkippedByBloom()).isZero();
      int blocksOfStreamZero = reader.firstBlockOf(1);
      assertThat(reader.mayHoldAll(0, all, none, probes)).isFalse();
      assertThat(reader.blocksSkippedByBloom()).isEqualTo(blocksOfStreamZero);
      // Outside the stream's time range no block is probed, and none is counted.
      assertThat(reader.mayHoldAll(2, 0, 1, probes)).isFalse();
      assertThat(reader.blocksSkippedByBloom()).isEqualTo(blocksOfStreamZero);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void aPartOfTheVersionTwoWriterReadsAndPrunesWithItsTokenFilters() throws Exception {
    byte[] bytes;
    try (InputStream in = NeedlePruningPropertyTest.class.getResourceAsStream("/golden/legacy-bloom-v2.part")) {
      bytes = in.readAllBytes();
    }
    PartReader reader = PartReader.open("legacy-bloom-v2.part", ByteBuffer.wrap(bytes));
    assertThat(reader.summary().entries()).isEqualTo(80);
    assertThat(reader.blockBloom[0].substrings()).isNull();
    List<Entry> all = PartTestData.drain(reader.cursor(1, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, null, List.of()));
    assertThat(all).hasSize(40);
    assertThat(all.get(3).line()).startsWith("ts=2024-05-01T12:00:13Z level=info stream=1 entry=3 client_ip=10.1.1.3 trace_id=");
    // A token probe still skips the stream whose block lacks the word; a bare id reads every block.
    List<Entry> errors = PartTestData.drain(
        reader.cursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LiteralLinePredicate.containingAll(List.of("level=ERROR ")), List.of("level=ERROR ")));
    assertThat(errors).hasSize(6);
    String id = all.get(3).line().substring(all.get(3).line().indexOf("trace_id=") + 9);
    List<Entry> byId = PartTestData.drain(reader.cursor(1, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LiteralLinePredicate.containingAll(List.of(id)), List.of(id)));
    assertThat(byId).containsExactly(all.get(3));
    PartReader missing = PartReader.open("legacy-bloom-v2.part", ByteBuffer.wrap(bytes));
    String absent = "level=WARN ";
    assertThat(PartTestData.drain(missing.cursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LiteralLinePredicate.containingAll(List.of(absent)), List.of(absent)))).isEmpty();
    assertThat(missing.blocksSkippedByBloom()).isEqualTo(1);
  }

  /** Streams of lines full of ids and addresses, as the benchmark corpus has. */
  private static TreeMap<Labels, List<Entry>> idStreams(SplittableRandom random) {
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>();
    int count = 1 + random.nextInt(3);
    for (int s = 0; s < count; s++) {
      Map<String, Entry> unique = new LinkedHashMap<>();
      int entries = 1 + random.nextInt(300);
      for (int i = 0; i < entries; i++) {
        long timestamp = 1_700_000_000_000_000_000L + random.nextInt(entries) * 1000L;
        String line = random.nextInt(4) == 0
            ? PartTestData.randomLine(random)
            : "ts=" + i + " level=" + (random.nextInt(10) == 0 ? "ERROR" : "info") + " ip=" + ip(random) + " id=" + hex(random, 1 + random.nextInt(40))
                + (random.nextBoolean() ? " upstream=" + ip(random) + ":" + random.nextInt(9000) : "") + " " + PartTestData.randomLine(random);
        unique.putIfAbsent(timestamp + "\u0000" + line, new Entry(timestamp, line, Labels.EMPTY));
      }
      List<Entry> list = new ArrayList<>(unique.values());
      list.sort(PartTestData.ORDER);
      streams.put(Labels.of("app", "a" + s), list);
    }
    return streams;
  }

  /** A piece of a line of the stream (often an id or address), or a fresh id that is nowhere. */
  private static String randomNeedle(SplittableRandom random, List<Entry> entries) {
    String line = entries.get(random.nextInt(entries.size())).line();
    int kind = random.nextInt(5);
    if (kind == 0 || line.isEmpty()) {
      return hex(random, 8 + random.nextInt(32));
    }
    if (kind == 1 && line.contains(" id=")) {
      int start = line.indexOf(" id=") + 4;
      int end = line.indexOf(' ', start);
      String id = line.substring(start, end < 0 ? line.length() : end);
      int from = random.nextInt(Math.max(1, id.length()));
      return id.substring(from, from + 1 + random.nextInt(id.length() - from));
    }
    if (kind == 2 && line.contains(" ip=")) {
      int start = line.indexOf(" ip=") + 4 + random.nextInt(3);
      int end = Math.min(line.length(), start + 5 + random.nextInt(12));
      return line.substring(start, end);
    }
    int start = random.nextInt(line.length());
    int end = Math.min(line.length(), start + 1 + random.nextInt(40));
    if (Character.isLowSurrogate(line.charAt(start))) {
      start--;
    }
    if (end < line.length() && Character.isLowSurrogate(line.charAt(end))) {
      end++;
    }
    return line.substring(start, end);
  }

  private static String hex(SplittableRandom random, int digits) {
    char[] chars = new char[digits];
    for (int i = 0; i < digits; i++) {
      chars[i] = HEX[random.nextInt(16)];
    }
    return new String(chars);
  }

  /** The i-th entry of a stream of access lines with this client address and trace id, a microsecond apart. */
  private static Entry accessEntry(int i, String clientIp, String traceId) {
    return new Entry(1_700_000_000_000_000_000L + i * 1000L, "level=info client_ip=" + clientIp + " trace_id=" + traceId, Labels.EMPTY);
  }

  private static String ip(SplittableRandom random) {
    return (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
  }
}
