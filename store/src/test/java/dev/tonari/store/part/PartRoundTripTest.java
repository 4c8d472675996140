package dev.tonari.store.part;

import static dev.tonari.store.part.PartTestData.Entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartRoundTripTest {
  @TempDir Path directory;

  @ParameterizedTest
  @CsvSource({"1, 1, HEAP", "2, 200, MAPPED", "3, 4096, READ_ONLY_HEAP", "4, 262144, MAPPED", "5, 64, HEAP"})
  void everyStreamReadsBackInBothDirectionsAndAtTimeRangeEdges(long seed, int blockTarget, PartTestData.BufferKind kind) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    TreeMap<Labels, List<Entry>> streams = PartTestData.randomStreams(random, 6, 400);
    Path file = directory.resolve("p" + seed + ".part");
    PartWriterOptions options = new PartWriterOptions("team-a", 2, List.of("a.part", "b.part"), 3, blockTarget, 0.01);
    PartSummary written = PartTestData.write(file, options, streams);

    PartReader reader = PartReader.open(file.toString(), PartTestData.load(file, kind));
    assertThat(reader.summary()).isEqualTo(written);
    assertThat(written.fileBytes()).isEqualTo(Files.size(file));
    assertThat(written.tenant()).isEqualTo("team-a");
    assertThat(written.level()).isEqualTo(2);
    assertThat(written.replaces()).containsExactly("a.part", "b.part");
    assertThat(written.streams()).isEqualTo(streams.size());
    assertThat(written.entries()).isEqualTo(streams.values().stream().mapToLong(List::size).sum());
    assertThat(written.rawBytes()).isEqualTo(streams.values().stream().flatMap(List::stream).mapToLong(e -> e.bytes().length).sum());
    assertThat(reader.streams()).extracting(PartStream::labels).containsExactlyElementsOf(streams.keySet());

    int s = 0;
    for (Map.Entry<Labels, List<Entry>> stream : streams.entrySet()) {
      List<Entry> entries = stream.getValue();
      PartStream meta = reader.streams().get(s);
      assertThat(meta.entries()).isEqualTo(entries.size());
      assertThat(meta.minTimestamp()).isEqualTo(entries.get(0).timestamp());
      assertThat(meta.maxTimestamp()).isEqualTo(entries.get(entries.size() - 1).timestamp());
      assertThat(meta.fingerprint()).isEqualTo(stream.getKey().fingerprint());
      assertThat(reader.indexOf(stream.getKey())).isEqualTo(s);
      for (Direction direction : Direction.values()) {
        assertThat(PartTestData.drain(reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, direction, LinePredicate.ALL, List.of())))
            .isEqualTo(PartTestData.expected(entries, Long.MIN_VALUE, Long.MAX_VALUE, direction, LinePredicate.ALL));
        long first = meta.minTimestamp();
        long last = meta.maxTimestamp();
        long middle = entries.get(entries.size() / 2).timestamp();
        long[][] ranges = {{first, last}, {first, last + 1}, {first + 1, last}, {middle, middle + 1}, {middle, middle}, {last + 1, Long.MAX_VALUE},
            {Long.MIN_VALUE, first}, {middle, last + 1}, {first - 5, middle}};
        for (long[] range : ranges) {
          assertThat(PartTestData.drain(reader.cursor(s, range[0], range[1], direction, LinePredicate.ALL, List.of())))
              .as("stream %s range [%d, %d) %s", stream.getKey(), range[0], range[1], direction)
              .isEqualTo(PartTestData.expected(entries, range[0], range[1], direction, LinePredicate.ALL));
        }
      }
      s++;
    }
  }

  @Test
  void bloomFiltersSkipBlocksWithoutTheLiteralButNeverMatchingOnes() throws Exception {
    Path file = directory.resolve("needle.part");
    Labels labels = Labels.of("app", "api");
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>();
    List<Entry> entries = new java.util.ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      String line = i == 1234 ? "level=error msg=\"disk quota exceeded\" user=needle42" : "level=info msg=\"request completed\" path=/api/" + i;
      entries.add(new Entry(1_000L + i, line, Labels.EMPTY));
    }
    streams.put(labels, entries);
    // The literal has one probe (the prefix of needle42; user touches the literal's start), so at
    // the default 20% per term about a fifth of the blocks would pass by chance, and how many
    // depends on the hash; at 1% per term more than 3 of some 45 blocks passing is a bug.
    PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(2000).withFoldedFalsePositiveRate(0.01), streams);
    PartReader reader = PartReader.open("needle", PartTestData.load(file, PartTestData.BufferKind.MAPPED));
    int blocks = reader.streams().get(0).blockCount();
    assertThat(blocks).isGreaterThan(20);

    String literal = "user=needle42";
    List<Entry> found = PartTestData.drain(
        reader.cursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.BACKWARD, PartTestData.contains(literal), List.of(literal)));
    assertThat(found).extracting(Entry::timestamp).containsExactly(1_000L + 1234);
    assertThat(reader.blocksRead()).isLessThanOrEqualTo(3);
    assertThat(reader.blocksSkippedByBloom()).isGreaterThanOrEqualTo(blocks - 3L);
  }

  @Test
  void timeRangeSkipsBlocksWithoutReadingThem() throws Exception {
    Path file = directory.resolve("time.part");
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>();
    List<Entry> entries = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      entries.add(new Entry(i * 10L, "line number " + i, Labels.EMPTY));
    }
    streams.put(Labels.of("app", "x"), entries);
    PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(500), streams);
    PartReader reader = PartReader.open("time", PartTestData.load(file, PartTestData.BufferKind.HEAP));
    List<Entry> found = PartTestData.drain(reader.cursor(0, 5000, 5100, Direction.FORWARD, LinePredicate.ALL, List.of()));
    assertThat(found).extracting(Entry::line).containsExactly(
        "line number 500", "line number 501", "line number 502", "line number 503", "line number 504",
        "line number 505", "line number 506", "line number 507", "line number 508", "line number 509");
    assertThat(reader.blocksRead()).isLessThanOrEqualTo(2);
  }

  @Test
  void metadataAndUnicodeSurviveAndLinesAreExposedInPlace() throws Exception {
    Path file = directory.resolve("meta.part");
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>();
    streams.put(Labels.of("app", "ü\"\\n"), List.of(
        new Entry(5, "", Labels.of("trace_id", "abc", "user", "語")),
        new Entry(5, "😀 naïve", Labels.EMPTY),
        new Entry(6, "x", Labels.of("trace_id", "abc", "user", "語"))));
    PartTestData.write(file, PartWriterOptions.defaults("t"), streams);
    PartReader reader = PartReader.open("meta", PartTestData.load(file, PartTestData.BufferKind.MAPPED));
    try (PartCursor cursor = reader.cursor(0, 0, 100, Direction.FORWARD, LinePredicate.ALL, List.of())) {
      assertThat(cursor.next()).isTrue();
      assertThat(cursor.lineLength()).isZero();
      assertThat(cursor.metadata()).isEqualTo(Labels.of("trace_id", "abc", "user", "語"));
      byte[] buffer = cursor.lineBuffer();
      assertThat(cursor.next()).isTrue();
      assertThat(cursor.lineBuffer()).as("the block buffer is reused, not copied per line").isSameAs(buffer);
      assertThat(new String(buffer, cursor.lineOffset(), cursor.lineLength(), StandardCharsets.UTF_8)).isEqualTo("😀 naïve");
      assertThat(cursor.metadata()).isEqualTo(Labels.EMPTY);
      assertThat(cursor.next()).isTrue();
      assertThat(cursor.metadata()).isEqualTo(Labels.of("trace_id", "abc", "user", "語"));
      assertThat(cursor.next()).isFalse();
      assertThat(cursor.next()).isFalse();
    }
    assertThat(reader.streams().get(0).labels()).isEqualTo(Labels.of("app", "ü\"\\n"));
  }

  @Test
  void emptyPartIsValid() throws Exception {
    Path file = directory.resolve("empty.part");
    PartSummary summary;
    try (PartWriter writer = new PartWriter(file, PartWriterOptions.defaults("t"))) {
      writer.beginStream(Labels.of("a", "1"));
      writer.endStream();
      summary = writer.finish();
    }
    assertThat(summary.streams()).isZero();
    assertThat(summary.entries()).isZero();
    PartReader reader = PartReader.open("empty", PartTestData.load(file, PartTestData.BufferKind.HEAP));
    assertThat(reader.streams()).isEmpty();
    assertThat(reader.summary()).isEqualTo(summary);
  }

  @Test
  void writerRejectsMisuseWithContext() throws Exception {
    Path file = directory.resolve("misuse.part");
    try (PartWriter writer = new PartWriter(file, PartWriterOptions.defaults("t"))) {
      assertThatThrownBy(() -> writer.add(1, new byte[0], 0, 0, Labels.EMPTY)).isInstanceOf(IllegalStateException.class).hasMessageContaining("beginStream");
      writer.beginStream(Labels.of("app", "b"));
      writer.add(10, "x".getBytes(StandardCharsets.UTF_8), Labels.EMPTY);
      assertThatThrownBy(() -> writer.add(9, new byte[0], 0, 0, Labels.EMPTY))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sorted by time").hasMessageContaining("{app=\"b\"}");
      assertThatThrownBy(() -> writer.beginStream(Labels.of("app", "c"))).isInstanceOf(IllegalStateException.class);
      writer.endStream();
      assertThatThrownBy(() -> writer.beginStream(Labels.of("app", "a")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("ascending");
      assertThatThrownBy(() -> writer.beginStream(Labels.of("app", "b"))).isInstanceOf(IllegalStateException.class);
    }
    assertThat(file).as("an unfinished part is deleted on close").doesNotExist();
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> new PartWriterOptions("t", -1, List.of(), 3, 1, 0.01)).hasMessageContaining("level");
    assertThatThrownBy(() -> new PartWriterOptions("t", 0, List.of(), 99, 1, 0.01)).hasMessageContaining("zstd level");
    assertThatThrownBy(() -> new PartWriterOptions("t", 0, List.of(), 3, 0, 0.01)).hasMessageContaining("block target");
    assertThatThrownBy(() -> new PartWriterOptions("t", 0, List.of(), 3, 1, 1.0)).hasMessageContaining("false-positive");
    PartWriterOptions defaults = PartWriterOptions.defaults("t");
    assertThat(defaults.level()).isZero();
    assertThat(defaults.zstdLevel()).isEqualTo(3);
    assertThat(defaults.blockTargetBytes()).isEqualTo(512 * 1024);
    assertThat(defaults.bloomFalsePositiveRate()).isEqualTo(0.01);
    PartWriterOptions merge = PartWriterOptions.forMerge("t", 2, List.of("a"));
    assertThat(merge.zstdLevel()).isEqualTo(PartWriterOptions.MERGE_ZSTD_LEVEL);
    assertThat(merge.level()).isEqualTo(2);
    assertThat(merge.replaces()).containsExactly("a");
  }
}
