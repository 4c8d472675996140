package dev.tonari.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.cli.generate.LogStyle;
import dev.tonari.store.Labels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The end-to-end benchmark behind {@code bench/run.sh}: with a corpus from {@link CorpusWriter},
 * ingests it through the HTTP push API into fresh servers (gzip JSON, then protobuf+snappy),
 * measures the data directory after a graceful stop, runs a full-scan {@code |= "word"} query and
 * needle queries (a literal, and the same literal inside a regex) after a restart, times {@code
 * zstd -dc | grep -F -c} on the same data, runs two metric queries over 24 h against a full scan of
 * the streams they select, the newest 100 lines of one stream, and measures the server's peak heap
 * during the heavy queries; and prints one table side by side with ratios.
 *
 * <p>With {@code --small-work DIR} (a second, smaller corpus of the same streams over the same 24
 * hours, written by {@code run.sh} at a quarter of the size), the size-dependent measurements are
 * repeated on it, so that the table shows which figures grow with the data and which do not.
 *
 * <p>Peak heap under {@code -Xmx2g} mostly shows how lazily the collector grows the heap, not what a
 * query needs; so the three heavy queries (full scan, rate over logfmt, quantile over json) also run
 * at both sizes in a server restarted with a small fixed heap ({@code --query-heap}, default {@value
 * #DEFAULT_QUERY_HEAP}), which exits on the first {@link OutOfMemoryError}: if they succeed in the
 * same small heap at both sizes, their memory does not grow with the corpus. {@code
 * --bounded-heap-only} runs only that part against the data directories a previous run left. Every
 * server listens on 127.0.0.1 and is stopped at the end.
 */
public final class EndToEndBench {
  private static final int CONNECTIONS = 4;

  /**
   * The smallest of 96m, 128m and 192m in which all three heavy queries succeeded on the 1 GB
   * corpus (2 cores, G1); in 64m the quantile over json runs out of memory there (not on the 0.25 GB
   * corpus).
   */
  static final String DEFAULT_QUERY_HEAP = "96m";

  private final Path jar;
  private final Path work;
  private final List<String> serverJvmOptions;
  private final Path smallWork;
  private final String queryHeap;
  /** {@code --ingest-only}: the two ingests and their rows, no queries. */
  private final boolean ingestOnly;
  private final List<String[]> rows = new ArrayList<>();

  private EndToEndBench(Path jar, Path work, List<String> serverJvmOptions, Path smallWork, String queryHeap, boolean ingestOnly) {
    this.ingestOnly = ingestOnly;
    this.jar = jar;
    this.work = work;
    this.serverJvmOptions = serverJvmOptions;
    this.smallWork = smallWork;
    this.queryHeap = queryHeap;
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of("cli/target/tonari.jar");
    Path work = Path.of("bench/work");
    List<String> jvm = new ArrayList<>(List.of("-Xmx384m", "-XX:MaxDirectMemorySize=64m", "-XX:ReservedCodeCacheSize=64m", "-XX:MaxMetaspaceSize=128m"));
    Path smallWork = null;
    String queryHeap = DEFAULT_QUERY_HEAP;
    boolean boundedHeapOnly = false;
    boolean ingestOnly = false;
    boolean needlesOnly = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> jar = Path.of(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--server-jvm" -> jvm = List.of(args[++i].trim().split("\\s+"));
        case "--small-work" -> smallWork = Path.of(args[++i]);
        case "--query-heap" -> queryHeap = args[++i];
        case "--bounded-heap-only" -> boundedHeapOnly = true;
        case "--ingest-only" -> ingestOnly = true;
        case "--needles-only" -> needlesOnly = true;
        default -> {
          System.err.println(
              "usage: EndToEndBench [--jar tonari.jar] [--work DIR] [--small-work DIR] [--server-jvm '-Xmx384m ...'] [--query-heap 128m] [--bounded-heap-only] [--ingest-only] [--needles-only]; unknown: "
                  + args[i]);
          System.exit(2);
        }
      }
    }
    EndToEndBench bench = new EndToEndBench(jar, work, jvm, smallWork, queryHeap, ingestOnly);
    if (needlesOnly) {
      bench.runNeedlesOnly();
    } else if (boundedHeapOnly) {
      bench.runBoundedHeapOnly();
    } else {
      bench.run();
    }
  }

  private void run() throws Exception {
    JsonNode corpus = new ObjectMapper().readTree(work.resolve("corpus.json").toFile());
    long rawBytes = corpus.get("rawBytes").asLong();
    long lines = corpus.get("lines").asLong();
    long start = corpus.get("startNanos").asLong() - 1;
    long end = corpus.get("endNanos").asLong() + 1;
    System.err.printf(Locale.ROOT, "corpus: %,d lines, %.1f MB raw, %d streams%n", lines, rawBytes / 1e6, corpus.get("streams").asInt());

    IngestOutcome json = ingest(work, "json-gzip", work.resolve("push-json-gzip.bin"));
    IngestOutcome protobuf = ingest(work, "protobuf-snappy", work.resolve("push-protobuf-snappy.bin"));
    ingestRows(json, protobuf);
    warmIngestRows(warmIngest(work, "json-gzip", work.resolve("push-json-gzip.bin")), warmIngest(work, "protobuf-snappy", work.resolve("push-protobuf-snappy.bin")));
    pacedIngestRows(pacedIngest(work, "json-gzip", work.resolve("push-json-gzip.bin")), pacedIngest(work, "protobuf-snappy", work.resolve("push-protobuf-snappy.bin")));
    if (ingestOnly) {
      printTable(lines, rawBytes, corpus.get("streams").asInt());
      System.out.printf(Locale.ROOT, "%nserver JVM %s%n", String.join(" ", serverJvmOptions));
      return;
    }

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
    for (int run = 0; run < RUNS; run++) {
      long t0 = System.nanoTime();
      grepCount = Long.parseLong(shell("zstd -dc " + quote(zst) + " | grep -F -c " + quote(word)).trim());
      double seconds = (System.nanoTime() - t0) / 1e9;
      grepSeconds = run == 0 ? seconds : Math.min(grepSeconds, seconds);
    }
    SizeQueries large;
    try (ServerProcess server = startServer(protobuf.dataDir, work.resolve("server-query.log"), Duration.ofMinutes(10))) {
      QueryTiming fullScan = null;
      QueryTiming needle = null;
      QueryTiming needleInRegex = null;
      String needleId = corpus.get("needle").asText();
      for (int run = 0; run < RUNS; run++) {
        fullScan = faster(fullScan, timeQuery(server.client(), corpus, "|= \"" + word + "\"", start, end, true));
        // trace_id=<id>, as one would search for it: a bare id is one token that could be the middle
        // of a longer one, so the bloom filters could not be probed for it (see BloomTerms).
        needle = faster(needle, timeQuery(server.client(), corpus, "|= \"trace_id=" + needleId + "\"", start, end, false));
        // The same literal inside a regex: the engine has to find the literal in the pattern itself.
        needleInRegex = faster(needleInRegex, timeQuery(server.client(), corpus, "|~ \"trace_id=" + needleId + ".*\"", start, end, false));
      }
      large = sizeQueries(server, corpus, work);
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
      row("needle |~ trace_id=<id>.*", "seconds", decimal3(needleInRegex.seconds) + " (" + needleInRegex.lines + " line)", "full scan: " + decimal3(fullScan.seconds), decimal(fullScan.seconds / needleInRegex.seconds) + "x faster");
    }
    List<BoundedQuery> largeBounded = boundedHeapQueries(protobuf.dataDir, corpus, work);
    NeedleBench needles = needleRows(protobuf.dataDir, corpus, zst);
    metricRows("sum by (app) (rate(logfmt", large.rate, large.rateScan, large.prodBytes);
    metricRows("quantile_over_time(json", large.quantile, large.quantileScan, large.jsonBytes);

    SizeQueries small = null;
    JsonNode smallCorpus = null;
    List<BoundedQuery> smallBounded = null;
    if (smallWork != null) {
      smallCorpus = new ObjectMapper().readTree(smallWork.resolve("corpus.json").toFile());
      IngestOutcome smallIngest = ingest(smallWork, "protobuf-snappy", smallWork.resolve("push-protobuf-snappy.bin"));
      try (ServerProcess server = startServer(smallIngest.dataDir, smallWork.resolve("server-query.log"), Duration.ofMinutes(10))) {
        small = sizeQueries(server, smallCorpus, smallWork);
        server.stopGracefully(Duration.ofMinutes(5));
      }
      smallBounded = boundedHeapQueries(smallIngest.dataDir, smallCorpus, smallWork);
    }
    String largeName = megabytes(rawBytes) + " corpus";
    String smallName = smallCorpus == null ? "second corpus: not measured (no --small-work)" : megabytes(smallCorpus.get("rawBytes").asLong()) + " corpus";
    row(
        "newest 100 lines, 1 stream",
        "ms (median of 9)",
        decimal(large.newestMillis) + " (" + large.newestLines + " lines)",
        small == null ? smallName : smallName + ": " + decimal(small.newestMillis) + " (" + small.newestLines + " lines)",
        small == null ? "" : decimal(large.newestMillis / small.newestMillis) + " (1 = same at both sizes)");
    heapRow("peak heap, full scan", large.fullScanHeap, small == null ? null : small.fullScanHeap, smallName, large.heapFailure);
    heapRow("peak heap, rate(logfmt)", large.rateHeap, small == null ? null : small.rateHeap, smallName, large.heapFailure);
    heapRow("peak heap, quantile(json)", large.quantileHeap, small == null ? null : small.quantileHeap, smallName, large.heapFailure);
    boundedHeapRows(largeBounded, smallBounded, rawBytes, smallCorpus == null ? -1 : smallCorpus.get("rawBytes").asLong());
    printTable(lines, rawBytes, corpus.get("streams").asInt());
    needles.print();
    System.out.println();
    System.out.println(boundedHeapSummary(largeBounded, smallBounded, rawBytes, smallCorpus == null ? -1 : smallCorpus.get("rawBytes").asLong()));
    System.out.printf(Locale.ROOT, "%nlarge = %s, small = %s; server JVM %s%n", largeName, smallName, String.join(" ", serverJvmOptions));
    System.out.println("queries (one per tenant, times summed; metric queries over the whole 24 h with step 300 s):");
    System.out.println("  full scan:       {namespace=\"<tenant>\"} |= \"" + word + "\"");
    System.out.println("  needle:          {namespace=\"<tenant>\"} |= \"trace_id=<id>\"  and  |~ \"trace_id=<id>.*\"");
    System.out.println("  rate:            " + RATE_QUERY + "   against  " + PROD_SCAN_QUERY);
    System.out.println("  quantile:        " + quantileQuery("<json apps of the tenant>") + "   against  {app=~\"<json apps>\"} |= \"deadlock\"");
    System.out.println(
        "  bounded heap:    the full scan, rate and quantile queries above, each once to warm up and once measured, in a server restarted with -Xmx"
            + queryHeap
            + " -XX:+ExitOnOutOfMemoryError");
    System.out.println("  newest 100:      " + large.newestQuery + " (tenant " + large.newestTenant + "), direction backward, limit 100");
    if (small != null) {
      System.out.printf(
          Locale.ROOT, "small corpus: rate %.3f s, quantile %.3f s, full scan of prod %.3f s%n", small.rate.seconds, small.quantile.seconds, small.rateScan.seconds);
    }
  }

  private static final String RATE_QUERY = "sum by (app) (rate({env=\"prod\"} | logfmt | status >= 500 [5m]))";
  private static final String PROD_SELECTOR = "{env=\"prod\"}";
  private static final String PROD_SCAN_QUERY = PROD_SELECTOR + " |= \"" + LogGenerator.RARE_WORD + "\"";
  private static final long STEP_SECONDS = 300;

  /**
   * Timed runs of each query (and of grep); the fastest counts. The first run also warms caches
   * and the JIT, and on a machine shared with other work the fastest run is the one least
   * disturbed by it.
   */
  private static final int RUNS = 3;

  private static QueryTiming faster(QueryTiming best, QueryTiming candidate) {
    return best == null || candidate.seconds < best.seconds ? candidate : best;
  }

  private static MetricTiming faster(MetricTiming best, MetricTiming candidate) {
    return best == null || candidate.seconds < best.seconds ? candidate : best;
  }

  private static String quantileQuery(String jsonApps) {
    return "quantile_over_time(0.99, {app=~\"" + jsonApps + "\"} | json | unwrap latency_ms [5m]) by (app)";
  }

  /** Time, series and bytes of one metric query summed over the tenants. */
  private record MetricTiming(double seconds, long series, long bytesProcessed) {}

  /** What is measured once per corpus size. */
  private record SizeQueries(
      double newestMillis,
      long newestLines,
      String newestQuery,
      String newestTenant,
      MetricTiming rate,
      QueryTiming rateScan,
      long prodBytes,
      MetricTiming quantile,
      QueryTiming quantileScan,
      long jsonBytes,
      HeapSampler.HeapPeak fullScanHeap,
      HeapSampler.HeapPeak rateHeap,
      HeapSampler.HeapPeak quantileHeap,
      String heapFailure) {}

  /**
   * The queries compared across corpus sizes: the newest 100 lines of one stream, the two metric
   * queries with a full scan of the same streams, and the peak heap of the heavy ones.
   */
  private SizeQueries sizeQueries(ServerProcess server, JsonNode corpus, Path workDir) throws Exception {
    LokiHttpClient client = server.client();
    long start = corpus.get("startNanos").asLong() - 1;
    long end = corpus.get("endNanos").asLong() + 1;
    List<String> tenants = new ArrayList<>();
    corpus.get("rareWordLinesByTenant").fieldNames().forEachRemaining(tenants::add);
    // The same seed gives the same streams, so the corpus's JSON apps and pods are known here.
    List<LogGenerator.GeneratedStream> streams = new LogGenerator(corpus.get("seed").asLong(), GeneratorOptions.benchmark()).streams();
    Map<String, Set<String>> jsonAppsByTenant = jsonAppsByTenant(streams);
    Function<String, String> jsonSelector = tenant -> "{app=~\"" + String.join("|", jsonAppsByTenant.getOrDefault(tenant, Set.of("none"))) + "\"}";
    Function<String, String> quantile = tenant -> quantileQuery(String.join("|", jsonAppsByTenant.getOrDefault(tenant, Set.of("none"))));
    Function<String, String> rate = tenant -> RATE_QUERY;

    LogGenerator.GeneratedStream oneStream = streams.get(0);
    String newestQuery = selectorOf(oneStream.labels());
    double[] newestMillis = new double[9];
    long newestLines = 0;
    client.queryRange(oneStream.tenant(), newestQuery, start, end, 100, "backward");
    for (int i = 0; i < newestMillis.length; i++) {
      long t0 = System.nanoTime();
      newestLines = client.queryRange(oneStream.tenant(), newestQuery, start, end, 100, "backward").size();
      newestMillis[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(newestMillis);

    System.err.println("  " + workDir + ": metric queries ...");
    MetricTiming rateTiming = null;
    MetricTiming quantileTiming = null;
    QueryTiming rateScan = null;
    QueryTiming quantileScan = null;
    for (int run = 0; run < RUNS; run++) {
      rateTiming = faster(rateTiming, timeMetricQuery(client, tenants, rate, start, end));
      rateScan = faster(rateScan, timeTenantQueries(client, corpus, tenant -> PROD_SCAN_QUERY, start, end));
      quantileTiming = faster(quantileTiming, timeMetricQuery(client, tenants, quantile, start, end));
      quantileScan = faster(quantileScan, timeTenantQueries(client, corpus, tenant -> jsonSelector.apply(tenant) + " |= \"" + LogGenerator.RARE_WORD + "\"", start, end));
    }
    long prodBytes = selectedBytes(client, tenants, tenant -> PROD_SELECTOR, start, end);
    long jsonBytes = selectedBytes(client, tenants, jsonSelector, start, end);

    HeapSampler.HeapPeak fullScanHeap = null;
    HeapSampler.HeapPeak rateHeap = null;
    HeapSampler.HeapPeak quantileHeap = null;
    String heapFailure = null;
    // A third run of each, apart from the timed ones, so that polling the heap cannot slow those.
    try (HeapSampler sampler = HeapSampler.attach(server.pid())) {
      fullScanHeap = sampler.measure(() -> timeTenantQueries(client, corpus, tenant -> "{namespace=\"" + tenant + "\"} |= \"" + LogGenerator.RARE_WORD + "\"", start, end)).heap();
      rateHeap = sampler.measure(() -> timeMetricQuery(client, tenants, rate, start, end)).heap();
      quantileHeap = sampler.measure(() -> timeMetricQuery(client, tenants, quantile, start, end)).heap();
    } catch (IOException e) {
      heapFailure = e.getMessage();
      System.err.println("  heap not measured: " + heapFailure);
    }
    return new SizeQueries(
        newestMillis[newestMillis.length / 2],
        newestLines,
        newestQuery,
        oneStream.tenant(),
        rateTiming,
        rateScan,
        prodBytes >= 0 ? prodBytes : rateTiming.bytesProcessed,
        quantileTiming,
        quantileScan,
        jsonBytes >= 0 ? jsonBytes : quantileTiming.bytesProcessed,
        fullScanHeap,
        rateHeap,
        quantileHeap,
        heapFailure);
  }

  private static Map<String, Set<String>> jsonAppsByTenant(List<LogGenerator.GeneratedStream> streams) {
    Map<String, Set<String>> jsonAppsByTenant = new TreeMap<>();
    for (LogGenerator.GeneratedStream stream : streams) {
      if (stream.style() == LogStyle.JSON) {
        jsonAppsByTenant.computeIfAbsent(stream.tenant(), t -> new TreeSet<>()).add(stream.app());
      }
    }
    return jsonAppsByTenant;
  }

  /** One of the heavy queries, run against a server; answers its time in seconds. */
  @FunctionalInterface
  private interface HeavyQuery {
    double run(LokiHttpClient client) throws IOException, InterruptedException;
  }

  private record NamedQuery(String name, HeavyQuery query) {}

  /** The outcome of one heavy query in a small fixed heap: its time and heap, or why it failed. */
  private record BoundedQuery(String name, double seconds, HeapSampler.HeapPeak heap, String failure) {
    boolean succeeded() {
      return failure == null;
    }
  }

  /** The full scan, the rate over logfmt and the quantile over json, each summed over the tenants. */
  private static List<NamedQuery> heavyQueries(JsonNode corpus) {
    long start = corpus.get("startNanos").asLong() - 1;
    long end = corpus.get("endNanos").asLong() + 1;
    List<String> tenants = new ArrayList<>();
    corpus.get("rareWordLinesByTenant").fieldNames().forEachRemaining(tenants::add);
    Map<String, Set<String>> jsonApps = jsonAppsByTenant(new LogGenerator(corpus.get("seed").asLong(), GeneratorOptions.benchmark()).streams());
    Function<String, String> quantile = tenant -> quantileQuery(String.join("|", jsonApps.getOrDefault(tenant, Set.of("none"))));
    return List.of(
        new NamedQuery(
            "full scan",
            client -> timeTenantQueries(client, corpus, tenant -> "{namespace=\"" + tenant + "\"} |= \"" + LogGenerator.RARE_WORD + "\"", start, end).seconds),
        new NamedQuery("rate", client -> timeMetricQuery(client, tenants, tenant -> RATE_QUERY, start, end).seconds),
        new NamedQuery("quantile", client -> timeMetricQuery(client, tenants, quantile, start, end).seconds));
  }

  /**
   * Runs the heavy queries in a server restarted on {@code dataDir} with {@code -Xmx<queryHeap>}:
   * each once to warm up and once measured. The server exits on the first OutOfMemoryError, so an
   * OOM cannot be answered as a partial result; a failed query is recorded and the server restarted
   * for the next one.
   */
  private List<BoundedQuery> boundedHeapQueries(Path dataDir, JsonNode corpus, Path workDir) throws Exception {
    System.err.println("  " + workDir + ": heavy queries in -Xmx" + queryHeap + " ...");
    List<String> jvm = new ArrayList<>();
    for (String option : serverJvmOptions) {
      // The small heap replaces any heap size the other servers were given.
      if (!option.startsWith("-Xmx") && !option.startsWith("-Xms") && !option.startsWith("-XX:MaxRAMPercentage")) {
        jvm.add(option);
      }
    }
    jvm.add("-Xmx" + queryHeap);
    jvm.add("-XX:+ExitOnOutOfMemoryError");
    Path log = workDir.resolve("server-bounded-heap.log");
    Files.deleteIfExists(log);
    List<BoundedQuery> outcomes = new ArrayList<>();
    ServerProcess server = null;
    HeapSampler sampler = null;
    try {
      for (NamedQuery query : heavyQueries(corpus)) {
        if (server == null || !server.isAlive()) {
          if (sampler != null) {
            closeSampler(sampler, server);
          }
          if (server != null) {
            server.close();
          }
          server = ServerProcess.start(jar, dataDir, log, jvm, List.of("--config", writeServerConfig().toString()), Duration.ofMinutes(10));
          sampler = HeapSampler.attach(server.pid());
        }
        LokiHttpClient client = server.client();
        HeapSampler activeSampler = sampler;
        try {
          query.query.run(client);
          HeapSampler.Measured<Double> measured = activeSampler.measure(() -> query.query.run(client));
          outcomes.add(new BoundedQuery(query.name, measured.result(), measured.heap(), null));
        } catch (IOException e) {
          // Give an exiting server a moment, so that its OutOfMemoryError is in the log.
          server.awaitExit(Duration.ofSeconds(10));
          String failure = !server.isAlive() && Files.readString(log).contains("OutOfMemoryError") ? "OOM" : "error: " + e.getMessage();
          System.err.println("  " + query.name + " failed in -Xmx" + queryHeap + ": " + failure);
          outcomes.add(new BoundedQuery(query.name, Double.NaN, null, failure));
        }
      }
      if (server.isAlive()) {
        // The management connection first: the server's agent goes away with it.
        sampler.close();
        sampler = null;
        server.stopGracefully(Duration.ofMinutes(5));
      }
    } finally {
      if (sampler != null) {
        closeSampler(sampler, server);
      }
      if (server != null) {
        server.close();
      }
    }
    return outcomes;
  }

  /**
   * Closes the management connection; when the server has exited (an OOM, already reported), its
   * agent is gone and the close fails by design, so only a failure against a live server is shown.
   */
  private static void closeSampler(HeapSampler sampler, ServerProcess server) {
    try {
      sampler.close();
    } catch (IOException e) {
      if (server != null && server.isAlive()) {
        System.err.println("  closing the heap sampler of server pid " + server.pid() + ": " + e.getMessage());
      }
    }
  }

  /** Runs only the bounded-heap queries against the data directories of a previous run. */
  /**
   * Only the needle rows ({@link NeedleBench}): ingests the corpus with protobuf+snappy into a
   * fresh server, stops it gracefully (so that the head is flushed), and runs the needle queries in
   * a restarted one; prints the index's share of the parts.
   */
  private void runNeedlesOnly() throws Exception {
    JsonNode corpus = new ObjectMapper().readTree(work.resolve("corpus.json").toFile());
    IngestOutcome protobuf = ingest(work, "protobuf-snappy", work.resolve("push-protobuf-snappy.bin"));
    Path zst = work.resolve("raw.zst");
    compressWithZstd(work.resolve("raw.log"), zst);
    NeedleBench needles = needleRows(protobuf.dataDir, corpus, zst);
    System.out.printf(Locale.ROOT, "%ncorpus: %,d lines, %.1f MB raw, %d streams; zstd -3: %.1f MB%n", corpus.get("lines").asLong(), corpus.get("rawBytes").asLong() / 1e6,
        corpus.get("streams").asInt(), Files.size(zst) / 1e6);
    needles.print();
  }

  /** Index share first (of the parts as ingested), then the needle queries in a restarted server. */
  private NeedleBench needleRows(Path dataDir, JsonNode corpus, Path zst) throws Exception {
    long[] index = PartIndexShare.of(dataDir);
    System.err.println("  needle queries ...");
    NeedleBench needles = new NeedleBench(null, corpus);
    try (ServerProcess server = startServer(dataDir, work.resolve("server-needles.log"), Duration.ofMinutes(10))) {
      needles = new NeedleBench(server.client(), corpus);
      needles.rows.add(new String[] {
          "index share of parts", String.format(Locale.ROOT, "%.1f%%", 100.0 * index[1] / Math.max(1, index[0])),
          String.format(Locale.ROOT, "filters %.1f MB of %.1f MB in %d parts, %d blocks (token filters %.1f MB, substring %.1f MB, folded %.1f MB)",
              index[1] / 1e6, index[0] / 1e6, index[2], index[3], index[4] / 1e6, index[5] / 1e6, index[6] / 1e6),
          "", ""});
      needles.run(zst.toString());
      // The queries read parts (full scans included): what stayed resident, beside the ingest's peak.
      long anonymous = ServerProcess.readProcStatusKilobytes(server.pid(), "RssAnon:");
      long fileBacked = ServerProcess.readProcStatusKilobytes(server.pid(), "RssFile:");
      needles.rows.add(new String[] {
          "server peak RSS, needle queries", String.format(Locale.ROOT, "%.0f MB", server.peakResidentBytes() / 1e6),
          String.format(Locale.ROOT, "VmHWM of the server that ran them (restarted on the data); at the end anonymous %d MB, file-backed %d MB", Math.round(anonymous * 1024 / 1e6), Math.round(fileBacked * 1024 / 1e6)),
          "", ""});
      server.stopGracefully(Duration.ofMinutes(5));
    }
    return needles;
  }

  private void runBoundedHeapOnly() throws Exception {
    JsonNode corpus = new ObjectMapper().readTree(work.resolve("corpus.json").toFile());
    long rawBytes = corpus.get("rawBytes").asLong();
    List<BoundedQuery> large = boundedHeapQueries(work.resolve("data-protobuf-snappy"), corpus, work);
    List<BoundedQuery> small = null;
    long smallRawBytes = -1;
    if (smallWork != null) {
      JsonNode smallCorpus = new ObjectMapper().readTree(smallWork.resolve("corpus.json").toFile());
      smallRawBytes = smallCorpus.get("rawBytes").asLong();
      small = boundedHeapQueries(smallWork.resolve("data-protobuf-snappy"), smallCorpus, smallWork);
    }
    boundedHeapRows(large, small, rawBytes, smallRawBytes);
    printTable(corpus.get("lines").asLong(), rawBytes, corpus.get("streams").asInt());
    System.out.println();
    System.out.println(boundedHeapSummary(large, small, rawBytes, smallRawBytes));
  }

  private void boundedHeapRows(List<BoundedQuery> large, List<BoundedQuery> small, long largeRawBytes, long smallRawBytes) {
    String smallPrefix = small == null ? "second corpus: not measured" : megabytes(smallRawBytes) + " corpus: ";
    row(
        "heavy queries in -Xmx" + queryHeap,
        "scan / rate / quantile",
        boundedOutcomes(large),
        small == null ? smallPrefix : smallPrefix + boundedOutcomes(small),
        "");
    row("", "seconds", boundedSeconds(large), small == null ? "" : smallPrefix + boundedSeconds(small), "");
    long largeMax = maxAfterGc(large);
    long smallMax = small == null ? -1 : maxAfterGc(small);
    row(
        "",
        "MB after GC (max)",
        boundedAfterGc(large) + " (" + afterGcMegabytes(largeMax) + ")",
        small == null ? "" : smallPrefix + boundedAfterGc(small) + " (" + afterGcMegabytes(smallMax) + ")",
        largeMax > 0 && smallMax > 0 ? decimal((double) largeMax / smallMax) + " (max, large/small)" : "");
  }

  private static String boundedOutcomes(List<BoundedQuery> outcomes) {
    return String.join(" / ", outcomes.stream().map(outcome -> outcome.succeeded() ? "ok" : outcome.failure).toList());
  }

  private static String boundedSeconds(List<BoundedQuery> outcomes) {
    return String.join(" / ", outcomes.stream().map(outcome -> outcome.succeeded() ? decimal3(outcome.seconds) : "-").toList());
  }

  private static String boundedAfterGc(List<BoundedQuery> outcomes) {
    return String.join(" / ", outcomes.stream().map(outcome -> outcome.succeeded() ? afterGcMegabytes(outcome.heap.maxAfterGcBytes()) : "-").toList());
  }

  private static String afterGcMegabytes(long bytes) {
    return bytes < 0 ? "no GC" : number(bytes / 1e6);
  }

  /** The largest heap after a collection over the queries that succeeded; -1 when none collected. */
  private static long maxAfterGc(List<BoundedQuery> outcomes) {
    long max = -1;
    for (BoundedQuery outcome : outcomes) {
      if (outcome.succeeded()) {
        max = Math.max(max, outcome.heap.maxAfterGcBytes());
      }
    }
    return max;
  }

  private String boundedHeapSummary(List<BoundedQuery> large, List<BoundedQuery> small, long largeRawBytes, long smallRawBytes) {
    boolean largeOk = large.stream().allMatch(BoundedQuery::succeeded);
    StringBuilder summary = new StringBuilder("heaviest queries in -Xmx" + queryHeap + ": ");
    summary.append(largeOk ? "ok" : "FAILED (" + boundedOutcomes(large) + ")").append(" at ").append(megabytes(largeRawBytes));
    if (small != null) {
      boolean smallOk = small.stream().allMatch(BoundedQuery::succeeded);
      summary.append(smallOk ? " and ok" : " and FAILED (" + boundedOutcomes(small) + ")").append(" at ").append(megabytes(smallRawBytes));
      summary.append("; max after-GC heap ").append(afterGcMegabytes(maxAfterGc(large))).append(" vs ").append(afterGcMegabytes(maxAfterGc(small))).append(" MB");
    } else {
      summary.append("; max after-GC heap ").append(afterGcMegabytes(maxAfterGc(large))).append(" MB");
    }
    return summary.toString();
  }

  private static String selectorOf(Labels labels) {
    StringBuilder selector = new StringBuilder("{");
    for (int i = 0; i < labels.size(); i++) {
      selector.append(i == 0 ? "" : ", ").append(labels.name(i)).append("=\"").append(labels.value(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return selector.append('}').toString();
  }

  /** One metric query_range per tenant over [start, end] with a 5 m step, times summed. */
  private static MetricTiming timeMetricQuery(LokiHttpClient client, List<String> tenants, Function<String, String> queryOf, long start, long end)
      throws IOException, InterruptedException {
    long series = 0;
    long bytes = 0;
    long t0 = System.nanoTime();
    for (String tenant : tenants) {
      String query = queryOf.apply(tenant);
      JsonNode root =
          client.getJson(
              tenant,
              "/loki/api/v1/query_range",
              Map.of("query", query, "start", Long.toString(start), "end", Long.toString(end), "step", Long.toString(STEP_SECONDS)));
      JsonNode data = root.path("data");
      if (!"matrix".equals(data.path("resultType").asText())) {
        throw new IOException("metric query " + query + " for tenant " + tenant + " answered resultType " + data.path("resultType") + ", expected matrix");
      }
      series += data.path("result").size();
      bytes += data.path("stats").path("summary").path("totalBytesProcessed").asLong();
    }
    return new MetricTiming((System.nanoTime() - t0) / 1e9, series, bytes);
  }

  /**
   * Line bytes of the streams a selector matches, summed over the tenants, from {@code
   * /loki/api/v1/index/stats}; -1 when the server has no such endpoint.
   */
  private static long selectedBytes(LokiHttpClient client, List<String> tenants, Function<String, String> selectorOf, long start, long end)
      throws IOException, InterruptedException {
    long bytes = 0;
    for (String tenant : tenants) {
      try {
        bytes += client.getJson(tenant, "/loki/api/v1/index/stats", Map.of("query", selectorOf.apply(tenant), "start", Long.toString(start), "end", Long.toString(end))).path("bytes").asLong();
      } catch (LokiHttpClient.HttpStatusException e) {
        if (e.status() == 404) {
          return -1;
        }
        throw e;
      }
    }
    return bytes;
  }

  /**
   * Loki 2.8's figures on this machine, from issue 12: 145k lines/s of gzip JSON, about 40
   * CPU-seconds per GB raw, 1.93 GiB peak RSS on 4M lines.
   */
  private static final double LOKI_LINES_PER_SECOND = 145_000;

  private static final double LOKI_CPU_SECONDS_PER_GB = 40;
  private static final double LOKI_PEAK_RSS_BYTES = 1.93 * (1L << 30);

  private static final String JSON_TARGET = "target 450,000; Loki 145,000";
  private static final String PROTOBUF_TARGET = "target 750,000; Loki 145,000";

  private void ingestRows(IngestOutcome json, IngestOutcome protobuf) {
    linesRow("ingest, gzip JSON", JSON_TARGET, json);
    ingestDetailRows(json);
    linesRow("ingest, protobuf+snappy", PROTOBUF_TARGET, protobuf);
    ingestDetailRows(protobuf);
  }

  private void warmIngestRows(IngestOutcome json, IngestOutcome protobuf) {
    linesRow("warm server, gzip JSON", JSON_TARGET, json);
    warmDetailRows(json);
    linesRow("warm server, protobuf", PROTOBUF_TARGET, protobuf);
    warmDetailRows(protobuf);
  }

  private void pacedIngestRows(IngestOutcome json, IngestOutcome protobuf) {
    for (IngestOutcome outcome : List.of(json, protobuf)) {
      row(outcome == json ? "paced, gzip JSON" : "paced, protobuf", "push p50 / p99 ms", decimal(outcome.result.latencyP50Millis()) + " / " + decimal(outcome.result.latencyP99Millis()),
          String.format(Locale.ROOT, "target p99 < 50; warm, at Loki's %,.0f lines/s, from when due", LOKI_LINES_PER_SECOND), "");
      double cpuPerGigabyte = outcome.cpuSeconds / (outcome.result.rawBytes() / 1e9);
      row("", "server CPU s / GB raw", decimal(cpuPerGigabyte) + " (" + decimal(outcome.cpuSeconds) + " s)", "target 13; Loki 40", ratio(LOKI_CPU_SECONDS_PER_GB / cpuPerGigabyte) + " less");
      row("", "pushes retried after 429", Long.toString(outcome.result.backpressureRetries()), "", "");
    }
  }

  private void linesRow(String what, String target, IngestOutcome outcome) {
    row(what, "lines/s", number(outcome.result.linesPerSecond()), target, ratio(outcome.result.linesPerSecond() / LOKI_LINES_PER_SECOND) + " Loki");
  }

  /** Latency, latency with retries and CPU per GB: the rows every ingest has. */
  private void costRows(IngestOutcome outcome) {
    row("", "push p50 / p99 ms", decimal(outcome.result.latencyP50Millis()) + " / " + decimal(outcome.result.latencyP99Millis()), "target p99 < 50", "");
    row("", "p99 with retries ms", decimal(outcome.result.wholePushP99Millis()), "first attempt to 204, Retry-After waits included", "");
    double cpuPerGigabyte = outcome.cpuSeconds / (outcome.result.rawBytes() / 1e9);
    row("", "server CPU s / GB raw", decimal(cpuPerGigabyte) + " (" + decimal(outcome.cpuSeconds) + " s)", "target 13; Loki 40", ratio(LOKI_CPU_SECONDS_PER_GB / cpuPerGigabyte) + " less");
  }

  private void warmDetailRows(IngestOutcome outcome) {
    costRows(outcome);
    row("", "server peak RSS MB (VmHWM)", number(outcome.peakRssBytes / 1e6), "target 644 (0.6 GiB); the warm-up's data too", "");
    row("", "pushes retried after 429", Long.toString(outcome.result.backpressureRetries()), "", "");
  }

  private void ingestDetailRows(IngestOutcome outcome) {
    row("", "MB/s raw", decimal(outcome.result.rawMegabytesPerSecond()), "", "");
    costRows(outcome);
    row("", "server peak RSS MB (VmHWM)", number(outcome.peakRssBytes / 1e6), "target 644 (0.6 GiB); Loki 2,072", ratio(LOKI_PEAK_RSS_BYTES / outcome.peakRssBytes) + " less");
    row("", "  of which anonymous / file MB", number(outcome.peakAnonymousBytes / 1e6) + " / " + number(outcome.peakFileBytes / 1e6),
        "peaks apart; file = mapped part files (page cache)", "");
    row("", "pushes retried after 429", Long.toString(outcome.result.backpressureRetries()), "", "");
    row("", "at stop: CPU s / GB raw", decimal(outcome.stopCpuSeconds / (outcome.result.rawBytes() / 1e9)) + " (" + decimal(outcome.stopCpuSeconds) + " s)",
        "final flush + merge of level 0 into level 1", "");
    IngestBench.SecondHalf warm = outcome.result.secondHalf();
    row("", "second half: lines/s", number(warm.linesPerSecond()), "the fresh JVM still compiles", ratio(warm.linesPerSecond() / LOKI_LINES_PER_SECOND) + " Loki");
    row("", "second half: CPU s / GB", decimal(warm.cpuSecondsPerGigabyte()) + " (" + decimal(warm.cpuSeconds()) + " s)", "target 13; Loki 40",
        ratio(LOKI_CPU_SECONDS_PER_GB / warm.cpuSecondsPerGigabyte()) + " less");
  }

  private void metricRows(String name, MetricTiming metric, QueryTiming scan, long selectedBytes) {
    row(
        name,
        "seconds",
        decimal3(metric.seconds) + " (" + metric.series + " series)",
        "full scan of the same streams: " + decimal3(scan.seconds) + " (" + megabytes(selectedBytes) + ")",
        decimal(scan.seconds / metric.seconds));
  }

  private void heapRow(String name, HeapSampler.HeapPeak large, HeapSampler.HeapPeak small, String smallName, String failure) {
    if (large == null) {
      row(name, "MB", "not measured: " + failure, "", "");
      return;
    }
    row(
        name,
        "MB peak (GC'd; idle)",
        heap(large),
        small == null ? smallName : smallName + ": " + heap(small),
        small == null ? "" : decimal((double) large.peakBytes() / small.peakBytes()) + " (peak, large/small)");
  }

  private static String heap(HeapSampler.HeapPeak peak) {
    return number(peak.peakBytes() / 1e6) + " (" + (peak.maxAfterGcBytes() < 0 ? "no GC" : number(peak.maxAfterGcBytes() / 1e6)) + "; " + number(peak.baselineBytes() / 1e6) + ")";
  }

  /**
   * @param peakAnonymousBytes peak RssAnon during the pushes (heap, native memory, stacks)
   * @param peakFileBytes peak RssFile during the pushes (mapped part files read by merges, the JVM's files)
   */
  /**
   * @param stopCpuSeconds the server's CPU during its graceful stop: the final flush and the merge
   *     of the level-0 parts into level 1, which in a run this short is all the merging there is
   */
  private record IngestOutcome(IngestBench.Result result, long peakRssBytes, long peakAnonymousBytes, long peakFileBytes, double cpuSeconds,
      double stopCpuSeconds, Path dataDir, long dataBytes, long walBytes) {}

  private record QueryTiming(double seconds, long lines) {}

  private IngestOutcome ingest(Path workDir, String name, Path bodiesFile) throws Exception {
    return ingest(workDir, name, bodiesFile, false);
  }

  /**
   * The same ingest into a server that has already taken the whole corpus once, under other
   * tenants, and then gone idle: what a server that has been running pays per line. A fresh JVM's
   * compiler threads take about a third of the CPU of a run of a few seconds, and its handlers run
   * interpreted or lightly compiled code for most of it; Loki's figures are of a Go binary, which
   * has no warm-up. The warm-up's parts stay in the data directory (its size is not reported).
   */
  private IngestOutcome warmIngest(Path workDir, String name, Path bodiesFile) throws Exception {
    return ingest(workDir, name, bodiesFile, true, 0);
  }

  /**
   * The warm ingest paced at Loki's top rate on this machine ({@value #LOKI_LINES_PER_SECOND}
   * lines/s) instead of as fast as the server answers: the latency an agent sees from a server
   * that is not saturated. At the top rate four pushes of about 1 MB each are always in flight, so
   * by Little's law the median latency is 4 MB over the rate (about 55 ms at 73 MB/s), whatever
   * the server does; a p99 target of 50 ms only means something below saturation.
   */
  private IngestOutcome pacedIngest(Path workDir, String name, Path bodiesFile) throws Exception {
    return ingest(workDir, name, bodiesFile, true, LOKI_LINES_PER_SECOND);
  }

  private IngestOutcome ingest(Path workDir, String name, Path bodiesFile, boolean warmUp) throws Exception {
    return ingest(workDir, name, bodiesFile, warmUp, 0);
  }

  private IngestOutcome ingest(Path workDir, String name, Path bodiesFile, boolean warmUp, double pacedLinesPerSecond) throws Exception {
    List<PushBodyFile.PushBody> bodies = PushBodyFile.readAll(bodiesFile);
    String runName = (pacedLinesPerSecond > 0 ? "paced-" : warmUp ? "warm-" : "") + name;
    Path dataDir = workDir.resolve("data-" + runName);
    CrashTest.deleteRecursively(dataDir);
    System.err.printf("ingest %s into %s: %d requests over %d connections%s ...%n", name, dataDir, bodies.size(), CONNECTIONS,
        (warmUp ? ", after a warm-up with the same bodies under other tenants" : "")
            + (pacedLinesPerSecond > 0 ? String.format(Locale.ROOT, ", paced at %,.0f lines/s", pacedLinesPerSecond) : ""));
    IngestBench.Result result;
    long peakRss;
    long peakAnonymous;
    long peakFile;
    double cpuSeconds;
    double stopCpuSeconds;
    try (ServerProcess server = startServer(dataDir, workDir.resolve("server-" + runName + ".log"), Duration.ofMinutes(2))) {
      if (warmUp) {
        List<PushBodyFile.PushBody> warmUpBodies = new ArrayList<>(bodies.size());
        for (PushBodyFile.PushBody body : bodies) {
          warmUpBodies.add(new PushBodyFile.PushBody("warm-up-" + body.tenant(), body.push(), body.entries(), body.rawBytes()));
        }
        IngestBench.Result warmUpResult = IngestBench.run(server.client(), warmUpBodies, CONNECTIONS);
        double idleAfter = awaitIdle(server, Duration.ofMinutes(2));
        System.err.printf(Locale.ROOT, "  warm-up: %,.0f lines/s; server idle %.1f s after it (flushes and merges done)%n", warmUpResult.linesPerSecond(), idleAfter);
      }
      // CPU of the pushes only: the server's start-up (JIT of its boot, WAL open) is not ingest.
      double cpuBefore = server.cpuSeconds();
      Map<String, Double> threadsBefore = server.cpuSecondsByThreadKind();
      Map<String, Double> countersBefore = storeCounters(server.client());
      ResidentMemorySampler memory = new ResidentMemorySampler(server.pid(), Duration.ofMillis(100));
      try {
        result = IngestBench.run(server.client(), bodies, CONNECTIONS, server::cpuSeconds, pacedLinesPerSecond);
      } finally {
        memory.close();
      }
      System.err.println("  store during ingest: " + counterDelta(countersBefore, storeCounters(server.client())));
      peakAnonymous = memory.peakAnonymousBytes();
      peakFile = memory.peakFileBytes();
      cpuSeconds = server.cpuSeconds() - cpuBefore;
      System.err.println("  server CPU by thread during ingest: " + threadCpuDelta(threadsBefore, server.cpuSecondsByThreadKind(), cpuSeconds));
      peakRss = server.peakResidentBytes();
      System.err.printf(Locale.ROOT, "  %s, server CPU %.1f s (%.1f s per GB raw), peak RSS (VmHWM) %d MB (peaks: anonymous %d MB, file-backed %d MB); stopping gracefully ...%n",
          result, cpuSeconds, cpuSeconds / (result.rawBytes() / 1e9), peakRss / 1_000_000, peakAnonymous / 1_000_000, peakFile / 1_000_000);
      stopCpuSeconds = server.stopGracefullyMeasuringCpu(Duration.ofMinutes(10));
      System.err.printf(Locale.ROOT, "  stop (final flush, level-0 parts merged into level 1): server CPU %.2f s (%.1f s per GB raw)%n",
          stopCpuSeconds, stopCpuSeconds / (result.rawBytes() / 1e9));
    }
    long[] sizes = directorySizes(dataDir);
    System.err.printf(Locale.ROOT, "  data dir %s: %.1f MB (of which WAL %.1f MB)%n", dataDir, sizes[0] / 1e6, sizes[1] / 1e6);
    return new IngestOutcome(result, peakRss, peakAnonymous, peakFile, cpuSeconds, stopCpuSeconds, dataDir, sizes[0], sizes[1]);
  }

  /**
   * Waits until the server spends less than 2% of a core over a second (its flushes and merges
   * after a push are done), at most {@code limit}; returns the seconds waited.
   */
  private static double awaitIdle(ServerProcess server, Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    double before = server.cpuSeconds();
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      double now = server.cpuSeconds();
      if (now - before < 0.02) {
        break;
      }
      before = now;
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** Counters of the server's /metrics that say why a push waited: flushes, waits for room in a full head, refusals, fsyncs. */
  private static final List<String> STORE_COUNTERS = List.of("tonari_flushes", "tonari_head_full_waits", "tonari_head_full_refusals", "tonari_wal_fsyncs");

  private static Map<String, Double> storeCounters(LokiHttpClient client) throws IOException, InterruptedException {
    Map<String, Double> values = new TreeMap<>();
    for (String line : client.get("fake", "/metrics", Map.of(), Duration.ofSeconds(10)).body().split("\n")) {
      for (String name : STORE_COUNTERS) {
        // The Prometheus client adds _total to counter names.
        if (line.startsWith(name + " ") || line.startsWith(name + "_total ")) {
          values.put(name, Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim()));
        }
      }
    }
    return values;
  }

  private static String counterDelta(Map<String, Double> before, Map<String, Double> after) {
    List<String> parts = new ArrayList<>();
    for (String name : STORE_COUNTERS) {
      parts.add(String.format(Locale.ROOT, "%s %.0f", name.substring("tonari_".length()), after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0)));
    }
    return String.join(", ", parts);
  }

  /** The CPU seconds each kind of thread spent between two readings, largest first, and what exited threads took. */
  static String threadCpuDelta(Map<String, Double> before, Map<String, Double> after, double processSeconds) {
    List<Map.Entry<String, Double>> spent = new ArrayList<>();
    double counted = 0;
    for (Map.Entry<String, Double> kind : after.entrySet()) {
      double seconds = kind.getValue() - before.getOrDefault(kind.getKey(), 0.0);
      counted += seconds;
      if (seconds >= 0.01) {
        spent.add(Map.entry(kind.getKey(), seconds));
      }
    }
    spent.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, Double> kind : spent) {
      text.append(String.format(Locale.ROOT, "%s %.2f s, ", kind.getKey(), kind.getValue()));
    }
    return text.append(String.format(Locale.ROOT, "exited threads %.2f s", Math.max(0, processSeconds - counted))).toString();
  }

  /**
   * The server's limits for a benchmark: Loki's per-tenant ingestion rate of 4 MB/s would measure
   * the rate limiter instead of ingest, and its 1 minute query timeout could cut a metric query
   * short on a loaded machine. Every other limit keeps Loki's default.
   */
  private static final String SERVER_CONFIG =
      """
      # Written by dev.tonari.bench.EndToEndBench for the benchmark servers.
      limits:
        ingestion_rate_mb: 1000000
        ingestion_burst_size_mb: 1000000
        query_timeout: 10m
      """;

  private ServerProcess startServer(Path dataDir, Path logFile, Duration readyTimeout) throws IOException, InterruptedException {
    return ServerProcess.start(jar, dataDir, logFile, serverJvmOptions, List.of("--config", writeServerConfig().toString()), readyTimeout);
  }

  private Path writeServerConfig() throws IOException {
    Path config = work.resolve("bench-server.yaml");
    Files.writeString(config, SERVER_CONFIG);
    return config;
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
   *
   * @param pipeline what follows the tenant's {@code {namespace="<tenant>"}} selector
   */
  private static QueryTiming timeQuery(LokiHttpClient client, JsonNode corpus, String pipeline, long start, long end, boolean rareWord)
      throws IOException, InterruptedException {
    return timeTenantQueries(client, corpus, tenant -> "{namespace=\"" + tenant + "\"} " + pipeline, start, end, rareWord);
  }

  /** {@link #timeQuery} with the whole query given per tenant, searching the rare word. */
  private static QueryTiming timeTenantQueries(LokiHttpClient client, JsonNode corpus, Function<String, String> queryOf, long start, long end)
      throws IOException, InterruptedException {
    return timeTenantQueries(client, corpus, queryOf, start, end, true);
  }

  private static QueryTiming timeTenantQueries(LokiHttpClient client, JsonNode corpus, Function<String, String> queryOf, long start, long end, boolean rareWord)
      throws IOException, InterruptedException {
    long lines = 0;
    long t0 = System.nanoTime();
    for (Iterator<Map.Entry<String, JsonNode>> it = corpus.get("rareWordLinesByTenant").properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> tenantCount = it.next();
      String tenant = tenantCount.getKey();
      int limit = rareWord ? (int) Math.min(5000, tenantCount.getValue().asLong() + 100) : 100;
      lines += client.queryRange(tenant, queryOf.apply(tenant), start, end, limit, "backward").size();
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
    String format = "%-28s %-20s %-30s %-54s %s%n";
    System.out.printf(format, "", "", "tonari", "baseline", "ratio (>= 1 is at least as good)");
    System.out.printf(format, "-".repeat(28), "-".repeat(20), "-".repeat(30), "-".repeat(54), "-".repeat(12));
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
