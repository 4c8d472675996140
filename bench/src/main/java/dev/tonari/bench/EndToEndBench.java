package dev.tonari.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end benchmark behind {@code bench/run.sh}: with a corpus from {@link CorpusWriter},
 * ingests it through the HTTP push API into fresh servers (gzip JSON, then protobuf+snappy),
 * measures the data directory after a graceful stop, runs a full-scan {@code |= "word"} query and
 * a needle query after a restart, times {@code zstd -dc | grep -F -c} on the same data, and prints
 * one table side by side with ratios. Every server listens on 127.0.0.1 and is stopped at the end.
 */
public final class EndToEndBench {
  private static final int CONNECTIONS = 4;

  private final Path jar;
  private final Path work;
  private final List<String> serverJvmOptions;
  private final List<String[]> rows = new ArrayList<>();

  private EndToEndBench(Path jar, Path work, List<String> serverJvmOptions) {
    this.jar = jar;
    this.work = work;
    this.serverJvmOptions = serverJvmOptions;
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of("cli/target/tonari.jar");
    Path work = Path.of("bench/work");
    List<String> jvm = new ArrayList<>(List.of("-Xmx2g"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> jar = Path.of(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--server-jvm" -> jvm = List.of(args[++i].trim().split("\\s+"));
        default -> {
          System.err.println("usage: EndToEndBench [--jar tonari.jar] [--work DIR] [--server-jvm '-Xmx2g ...']; unknown: " + args[i]);
          System.exit(2);
        }
      }
    }
    new EndToEndBench(jar, work, jvm).run();
  }

  private void run() throws Exception {
    JsonNode corpus = new ObjectMapper().readTree(work.resolve("corpus.json").toFile());
    long rawBytes = corpus.get("rawBytes").asLong();
    long lines = corpus.get("lines").asLong();
    long start = corpus.get("startNanos").asLong() - 1;
    long end = corpus.get("endNanos").asLong() + 1;
    System.err.printf(Locale.ROOT, "corpus: %,d lines, %.1f MB raw, %d streams%n", lines, rawBytes / 1e6, corpus.get("streams").asInt());

    IngestOutcome json = ingest("json-gzip", work.resolve("push-json-gzip.bin"));
    IngestOutcome protobuf = ingest("protobuf-snappy", work.resolve("push-protobuf-snappy.bin"));
    row("ingest, gzip JSON", "lines/s", number(json.result.linesPerSecond()), "target 250,000", ratio(json.result.linesPerSecond() / 250_000));
    row("", "MB/s raw", decimal(json.result.rawMegabytesPerSecond()), "", "");
    row("", "push p50 / p99 ms", decimal(json.result.latencyP50Millis()) + " / " + decimal(json.result.latencyP99Millis()), "", "");
    row("", "server peak RSS MB", number(json.peakRssBytes / 1e6), "", "");
    row("ingest, protobuf+snappy", "lines/s", number(protobuf.result.linesPerSecond()), "target 250,000", ratio(protobuf.result.linesPerSecond() / 250_000));
    row("", "MB/s raw", decimal(protobuf.result.rawMegabytesPerSecond()), "", "");
    row("", "push p50 / p99 ms", decimal(protobuf.result.latencyP50Millis()) + " / " + decimal(protobuf.result.latencyP99Millis()), "", "");
    row("", "server peak RSS MB", number(protobuf.peakRssBytes / 1e6), "", "");

    Path zst = work.resolve("raw.zst");
    compressWithZstd(work.resolve("raw.log"), zst);
    long zstdBytes = Files.size(zst);

    // Queries against the protobuf-ingested data, after a restart so they read parts.
    String word = corpus.get("rareWord").asText();
    long expectedWordLines = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = corpus.get("rareWordLinesByTenant").properties().iterator(); it.hasNext(); ) {
      expectedWordLines += it.next().getValue().asLong();
    }
    double grepSeconds = Double.NaN;
    long grepCount = -1;
    for (int attempt = 0; attempt < 2; attempt++) {
      long t0 = System.nanoTime();
      grepCount = Long.parseLong(shell("zstd -dc " + quote(zst) + " | grep -F -c " + quote(word)).trim());
      grepSeconds = (System.nanoTime() - t0) / 1e9;
    }
    try (ServerProcess server = ServerProcess.start(jar, protobuf.dataDir, work.resolve("server-query.log"), serverJvmOptions, Duration.ofMinutes(10))) {
      QueryTiming fullScan = null;
      QueryTiming needle = null;
      for (int attempt = 0; attempt < 2; attempt++) {
        fullScan = timeQuery(server.client(), corpus, word, start, end, true);
        // trace_id=<id>, as one would search for it: a bare id is one token that could be the middle
        // of a longer one, so the bloom filters could not be probed for it (see BloomTerms).
        needle = timeQuery(server.client(), corpus, "trace_id=" + corpus.get("needle").asText(), start, end, false);
      }
      server.stopGracefully(Duration.ofMinutes(5));
      // Measured after a graceful stop, a restart and a second graceful stop: the steady state a
      // restarted server keeps (merges that the last flush made due have run).
      long[] sizes = directorySizes(protobuf.dataDir);
      long partBytes = sizes[0] - sizes[1];
      row("compression", "bytes on disk", megabytes(partBytes) + " (wal " + megabytes(sizes[1]) + ")", "zstd -3: " + megabytes(zstdBytes), "");
      row("", "raw / stored", decimal((double) rawBytes / partBytes) + "x", decimal((double) rawBytes / zstdBytes) + "x", ratio((double) zstdBytes / partBytes));
      String fullScanNote = fullScan.lines == expectedWordLines ? "" : " (returned " + fullScan.lines + ", expected " + expectedWordLines + ")";
      row("full scan |= \"" + word + "\"", "seconds", decimal3(fullScan.seconds) + fullScanNote, "zstd -dc | grep -F -c: " + decimal3(grepSeconds) + " (" + grepCount + " lines)", ratio(grepSeconds / fullScan.seconds));
      row("", "raw MB/s scanned", decimal(rawBytes / 1e6 / fullScan.seconds), decimal(rawBytes / 1e6 / grepSeconds), "");
      row("needle |= trace_id=<id>", "seconds", decimal3(needle.seconds) + " (" + needle.lines + " line)", "full scan: " + decimal3(fullScan.seconds), decimal(fullScan.seconds / needle.seconds) + "x faster");
    }
    printTable(lines, rawBytes, corpus.get("streams").asInt());
  }

