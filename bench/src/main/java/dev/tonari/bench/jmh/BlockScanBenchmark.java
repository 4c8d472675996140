package dev.tonari.bench.jmh;

import dev.tonari.cli.generate.GeneratedLine;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.store.Direction;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.part.PartCursor;
import dev.tonari.store.part.PartReader;
import dev.tonari.store.part.PartWriter;
import dev.tonari.store.part.PartWriterOptions;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A {@code |= "deadlock"} scan over every block of a 16 MB part (decompress, split lines, test
 * each), against {@code String.contains} over the same lines already in memory as Strings; and
 * the same part searched for one trace id with the bloom filters pruning blocks. Each for part
 * format 2 (plain lines) and 3 (templated lines, rebuilt while decoding).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class BlockScanBenchmark {
  private static final byte[] WORD = LogGenerator.RARE_WORD.getBytes(StandardCharsets.UTF_8);

  /** Part format version scanned: 2 (plain lines, the old path) or 3 (templated lines). */
  @Param({"2", "3"})
  public int formatVersion;

  private Path file;
  private PartReader reader;
  private List<String> lines;
  private String needle;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    List<GeneratedLine> generated = BenchmarkData.lines(PartWriteBenchmark.RAW_BYTES);
    lines = new ArrayList<>(generated.size());
    for (GeneratedLine line : generated) {
      lines.add(line.entry().line());
    }
    // "trace_id=<32 hex digits>" from a logfmt line, in this one line only. The "=" matters: a
    // literal that is one bare token could be the middle of a longer token, so the bloom filters
    // cannot be probed for it (see BloomTerms); with the "=" its prefix term can be.
    for (int i = lines.size() / 2; needle == null; i++) {
      int at = lines.get(i).indexOf("trace_id=");
      if (at >= 0) {
        needle = lines.get(i).substring(at, at + 9 + 32);
      }
    }
    file = Files.createTempFile("tonari-scan-bench", ".part");
    Files.delete(file);
    try (PartWriter writer = new PartWriter(file, PartWriterOptions.defaults("payments").withFormatVersion(formatVersion))) {
      for (StreamBatch stream : BenchmarkData.sortedStreams(generated)) {
        writer.beginStream(stream.labels());
        for (LogEntry entry : stream.entries()) {
          writer.add(entry.timestampNanos(), entry.line().getBytes(StandardCharsets.UTF_8), entry.metadata());
        }
        writer.endStream();
      }
      writer.finish();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      reader = PartReader.open(file.getFileName().toString(), mapped);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    reader.close();
    Files.deleteIfExists(file);
  }

  /** Every block is decompressed and every line tested: no literal is given to the bloom filters. */
  @Benchmark
  public long scanAllBlocks() throws IOException {
    return scan(containsBytes(WORD), List.of());
  }

  /** The same filter with the literal given, so blocks whose bloom filter lacks it are skipped. */
  @Benchmark
  public long scanWithBloomForRareWord() throws IOException {
    return scan(containsBytes(WORD), List.of(LogGenerator.RARE_WORD));
  }

  /** {@code |= "trace_id=<id>"}: nearly every block is skipped by its bloom filter. */
  @Benchmark
  public long scanWithBloomForNeedle() throws IOException {
    return scan(containsBytes(needle.getBytes(StandardCharsets.UTF_8)), List.of(needle));
  }

  /** Baseline: String.contains over the lines already decoded in memory. */
  @Benchmark
  public long baselineStringContains() {
    long matches = 0;
    for (String line : lines) {
      if (line.contains(LogGenerator.RARE_WORD)) {
        matches++;
      }
    }
    return matches;
  }

  private long scan(LinePredicate filter, List<String> literals) throws IOException {
    long matches = 0;
    for (int stream = 0; stream < reader.streams().size(); stream++) {
      try (PartCursor cursor = reader.cursor(stream, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, filter, literals)) {
        while (cursor.next()) {
          matches++;
        }
      }
    }
    return matches;
  }

  /** A substring test on the line's bytes, without making a String. */
  static LinePredicate containsBytes(byte[] literal) {
    byte first = literal[0];
    return (buffer, offset, length) -> {
      int last = offset + length - literal.length;
      outer:
      for (int i = offset; i <= last; i++) {
        if (buffer[i] != first) {
          continue;
        }
        for (int j = 1; j < literal.length; j++) {
          if (buffer[i + j] != literal[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    };
  }
}
