package dev.tonari.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.cli.generate.GeneratedLine;
import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.ingest.PushEncoder;
import dev.tonari.ingest.PushRequest;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a benchmark corpus with {@link LogGenerator}: about {@code --size} bytes of raw lines in
 * a few hundred streams of three tenants, timestamps spread over the 24 hours before now.
 *
 * <p>Files in the output directory:
 *
 * <ul>
 *   <li>{@code raw.log}: the lines alone, in arrival order (the baseline for zstd and grep);
 *   <li>{@code push-json-gzip.bin} and {@code push-protobuf-snappy.bin}: the same entries as push
 *       requests of about 1 MB of raw lines each, per tenant, in {@link PushBodyFile} format;
 *   <li>{@code corpus.json}: counts, time range, and the words the query benchmarks look for: the
 *       rare word (in few lines but nearly every block) and a needle (one trace id).
 * </ul>
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.tonari.bench.CorpusWriter [--size 1g] [--out
 * bench/work] [--seed 1]}. Progress goes to stderr.
 */
public final class CorpusWriter {
  static final long BATCH_RAW_BYTES = 1 << 20;
  private static final long DAY_NANOS = 86_400_000_000_000L;

  private CorpusWriter() {}

  public static void main(String[] args) throws Exception {
    long size = 1L << 30;
    Path out = Path.of("bench/work");
    long seed = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size" -> size = parseSize(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> {
          System.err.println("usage: CorpusWriter [--size 1g|50m|BYTES] [--out DIR] [--seed N]; unknown: " + args[i]);
          System.exit(2);
        }
      }
    }
    write(size, out, seed);
  }

  static long parseSize(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("g") || t.endsWith("gb")) {
      unit = 1L << 30;
    } else if (t.endsWith("m") || t.endsWith("mb")) {
      unit = 1L << 20;
    } else if (t.endsWith("k") || t.endsWith("kb")) {
      unit = 1L << 10;
    }
    String digits = t.replaceAll("[a-z]+$", "");
    return (long) (Double.parseDouble(digits) * unit);
  }

  /** Per-tenant accumulation of one push request. */
  private static final class PendingBatch {
    final Map<Labels, List<LogEntry>> byStream = new LinkedHashMap<>();
    long rawBytes;
    int entries;
  }

  private record EncodedPair(PushBodyFile.PushBody json, PushBodyFile.PushBody protobuf) {}

  static void write(long targetBytes, Path out, long seed) throws IOException, InterruptedException, ExecutionException {
    Files.createDirectories(out);
    GeneratorOptions options = GeneratorOptions.benchmark();
    LogGenerator generator = new LogGenerator(seed, options);
    // Spread the lines evenly over 24 hours ending 2 minutes ago. Estimating the count from an
    // average line length put the last lines of small corpora up to half an hour in the future,
    // which the server refuses; so count exactly, with a generator of the same seed.
    long expectedLines = countLines(seed, options, targetBytes);
    long endNanos = (System.currentTimeMillis() - 120_000L) * 1_000_000L;
    long startNanos = endNanos - DAY_NANOS;
    long stepNanos = Math.max(1, DAY_NANOS / expectedLines);
    Map<String, PendingBatch> pending = new TreeMap<>();
    Map<String, Long> rareLinesByTenant = new TreeMap<>();
    ExecutorService encoders = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
    ArrayDeque<Future<EncodedPair>> inFlight = new ArrayDeque<>();
    long lines = 0;
    long rawBytes = 0;
    long batches = 0;
    long needleIndex = expectedLines / 2;
    String needle = null;
    String needleTenant = null;
    long lastTimestamp = startNanos;
    Progress progress = new Progress(targetBytes);
    try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(out.resolve("raw.log")), 1 << 20);
        PushBodyFile.Writer jsonFile = new PushBodyFile.Writer(out.resolve("push-json-gzip.bin"));
        PushBodyFile.Writer protobufFile = new PushBodyFile.Writer(out.resolve("push-protobuf-snappy.bin"))) {
      while (rawBytes < targetBytes) {
        lastTimestamp = startNanos + lines * stepNanos;
        GeneratedLine line = generator.nextLine(lastTimestamp);
        String text = line.entry().line();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        raw.write(bytes);
        raw.write('\n');
        rawBytes += bytes.length + 1;
        lines++;
        if (text.contains(LogGenerator.RARE_WORD)) {
          rareLinesByTenant.merge(line.tenant(), 1L, Long::sum);
        }
        if (needle == null && lines >= needleIndex) {
          int at = text.indexOf("trace_id=");
          if (at >= 0) {
            needle = text.substring(at + 9, at + 9 + 32);
            needleTenant = line.tenant();
          }
        }
        PendingBatch batch = pending.computeIfAbsent(line.tenant(), t -> new PendingBatch());
        batch.byStream.computeIfAbsent(line.labels(), l -> new ArrayList<>()).add(line.entry());
        batch.rawBytes += bytes.length;
        batch.entries++;
        if (batch.rawBytes >= BATCH_RAW_BYTES) {
          inFlight.add(encoders.submit(encodeTask(line.tenant(), batch)));
          pending.remove(line.tenant());
          batches++;
          while (inFlight.size() > 8 || (!inFlight.isEmpty() && inFlight.peek().isDone())) {
            writePair(inFlight.poll().get(), jsonFile, protobufFile);
          }
        }
        if ((lines & 0x3fff) == 0) {
          progress.update(rawBytes, lines);
        }
      }
      for (Map.Entry<String, PendingBatch> rest : pending.entrySet()) {
        inFlight.add(encoders.submit(encodeTask(rest.getKey(), rest.getValue())));
        batches++;
      }
      while (!inFlight.isEmpty()) {
        writePair(inFlight.poll().get(), jsonFile, protobufFile);
      }
    } finally {
      encoders.shutdownNow();
    }
    progress.finish(rawBytes, lines);
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode meta = mapper.createObjectNode();
    meta.put("seed", seed);
    meta.put("rawBytes", rawBytes);
    meta.put("lines", lines);
    meta.put("streams", options.streamCount());
    meta.put("batches", batches);
    meta.put("startNanos", startNanos);
    meta.put("endNanos", lastTimestamp + 1);
    meta.put("rareWord", LogGenerator.RARE_WORD);
    ObjectNode rare = meta.putObject("rareWordLinesByTenant");
    options.tenants().forEach(t -> rare.put(t, rareLinesByTenant.getOrDefault(t, 0L)));
    meta.put("needle", needle);
    meta.put("needleTenant", needleTenant);
    mapper.writerWithDefaultPrettyPrinter().writeValue(out.resolve("corpus.json").toFile(), meta);
    System.err.printf(Locale.ROOT, "corpus: %d lines, %.1f MB raw, %d streams, %d push requests per format in %s%n", lines, rawBytes / 1e6, options.streamCount(), batches, out);
  }

  /**
   * Lines the generator writes before reaching {@code targetBytes} of raw text. Timestamps only
   * change fixed-width text and draw no random numbers, so the count does not depend on them.
   */
  private static long countLines(long seed, GeneratorOptions options, long targetBytes) {
    LogGenerator generator = new LogGenerator(seed, options);
    long lines = 0;
    long bytes = 0;
    while (bytes < targetBytes) {
      bytes += generator.nextLine(lines).entry().line().getBytes(StandardCharsets.UTF_8).length + 1;
      lines++;
    }
    return Math.max(1, lines);
  }

  private static java.util.concurrent.Callable<EncodedPair> encodeTask(String tenant, PendingBatch batch) {
    return () -> {
      List<StreamBatch> streams = new ArrayList<>(batch.byStream.size());
      batch.byStream.forEach((labels, entries) -> streams.add(new StreamBatch(labels, entries)));
      PushRequest request = new PushRequest(streams);
      return new EncodedPair(
          new PushBodyFile.PushBody(tenant, PushEncoder.encode(request, PushEncoder.Format.JSON_GZIP), batch.entries, batch.rawBytes),
          new PushBodyFile.PushBody(tenant, PushEncoder.encode(request, PushEncoder.Format.PROTOBUF_SNAPPY), batch.entries, batch.rawBytes));
    };
  }

  private static void writePair(EncodedPair pair, PushBodyFile.Writer jsonFile, PushBodyFile.Writer protobufFile) throws IOException {
    jsonFile.write(pair.json());
    protobufFile.write(pair.protobuf());
  }

  /** A one-line progress display on stderr, redrawn at most twice a second. */
  static final class Progress {
    private final long totalBytes;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;

    Progress(long totalBytes) {
      this.totalBytes = totalBytes;
    }

    void update(long bytes, long lines) {
      long now = System.nanoTime();
      if (now - lastDrawNanos < 500_000_000L) {
        return;
      }
      lastDrawNanos = now;
      draw(bytes, lines, now);
    }

    void finish(long bytes, long lines) {
      draw(bytes, lines, System.nanoTime());
      System.err.println();
    }

    private void draw(long bytes, long lines, long now) {
      double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
      System.err.printf(
          Locale.ROOT, "\r  %7.1f / %.1f MB  %3d%%  %,d lines  %.1f MB/s   ", bytes / 1e6, totalBytes / 1e6, Math.min(100, bytes * 100 / Math.max(1, totalBytes)), lines, bytes / 1e6 / seconds);
    }
  }
}
