package dev.tonari.bench.jmh;

import com.github.luben.zstd.Zstd;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.part.PartSummary;
import dev.tonari.store.part.PartWriter;
import dev.tonari.store.part.PartWriterOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Writing 16 MB of raw lines (360 streams) as one part: columns, zstd level 3, bloom filters,
 * checksums and an fsync, against zstd level 3 of the same raw text in one call, the least any
 * compressed format must spend.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class PartWriteBenchmark {
  static final int RAW_BYTES = 16 << 20;

  /** Part format version written: 2 (plain lines, the old path) or 3 (templated lines). */
  @Param({"2", "3"})
  public int formatVersion;

  private Path directory;
  private List<StreamBatch> streams;
  private List<byte[][]> lineBytes;
  private byte[] rawText;
  private int partNumber;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    directory = Files.createTempDirectory("tonari-part-bench");
    var lines = BenchmarkData.lines(RAW_BYTES);
    streams = BenchmarkData.sortedStreams(lines);
    lineBytes = new ArrayList<>();
    for (StreamBatch stream : streams) {
      byte[][] bytes = new byte[stream.entries().size()][];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = stream.entries().get(i).line().getBytes(StandardCharsets.UTF_8);
      }
      lineBytes.add(bytes);
    }
    rawText = BenchmarkData.rawText(lines);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (var walk = Files.walk(directory)) {
      for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Benchmark
  public PartSummary writePart() throws IOException {
    Path file = directory.resolve("part-" + (partNumber++ % 4));
    Files.deleteIfExists(file);
    try (PartWriter writer = new PartWriter(file, PartWriterOptions.defaults("payments").withFormatVersion(formatVersion))) {
      for (int s = 0; s < streams.size(); s++) {
        StreamBatch stream = streams.get(s);
        byte[][] bytes = lineBytes.get(s);
        writer.beginStream(stream.labels());
        List<LogEntry> entries = stream.entries();
        for (int i = 0; i < bytes.length; i++) {
          LogEntry entry = entries.get(i);
          writer.add(entry.timestampNanos(), bytes[i], entry.metadata());
        }
        writer.endStream();
      }
      return writer.finish();
    }
  }

  /** Baseline: zstd -3 of the same lines as one text, in memory. */
  @Benchmark
  public byte[] baselineZstdLevel3() {
    return Zstd.compress(rawText, 3);
  }
}