  private record IngestOutcome(IngestBench.Result result, long peakRssBytes, Path dataDir, long dataBytes, long walBytes) {}

  private record QueryTiming(double seconds, long lines) {}

  private IngestOutcome ingest(String name, Path bodiesFile) throws Exception {
    List<PushBodyFile.PushBody> bodies = PushBodyFile.readAll(bodiesFile);
    Path dataDir = work.resolve("data-" + name);
    CrashTest.deleteRecursively(dataDir);
    System.err.printf("ingest %s: %d requests over %d connections ...%n", name, bodies.size(), CONNECTIONS);
    IngestBench.Result result;
    long peakRss;
    try (ServerProcess server = ServerProcess.start(jar, dataDir, work.resolve("server-" + name + ".log"), serverJvmOptions, Duration.ofMinutes(2))) {
      result = IngestBench.run(server.client(), bodies, CONNECTIONS);
      peakRss = server.peakResidentBytes();
      System.err.println("  " + result + ", peak RSS " + peakRss / 1_000_000 + " MB; stopping gracefully ...");
      server.stopGracefully(Duration.ofMinutes(10));
    }
    long[] sizes = directorySizes(dataDir);
    System.err.printf(Locale.ROOT, "  data dir %s: %.1f MB (of which WAL %.1f MB)%n", dataDir, sizes[0] / 1e6, sizes[1] / 1e6);
    return new IngestOutcome(result, peakRss, dataDir, sizes[0], sizes[1]);
  }

  /** Total bytes of a directory and bytes under any directory named like a WAL. */
  private static long[] directorySizes(Path dir) throws IOException {
    long total = 0;
    long wal = 0;
    try (var walk = Files.walk(dir)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        long size = Files.size(file);
        total += size;
        if (dir.relativize(file).toString().toLowerCase(Locale.ROOT).contains("wal")) {
          wal += size;
        }
      }
    }
    return new long[] {total, wal};
  }

  /**
   * One query per tenant over the whole time range, summed, as grep reads the whole file once.
   * The limit is the tenant's expected count plus a margin for the rare word (Loki's default
   * max_entries_limit_per_query of 5000 caps it), so that the query cannot stop early.
   */
  private static QueryTiming timeQuery(LokiHttpClient client, JsonNode corpus, String literal, long start, long end, boolean rareWord)
      throws IOException, InterruptedException {
    long lines = 0;
    long t0 = System.nanoTime();
    for (Iterator<Map.Entry<String, JsonNode>> it = corpus.get("rareWordLinesByTenant").properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> tenantCount = it.next();
      String tenant = tenantCount.getKey();
      int limit = rareWord ? (int) Math.min(5000, tenantCount.getValue().asLong() + 100) : 100;
      lines += client.queryRange(tenant, "{namespace=\"" + tenant + "\"} |= \"" + literal + "\"", start, end, limit, "backward").size();
    }
    return new QueryTiming((System.nanoTime() - t0) / 1e9, lines);
  }

  private static void compressWithZstd(Path raw, Path zst) throws IOException, InterruptedException {
    // zstd gives its output the input's modification time, so an up-to-date file has an equal one.
    if (Files.exists(zst) && Files.getLastModifiedTime(zst).compareTo(Files.getLastModifiedTime(raw)) >= 0) {
      return;
    }
    System.err.println("zstd -3 " + raw + " ...");
    shell("zstd -3 -q -f " + quote(raw) + " -o " + quote(zst));
  }

  private static String shell(String command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("bash", "-o", "pipefail", "-c", command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IOException("command failed (" + (process.isAlive() ? "timeout" : "exit " + process.exitValue()) + "): " + command);
    }
    return output;
  }

  private static String quote(Object value) {
    return "'" + value.toString().replace("'", "'\\''") + "'";
  }

  private void row(String what, String metric, String tonari, String baseline, String ratio) {
    rows.add(new String[] {what, metric, tonari, baseline, ratio});
  }

  private void printTable(long lines, long rawBytes, int streams) {
    System.out.printf(Locale.ROOT, "%nTonari end-to-end benchmark: %,d lines, %.1f MB raw, %d streams, %d cores%n%n", lines, rawBytes / 1e6, streams, Runtime.getRuntime().availableProcessors());
    String format = "%-26s %-20s %-30s %-40s %s%n";
    System.out.printf(format, "", "", "tonari", "baseline", "ratio (>= 1 is at least as good)");
    System.out.printf(format, "-".repeat(26), "-".repeat(20), "-".repeat(30), "-".repeat(40), "-".repeat(12));
    for (String[] row : rows) {
      System.out.printf(format, (Object[]) row);
    }
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String decimal3(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
