package dev.tonari.bench.jmh;

import dev.tonari.ingest.PushRequest;
import dev.tonari.store.wal.WalRecord;
import dev.tonari.store.wal.WalRecordCodec;
import dev.tonari.store.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable WAL appends of a 64 KB push (about 300 lines): one writer at a time pays a whole fsync
 * per append; eight concurrent writers share fsyncs through group commit, so their combined
 * throughput shows what group commit buys. Encoding is included, as on the push path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class WalAppendBenchmark {
  private Path directory;
  private WriteAheadLog wal;
  private WalRecord record;
  private byte[] encoded;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    directory = Files.createTempDirectory("tonari-wal-bench");
    wal = WriteAheadLog.open(directory, 1, (segment, replayed) -> {});
    PushRequest request = BenchmarkData.pushRequest(BenchmarkData.lines(64 << 10));
    record = new WalRecord("payments", request.streams());
    encoded = WalRecordCodec.encode(record);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    wal.close();
    try (var walk = Files.walk(directory)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Benchmark
  @Threads(1)
  public long appendOneWriter() throws IOException {
    return wal.append(record);
  }

  @Benchmark
  @Threads(8)
  public long appendEightWritersGroupCommit() throws IOException {
    return wal.append(record);
  }

  /** Encoding alone, to separate its cost from the write and fsync. */
  @Benchmark
  @Threads(1)
  public byte[] encodeOnly() {
    return WalRecordCodec.encode(record);
  }

  /** Bytes per append, for converting appends/s to MB/s. */
  public int encodedBytes() {
    return encoded.length;
  }
}
