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
 *       rare word (in few lines but nearly every block), and under {@code needles} a 128-bit trace
 *       id, a UUID and a client address taken from single lines past the middle of the corpus,
 *       each with its tenant and the number of lines that contain it, and the word {@code ERROR}
 *       with its lines per tenant, case-sensitive and ignoring case. {@code needle} repeats the
 *       trace id for older readers.
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
    FirstPass firstPass = countLines(seed, options, targetBytes);
    long expectedLines = firstPass.lines;
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
    Map<String, Long> errorLinesByTenant = new TreeMap<>();
    Map<String, Long> errorLinesIgnoringCaseByTenant = new TreeMap<>();
    long[] needleLines = new long[firstPass.needles.size()];
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
        for (int n = 0; n < needleLines.length; n++) {
          if (text.contains(firstPass.needles.get(n).value)) {
            needleLines[n]++;
          }
        }
        if (text.contains(ERROR_WORD)) {
          errorLinesByTenant.merge(line.tenant(), 1L, Long::sum);
        }
        if (containsIgnoringCase(text, ERROR_WORD)) {
          errorLinesIgnoringCaseByTenant.merge(line.tenant(), 1L, Long::sum);
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
    Needle traceId = firstPass.needles.get(0);
    meta.put("needle", traceId.value);
    meta.put("needleTenant", traceId.tenant);
    ObjectNode needles = meta.putObject("needles");
    for (int n = 0; n < needleLines.length; n++) {
      Needle chosen = firstPass.needles.get(n);
      ObjectNode node = needles.putObject(chosen.kind);
      node.put("value", chosen.value);
      node.put("tenant", chosen.tenant);
      node.put("lines", needleLines[n]);
    }
    ObjectNode error = needles.putObject("error");
    error.put("value", ERROR_WORD);
    ObjectNode errorLines = error.putObject("linesByTenant");
    options.tenants().forEach(t -> errorLines.put(t, errorLinesByTenant.getOrDefault(t, 0L)));
    ObjectNode errorLinesIgnoringCase = error.putObject("linesIgnoringCaseByTenant");
    options.tenants().forEach(t -> errorLinesIgnoringCase.put(t, errorLinesIgnoringCaseByTenant.getOrDefault(t, 0L)));
    mapper.writerWithDefaultPrettyPrinter().writeValue(out.resolve("corpus.json").toFile(), meta);
    System.err.printf(Locale.ROOT, "corpus: %d lines, %.1f MB raw, %d streams, %d push requests per format in %s%n", lines, rawBytes / 1e6, options.streamCount(), batches, out);
  }

  /** The word whose lines the needle benchmark counts (Java's level, PostgreSQL's errors). */
  static final String ERROR_WORD = "ERROR";

  /** A value to search for, taken from one line: its kind (the key in corpus.json), text and tenant. */
  private record Needle(String kind, String value, String tenant) {}

  private record FirstPass(long lines, List<Needle> needles) {}

  /**
   * Lines the generator writes before reaching {@code targetBytes} of raw text, and the needles:
   * a trace id (of a logfmt line, so that {@code trace_id=<id>} finds it too) past half of the
   * bytes, a UUID past 60% and a client address past 70%. Timestamps only change fixed-width text
   * and draw no random numbers, so neither depends on them.
   */
  private static FirstPass countLines(long seed, GeneratorOptions options, long targetBytes) {
    LogGenerator generator = new LogGenerator(seed, options);
    long lines = 0;
    long bytes = 0;
    Needle traceId = null;
    Needle uuid = null;
    Needle ip = null;
    while (bytes < targetBytes) {
      GeneratedLine line = generator.nextLine(lines);
      String text = line.entry().line();
      bytes += text.getBytes(StandardCharsets.UTF_8).length + 1;
      lines++;
      if (traceId == null && bytes >= targetBytes / 2 && generator.lastTraceId() != null && text.contains("trace_id=" + generator.lastTraceId())) {
        traceId = new Needle("traceId", generator.lastTraceId(), line.tenant());
      }
      if (uuid == null && bytes >= targetBytes / 10 * 6 && generator.lastUuid() != null) {
        uuid = new Needle("uuid", generator.lastUuid(), line.tenant());
      }
      if (ip == null && bytes >= targetBytes / 10 * 7 && generator.lastClientIp() != null) {
        ip = new Needle("ip", generator.lastClientIp(), line.tenant());
      }
    }
    if (traceId == null || uuid == null || ip == null) {
      throw new IllegalStateException("corpus of " + targetBytes + " bytes too small to hold the needles (a logfmt line past the middle)");
    }
    return new FirstPass(Math.max(1, lines), List.of(traceId, uuid, ip));
  }

  /** ASCII case folding, as a case-insensitive line filter on an ASCII word matches. */
  static boolean containsIgnoringCase(String text, String word) {
    int last = text.length() - word.length();
    for (int i = 0; i <= last; i++) {
      if (text.regionMatches(true, i, word, 0, word.length())) {
        return true;
      }
    }
    return false;
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
