package dev.tonari.store.part;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.bloom.BlockFilters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Version 3 (templated lines) against version 2 (plain lines, the old writer path) on the same
 * entries; a golden version-2 part written before version 3 existed; and the column decoders fed
 * seeded garbage that passes the block checksum.
 */
class PartFormatVersionsTest {
  /** One entry with its line as bytes, so that lines need not be UTF-8. */
  record ByteEntry(long timestamp, byte[] line, Labels metadata) {
    @Override
    public boolean equals(Object other) {
      return other instanceof ByteEntry that && timestamp == that.timestamp && Arrays.equals(line, that.line) && metadata.equals(that.metadata);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(timestamp) * 31 + Arrays.hashCode(line);
    }

    @Override
    public String toString() {
      return timestamp + " " + new String(line, StandardCharsets.ISO_8859_1) + " " + metadata;
    }
  }

  private static final Comparator<ByteEntry> ORDER =
      Comparator.comparingLong(ByteEntry::timestamp).thenComparing((a, b) -> Arrays.compareUnsigned(a.line(), b.line()));

  @Property(tries = 60)
  void versionThreeReadsBackWhatVersionTwoDoes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 20_000) int blockTarget) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    TreeMap<Labels, List<ByteEntry>> streams = randomStreams(random);
    Path v2 = Files.createTempFile("tonari-v2", ".part");
    Path v3 = Files.createTempFile("tonari-v3", ".part");
    try {
      write(v2, PartWriterOptions.defaults("t").withBlockTargetBytes(blockTarget).withFormatVersion(PartFormat.VERSION_2), streams);
      write(v3, PartWriterOptions.defaults("t").withBlockTargetBytes(blockTarget), streams);
      PartReader old = PartReader.open(v2.toString(), ByteBuffer.wrap(Files.readAllBytes(v2)));
      PartReader current = PartReader.open(v3.toString(), PartTestData.load(v3, PartTestData.BufferKind.MAPPED));
      assertThat(old.version).isEqualTo(PartFormat.VERSION_2);
      assertThat(current.version).isEqualTo(PartFormat.VERSION);
      int s = 0;
      for (List<ByteEntry> entries : streams.values()) {
        for (int query = 0; query < 4; query++) {
          Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
          String literal = query == 0 ? "" : randomLiteral(random, entries);
          LinePredicate filter = literal.isEmpty() ? LinePredicate.ALL
              : random.nextBoolean() ? LiteralLinePredicate.containingAll(List.of(literal)) : PartTestData.contains(literal);
          List<String> literals = literal.isEmpty() ? List.of() : List.of(literal);
          List<ByteEntry> fromOld = drain(old.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, direction, filter, literals));
          List<ByteEntry> fromCurrent = drain(current.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, direction, filter, literals));
          assertThat(fromCurrent).as("stream %d, filter %s, %s", s, literal, direction).isEqualTo(fromOld);
          if (query == 0) {
            List<ByteEntry> expected = new ArrayList<>(entries);
            if (direction == Direction.BACKWARD) {
              Collections.reverse(expected);
            }
            assertThat(fromCurrent).isEqualTo(expected);
          }
        }
        s++;
      }
    } finally {
      Files.deleteIfExists(v2);
      Files.deleteIfExists(v3);
    }
  }

  @Property(tries = 300)
  void garbageColumnsOnlyEverFailAsCorruptPart(@ForAll long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    int version = switch (random.nextInt(4)) {
      case 0 -> PartFormat.VERSION_2;
      case 1 -> PartFormat.VERSION_3;
      default -> PartFormat.VERSION;
    };
    TreeMap<Labels, List<ByteEntry>> streams = randomStreams(random);
    Path file = Files.createTempFile("tonari-fuzz", ".part");
    try {
      write(file, PartWriterOptions.defaults("t").withFormatVersion(version), streams);
      PartReader reader = PartReader.open(file.toString(), ByteBuffer.wrap(Files.readAllBytes(file)));
      int block = random.nextInt(reader.firstBlockOf(reader.streams().size()));
      ByteBuffer compressed = reader.blockBytes(block);
      byte[] compressedBytes = new byte[reader.blockCompressedSize[block]];
      compressed.get(0, compressedBytes, 0, compressedBytes.length);
      byte[] decompressed = Zstd.decompress(compressedBytes, reader.blockRawSize[block]);
      int count = reader.blockEntryCount[block];
      try (BlockDecoder decoder = new BlockDecoder()) {
        for (int attempt = 0; attempt < 20; attempt++) {
          byte[] garbage = mutate(random, decompressed);
          int claimedCount = random.nextInt(5) == 0 ? 1 + random.nextInt(count + 3) : count;
          try {
            decoder.decodeDecompressedForTest(version, garbage, claimedCount);
            assertThat(decoder.entries).isEqualTo(claimedCount);
          } catch (CorruptPartException expected) {
            assertThat(expected).hasMessageContaining("block columns are inconsistent");
          }
        }
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * A version-2 part written by the writer of commit 85ec970 (before version 3 existed) from {@link
   * #goldenStreams()} with 2,000-byte blocks, read by today's reader.
   */
  @Test
  void goldenVersionTwoPartStaysReadable() throws Exception {
    byte[] bytes;
    try (InputStream in = PartFormatVersionsTest.class.getResourceAsStream("/golden/format-v2.part")) {
      assertThat(in).as("test resource golden/format-v2.part").isNotNull();
      bytes = in.readAllBytes();
    }
    PartReader reader = PartReader.open("format-v2.part", ByteBuffer.wrap(bytes));
    assertThat(reader.version).isEqualTo(PartFormat.VERSION_2);
    TreeMap<Labels, List<ByteEntry>> expected = goldenStreams();
    assertThat(reader.streams()).hasSize(expected.size());
    int s = 0;
    for (Map.Entry<Labels, List<ByteEntry>> stream : expected.entrySet()) {
      assertThat(reader.streams().get(s).labels()).isEqualTo(stream.getKey());
      assertThat(drain(reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of())))
          .isEqualTo(stream.getValue());
      s++;
    }
  }

  /**
   * A version-3 part (kind-1 bloom regions: token and substring filters) written by the writer of
   * main (commit 8440af9) before version 4 existed, from {@link #goldenStreams()} with 2,000-byte
   * blocks and tenant {@code golden}: today's reader returns exactly its entries, byte for byte, and
   * today's writer asked for version 3 still writes the same file.
   */
  @Test
  void goldenVersionThreePartStaysReadable() throws Exception {
    byte[] bytes;
    try (InputStream in = PartFormatVersionsTest.class.getResourceAsStream("/golden/format-v3.part")) {
      assertThat(in).as("test resource golden/format-v3.part").isNotNull();
      bytes = in.readAllBytes();
    }
    PartReader reader = PartReader.open("format-v3.part", ByteBuffer.wrap(bytes));
    assertThat(reader.version).isEqualTo(PartFormat.VERSION_3);
    assertThat(reader.blockBloom[0].isFolded()).isFalse();
    assertThat(reader.blockBloom[0].substrings()).isNotNull();
    TreeMap<Labels, List<ByteEntry>> expected = goldenStreams();
    assertThat(reader.streams()).hasSize(expected.size());
    // Its filters still prune for a literal of its own lines and answer as the plain scan.
    assertReadsBackAndPrunesLikeTheScan(reader, expected);
    Path rewritten = Files.createTempFile("tonari-golden-v3", ".part");
    try {
      write(rewritten, PartWriterOptions.defaults("golden").withBlockTargetBytes(2_000).withFormatVersion(PartFormat.VERSION_3), expected);
      assertThat(Files.readAllBytes(rewritten)).as("the version-3 writer path is unchanged").isEqualTo(bytes);
    } finally {
      Files.deleteIfExists(rewritten);
    }
  }

  /**
   * A version-4 part written by the first version-4 writer from {@link #goldenStreams()} (2,000-byte
   * blocks, tenant {@code golden}): read back entry by entry, pruned for a literal of its lines as
   * the plain scan answers, and written again byte for byte, so that any change to the folded
   * terms, their hash or the filter sizing fails here. Such a change would make the probes of new
   * readers miss terms of parts already written: it needs a new region kind or version, not an edit.
   */
  @Test
  void goldenVersionFourPartStaysReadableAndTheWriterStillWritesIt() throws Exception {
    assertGoldenFoldedPart("format-v4.part", PartFormat.VERSION_4, BlockFilters.KIND_FOLDED);
  }

  /** The same for version 5 (the terms word-hashed), written by the first version-5 writer. */
  @Test
  void goldenVersionFivePartStaysReadableAndTheWriterStillWritesIt() throws Exception {
    assertGoldenFoldedPart("format-v5.part", PartFormat.VERSION_5, BlockFilters.KIND_FOLDED_WORDS);
  }

  /** The same for version 6 (numeric spans), written by the first version-6 writer. */
  @Test
  void goldenVersionSixPartStaysReadableAndTheWriterStillWritesIt() throws Exception {
    assertGoldenFoldedPart("format-v6.part", PartFormat.VERSION_6, BlockFilters.KIND_FOLDED_NUMERIC_SPANS);
  }

  private static void assertGoldenFoldedPart(String name, int version, int regionKind) throws Exception {
    TreeMap<Labels, List<ByteEntry>> expected = goldenStreams();
    PartWriterOptions options = PartWriterOptions.defaults("golden").withBlockTargetBytes(2_000).withFormatVersion(version);
    String target = System.getProperty("tonari.golden.write");
    if (target != null) {
      // Only to make the file the first time a version exists: -Dtonari.golden.write=store/src/test/resources/golden
      write(Path.of(target, name), options, expected);
    }
    byte[] bytes;
    try (InputStream in = PartFormatVersionsTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("test resource golden/" + name).isNotNull();
      bytes = in.readAllBytes();
    }
    PartReader reader = PartReader.open(name, ByteBuffer.wrap(bytes));
    assertThat(reader.version).isEqualTo(version);
    assertThat(reader.blockBloom[0].kind()).isEqualTo(regionKind);
    // Its filters still prune for a literal of its own lines and answer as the plain scan.
    assertReadsBackAndPrunesLikeTheScan(reader, expected);
    Path rewritten = Files.createTempFile("tonari-golden-v" + version, ".part");
    try {
      write(rewritten, options, expected);
      assertThat(Files.readAllBytes(rewritten)).as("the version-%d writer writes the golden part byte for byte", version).isEqualTo(bytes);
    } finally {
      Files.deleteIfExists(rewritten);
    }
  }

  /**
   * Every stream of the reader holds the expected entries, and a cursor pruned by a literal of its
   * own lines answers as the unpruned one.
   */
  private static void assertReadsBackAndPrunesLikeTheScan(PartReader reader, TreeMap<Labels, List<ByteEntry>> expected) throws IOException {
    int s = 0;
    for (Map.Entry<Labels, List<ByteEntry>> stream : expected.entrySet()) {
      assertThat(reader.streams().get(s).labels()).isEqualTo(stream.getKey());
      assertThat(drain(reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of())))
          .isEqualTo(stream.getValue());
      ByteEntry sample = stream.getValue().get(stream.getValue().size() / 2);
      String literal = new String(sample.line(), StandardCharsets.UTF_8);
      literal = literal.substring(0, Math.min(literal.length(), 24));
      LinePredicate filter = PartTestData.contains(literal);
      assertThat(drain(reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.BACKWARD, filter, List.of(literal))))
          .isEqualTo(drain(reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.BACKWARD, filter, List.of())));
      s++;
    }
  }

  /** The content of the golden part: fixed, so that the file in the resources can be checked entry by entry. */
  static TreeMap<Labels, List<ByteEntry>> goldenStreams() {
    SplittableRandom random = new SplittableRandom(20261207L);
    return randomStreams(random);
  }

  static TreeMap<Labels, List<ByteEntry>> randomStreams(SplittableRandom random) {
    TreeMap<Labels, List<ByteEntry>> streams = new TreeMap<>();
    int streamCount = 1 + random.nextInt(3);
    for (int s = 0; s < streamCount; s++) {
      Labels labels = Labels.of("app", "app" + s, "pod", "p-" + random.nextInt(100));
      int entryCount = 1 + random.nextInt(120);
      long base = TemplatedLineShapes.randomTimestamp(random) / 2;
      int step = random.nextBoolean() ? 1_000_000 : 1 + random.nextInt(5_000);
      List<ByteEntry> entries = new ArrayList<>();
      long timestamp = base;
      for (int i = 0; i < entryCount; i++) {
        // Regular steps, jitter and repeats, so both timestamp encodings get chosen.
        timestamp += switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> step;
          default -> step + random.nextInt(step);
        };
        Labels metadata = random.nextInt(5) == 0 ? Labels.of("trace_id", "t" + random.nextInt(3)) : Labels.EMPTY;
        entries.add(new ByteEntry(timestamp, TemplatedLineShapes.randomLine(random), metadata));
      }
      entries.sort(ORDER);
      List<ByteEntry> unique = new ArrayList<>();
      for (ByteEntry entry : entries) {
        ByteEntry last = unique.isEmpty() ? null : unique.get(unique.size() - 1);
        if (last == null || last.timestamp() != entry.timestamp() || !Arrays.equals(last.line(), entry.line())) {
          unique.add(entry);
        }
      }
      streams.put(labels, unique);
    }
    return streams;
  }

  static void write(Path file, PartWriterOptions options, Map<Labels, List<ByteEntry>> streams) throws IOException {
    try (PartWriter writer = new PartWriter(file, options)) {
      for (Map.Entry<Labels, List<ByteEntry>> stream : streams.entrySet()) {
        writer.beginStream(stream.getKey());
        for (ByteEntry entry : stream.getValue()) {
          writer.add(entry.timestamp(), entry.line(), entry.metadata());
        }
        writer.endStream();
      }
      writer.finish();
    }
  }

  private static List<ByteEntry> drain(PartCursor cursor) throws IOException {
    List<ByteEntry> entries = new ArrayList<>();
    try (cursor) {
      while (cursor.next()) {
        entries.add(new ByteEntry(cursor.timestamp(),
            Arrays.copyOfRange(cursor.lineBuffer(), cursor.lineOffset(), cursor.lineOffset() + cursor.lineLength()), cursor.metadata()));
      }
    }
    return entries;
  }

  private static String randomLiteral(SplittableRandom random, List<ByteEntry> entries) {
    byte[] line = entries.get(random.nextInt(entries.size())).line();
    String text = new String(line, StandardCharsets.UTF_8);
    if (text.isEmpty() || random.nextInt(5) == 0) {
      return "absent-" + random.nextInt(1000);
    }
    int start = random.nextInt(text.length());
    return text.substring(start, Math.min(text.length(), start + 1 + random.nextInt(12)));
  }

  private static byte[] mutate(SplittableRandom random, byte[] original) {
    byte[] bytes = original.clone();
    switch (random.nextInt(4)) {
      case 0 -> {
        for (int flips = 1 + random.nextInt(4); flips > 0 && bytes.length > 0; flips--) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
      }
      case 1 -> {
        return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      }
      case 2 -> {
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(20));
        for (int i = bytes.length; i < longer.length; i++) {
          longer[i] = (byte) random.nextInt(256);
        }
        return longer;
      }
      default -> {
        // Garbage in the first bytes: the column sizes and timestamp parameters.
        for (int i = 0; i < Math.min(bytes.length, 1 + random.nextInt(8)); i++) {
          bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
      }
    }
  }
}
