package dev.tonari.bench;

import dev.tonari.ingest.Limits;
import dev.tonari.ingest.PushDecoder;
import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.PushValidator;
import dev.tonari.ingest.ValidationResult;
import dev.tonari.ingest.agent.LogDiscovery;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.Utf8;
import dev.tonari.store.wal.WalRecordCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The push path's stages one after the other in one warm JVM, over a corpus's pre-encoded bodies
 * ({@code push-*.bin} of {@link CorpusWriter}): decoding, discovery, validation, the byte count
 * the rate limiter charges, the UTF-8 lines, the WAL record and its checksum, each in this
 * thread's CPU time, best of several rounds, per GB of raw lines and against the 13 CPU-s/GB target
 * of the whole server. What the server adds on top: HTTP, the head's append, flushes, the JIT and
 * GC (the end-to-end benchmark prints them per thread).
 *
 * <p>Command line: {@code java -cp benchmarks.jar dev.tonari.bench.PushPathStagesBench
 * bench/work/200m/push-protobuf-snappy.bin [--rounds 5]}.
 */
public final class PushPathStagesBench {
  private static final double TARGET_SECONDS_PER_GB = 13;

  private PushPathStagesBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: PushPathStagesBench PUSH_BODY_FILE [--rounds N]");
    }
    Path file = Path.of(args[0]);
    int rounds = args.length >= 3 && args[1].equals("--rounds") ? Integer.parseInt(args[2]) : 5;
    List<PushBodyFile.PushBody> bodies = PushBodyFile.readAll(file);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    PushValidator validator = new PushValidator(Clock.systemUTC());
    Limits limits = Limits.defaults();
    String[] stages = {"decode (decompress + parse)", "discovery (service, level)", "validation", "byte count (rate limiter)", "UTF-8 lines",
        "WAL record encoding", "WAL record CRC32C"};
    double[] best = new double[stages.length];
    Arrays.fill(best, Double.MAX_VALUE);
    long rawBytes = 0;
    for (PushBodyFile.PushBody body : bodies) {
      rawBytes += body.rawBytes();
    }
    long checksum = 0;
    for (int round = 0; round < rounds; round++) {
      long[] cpu = new long[stages.length];
      for (PushBodyFile.PushBody body : bodies) {
        long t0 = threads.getCurrentThreadCpuTime();
        PushRequest request = PushDecoder.decode(body.push().contentType(), body.push().contentEncoding(), body.push().body(), 100L << 20);
        long t1 = threads.getCurrentThreadCpuTime();
        PushRequest discovered = LogDiscovery.apply(request, LogDiscovery.DEFAULT_SERVICE_NAME_SOURCES, true);
        long t2 = threads.getCurrentThreadCpuTime();
        ValidationResult result = validator.validate(body.tenant(), discovered, limits);
        long t3 = threads.getCurrentThreadCpuTime();
        for (StreamBatch stream : result.accepted()) {
          for (LogEntry entry : stream.entries()) {
            checksum += Utf8.length(entry.line());
          }
        }
        long t4 = threads.getCurrentThreadCpuTime();
        byte[][][] lines = WalRecordCodec.utf8Lines(result.accepted());
        long t5 = threads.getCurrentThreadCpuTime();
        byte[] payload = WalRecordCodec.encode(body.tenant(), result.accepted(), lines);
        long t6 = threads.getCurrentThreadCpuTime();
        CRC32C crc = new CRC32C();
        crc.update(payload);
        checksum += crc.getValue();
        long t7 = threads.getCurrentThreadCpuTime();
        long[] marks = {t0, t1, t2, t3, t4, t5, t6, t7};
        for (int s = 0; s < stages.length; s++) {
          cpu[s] += marks[s + 1] - marks[s];
        }
      }
      for (int s = 0; s < stages.length; s++) {
        best[s] = Math.min(best[s], cpu[s] / 1e9);
      }
    }
    double gigabytes = rawBytes / 1e9;
    System.out.printf(Locale.ROOT, "%s: %,d bodies, %.1f MB raw; best of %d rounds per stage, CPU time of this thread (checksum %d)%n",
        file.getFileName(), bodies.size(), rawBytes / 1e6, rounds, checksum);
    double total = 0;
    for (int s = 0; s < stages.length; s++) {
      total += best[s];
      System.out.printf(Locale.ROOT, "  %-30s %7.3f s %7.2f CPU-s/GB raw%n", stages[s], best[s], best[s] / gigabytes);
    }
    System.out.printf(Locale.ROOT, "  %-30s %7.3f s %7.2f CPU-s/GB raw, %.2f of the server's whole budget (target %.0f CPU-s/GB)%n", "total", total,
        total / gigabytes, total / gigabytes / TARGET_SECONDS_PER_GB, TARGET_SECONDS_PER_GB);
  }
}
