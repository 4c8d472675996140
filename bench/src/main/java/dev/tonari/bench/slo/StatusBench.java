package dev.tonari.bench.slo;

import dev.tonari.logql.LogqlParser;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.metric.MetricQueryEngine;
import dev.tonari.query.metric.MetricResult;
import dev.tonari.query.metric.VectorResult;
import dev.tonari.slo.engine.SloDataSources;
import dev.tonari.slo.engine.SloService;
import dev.tonari.slo.engine.SloSettings;
import dev.tonari.slo.engine.SloView;
import dev.tonari.slo.rollup.FileRollupStore;
import dev.tonari.slo.rollup.InMemoryRollupStore;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.DiskLogStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Part 1 of the SLO benchmark: the status of many SLOs over a 30-day window, read from rollups.
 *
 * <p>The engine itself writes the history: a {@link SyntheticSliSource} stands in for the logs,
 * and a first {@link SloService} backfills every SLO over what the engine keeps (twice the 30-day
 * window plus 8 days) into a {@link FileRollupStore}, setting the fingerprints. A second service
 * is then opened over the same directories as a restarted server would be; its fingerprints
 * match, so it backfills nothing (checked: the source is not called). Its first {@code list} is
 * the cold figure (day files read and decoded; the operating system's page cache is warm, since
 * the files were just written), the median and 99th percentile of many more are the warm one.
 *
 * <p>Baselines in the same run: the naive way a Loki or Sloth user gets a 30-day SLI, two instant
 * queries {@code sum(count_over_time(...[30d]))} over the raw lines of one SLO in a {@link
 * DiskLogStore} (one line per request of SLO 0, so the counts must agree with the engine's); and
 * the arithmetic floor, summing the 30-day minute arrays of all SLOs in memory.
 */
final class StatusBench {
  static final String TENANT = "bench";
  static final Duration WINDOW = Duration.ofDays(30);
  private static final long NANOS_PER_MINUTE = 60_000_000_000L;

  /**
   * @param slos how many SLOs (ungrouped, 30-day rolling, occurrences)
   * @param warmCalls how many {@code list} calls the warm figures are taken over
   * @param baselineRequestsPerMinute the volume of SLO 0, whose requests become log lines for the naive baseline
   */
  record Options(int slos, int warmCalls, double baselineRequestsPerMinute, long seed) {}

  /**
   * @param historyMinutes minutes of rollups per SLO
   * @param backfillSeconds the first service's backfill of every SLO from the synthetic source into the file store
   * @param openMillis opening the file store and the second service (catalog, fingerprints)
   * @param coldMillis the first {@code list} after opening
   * @param largeCacheDays a day cache large enough for every day the status reads (when the default is not)
   * @param naiveSeconds the two naive instant queries over SLO 0's lines, fastest of three
   * @param naiveLines lines the naive queries read (each), SLO 0's requests in the window
   * @param problems disagreements between the engine and the baselines; empty when all agree
   */
  record Result(int slos, long historyMinutes, long rollupFiles, long rollupBytes, double backfillSeconds, double openMillis, double coldMillis,
      double warmMedianMillis, double warmP99Millis, double recomputeMedianMillis, double recomputeP99Millis, int largeCacheDays, double largeCacheMedianMillis, double inMemoryMedianMillis, double floorMillis, long naiveLines, double naiveSeconds,
      List<String> problems) {}

  private final Options options;
  private final Path work;
  private final Instant now;
  private final PrintStream log;

  StatusBench(Options options, Path work, Instant now, PrintStream log) {
    this.options = options;
    this.work = work;
    this.now = now;
    this.log = log;
  }

  Result run() throws IOException {
    List<String> problems = new ArrayList<>();
    SyntheticTraffic traffic = new SyntheticTraffic(options.seed(), options.slos(), options.baselineRequestsPerMinute());
    Map<String, Integer> serviceById = new HashMap<>();
    List<String> bodies = specs(options.slos(), serviceById);
    SyntheticSliSource source = new SyntheticSliSource(traffic, serviceById);
    long nowMinute = now.toEpochMilli() / 60_000;
    long windowStart = nowMinute - WINDOW.toMinutes();
    long historyMinutes = SloService.historyMinutes(WINDOW);

    // The history, written by the engine's own backfill.
    Path dataDirectory = work.resolve("data");
    Path rollupDirectory = dataDirectory.resolve("slo").resolve("rollups");
    MutableClock clock = new MutableClock(now);
    log.printf(Locale.ROOT, "status: backfilling %d SLOs x %,d minutes into %s ...%n", options.slos(), historyMinutes, rollupDirectory);
    CpuTime backfillStart;
    CpuTime backfill;
    try (SloService writer = new SloService(SloSettings.defaults(), dataDirectory, source, new FileRollupStore(rollupDirectory), new SloDataSources(), clock)) {
      for (int i = 0; i < bodies.size(); i++) {
        BenchSupport.apply(writer, TENANT, bodies.get(i), "status-" + i + ".yaml");
      }
      backfillStart = CpuTime.now();
      writer.evaluateAllNow();
      backfill = CpuTime.now().since(backfillStart);
    }
    long[] files = BenchSupport.filesAndBytes(rollupDirectory);

    // The expected figures, and the arithmetic floor: the window's minute arrays summed.
    double[][] bad = new double[options.slos()][];
    double[][] total = new double[options.slos()][];
    for (int i = 0; i < options.slos(); i++) {
      MinuteSeries series = traffic.series(i, windowStart, nowMinute);
      bad[i] = series.badArray();
      total[i] = series.totalArray();
    }
    double[] expectedBad = new double[options.slos()];
    double[] expectedTotal = new double[options.slos()];
    double[] floorMillis = new double[Math.max(5, options.warmCalls() / 10)];
    for (int round = 0; round < floorMillis.length; round++) {
      long began = System.nanoTime();
      sumWindows(bad, total, expectedBad, expectedTotal);
      floorMillis[round] = (System.nanoTime() - began) / 1e6;
    }

    // A restarted server: same directories, matching fingerprints, so nothing is rebuilt.
    long callsBefore = source.calls();
    long openBegan = System.nanoTime();
    double openMillis;
    double coldMillis;
    double[] warm = new double[options.warmCalls()];
    double[] recompute = new double[options.warmCalls()];
    try (SloService reader = new SloService(SloSettings.defaults(), dataDirectory, source, new FileRollupStore(rollupDirectory), new SloDataSources(), clock)) {
      openMillis = (System.nanoTime() - openBegan) / 1e6;
      long coldBegan = System.nanoTime();
      List<SloView> cold = reader.list(TENANT);
      coldMillis = (System.nanoTime() - coldBegan) / 1e6;
      check(cold, serviceById, expectedBad, expectedTotal, "file store, cold", problems);
      List<SloView> last = cold;
      // Served: the figures of this minute are cached, as every read between two evaluations finds them.
      for (int i = 0; i < warm.length; i++) {
        long began = System.nanoTime();
        last = reader.list(TENANT);
        warm[i] = (System.nanoTime() - began) / 1e6;
      }
      check(last, serviceById, expectedBad, expectedTotal, "file store, served", problems);
      // Recomputed: a new minute each call (the clock goes one minute on and back), so every SLO's
      // figures are computed again from the rollups, as the evaluator does once a minute.
      for (int i = 0; i < recompute.length; i++) {
        clock.advance(i % 2 == 0 ? Duration.ofMinutes(1) : Duration.ofMinutes(-1));
        long began = System.nanoTime();
        last = reader.list(TENANT);
        recompute[i] = (System.nanoTime() - began) / 1e6;
      }
      if (recompute.length % 2 == 1) {
        clock.advance(Duration.ofMinutes(-1));
        last = reader.list(TENANT);
      }
      check(last, serviceById, expectedBad, expectedTotal, "file store, recomputed", problems);
    }
    if (source.calls() != callsBefore) {
      problems.add("the reopened service called the SLI source " + (source.calls() - callsBefore) + " times: it backfilled instead of reading the rollups");
    }

    // The same, with a day cache that holds every day the status reads (the default may not).
    // A status reads the window and the policy's lookback (one more window) and a minute: 61 or 62 UTC days per SLO.
    long daysRead = (long) options.slos() * ((2 * WINDOW.toMinutes() + 1) / 1440 + 2);
    int largeCache = (int) Math.max(FileRollupStore.DEFAULT_CACHED_DAYS, daysRead * 5 / 4);
    double[] warmLargeCache = new double[options.warmCalls()];
    try (SloService reader = new SloService(SloSettings.defaults(), dataDirectory, source, new FileRollupStore(rollupDirectory, largeCache),
        new SloDataSources(), clock)) {
      List<SloView> last = reader.list(TENANT);
      for (int i = 0; i < warmLargeCache.length; i++) {
        // A new minute each call (on and back), so every SLO's figures are computed again.
        clock.advance(i % 2 == 0 ? Duration.ofMinutes(1) : Duration.ofMinutes(-1));
        long began = System.nanoTime();
        last = reader.list(TENANT);
        warmLargeCache[i] = (System.nanoTime() - began) / 1e6;
      }
      if (warmLargeCache.length % 2 == 1) {
        clock.advance(Duration.ofMinutes(-1));
      }
      last = reader.list(TENANT);
      check(last, serviceById, expectedBad, expectedTotal, "file store, large cache", problems);
    }

    // The same engine over rollups in memory: the cost of the maths and the views alone.
    double[] inMemory = new double[options.warmCalls()];
    try (SloService memory = new SloService(SloSettings.defaults(), work.resolve("data-memory"), source, new InMemoryRollupStore(), new SloDataSources(), clock)) {
      for (int i = 0; i < bodies.size(); i++) {
        BenchSupport.apply(memory, TENANT, bodies.get(i), "status-" + i + ".yaml");
      }
      memory.evaluateAllNow();
      List<SloView> last = List.of();
      for (int i = 0; i < inMemory.length; i++) {
        // A new minute each call (on and back), so every SLO's figures are computed again.
        clock.advance(i % 2 == 0 ? Duration.ofMinutes(1) : Duration.ofMinutes(-1));
        long began = System.nanoTime();
        last = memory.list(TENANT);
        inMemory[i] = (System.nanoTime() - began) / 1e6;
      }
      if (inMemory.length % 2 == 1) {
        clock.advance(Duration.ofMinutes(-1));
      }
      last = memory.list(TENANT);
      check(last, serviceById, expectedBad, expectedTotal, "in-memory store", problems);
    }

    // The naive way: 30 days of SLO 0's raw lines, counted by two instant queries.
    long naiveLines;
    double naiveSeconds;
    try (DiskLogStore store = BenchSupport.openStore(work.resolve("loki-way"), clock)) {
      naiveLines = writeLines(store, traffic, windowStart, nowMinute);
      long[] counts = new long[2];
      double[] seconds = new double[3];
      for (int round = 0; round < seconds.length; round++) {
        long began = System.nanoTime();
        counts[0] = instantCount(store, "sum(count_over_time({app=\"" + app(0) + "\"} | logfmt | status>=500 [30d]))", nowMinute);
        counts[1] = instantCount(store, "sum(count_over_time({app=\"" + app(0) + "\"} [30d]))", nowMinute);
        seconds[round] = (System.nanoTime() - began) / 1e9;
      }
      naiveSeconds = BenchSupport.min(seconds);
      if (counts[0] != (long) expectedBad[0] || counts[1] != (long) expectedTotal[0] || counts[1] != naiveLines) {
        problems.add(String.format(Locale.ROOT, "naive LogQL counted %d bad of %d lines for SLO 0; the rollups say %.0f of %.0f (%d lines written)",
            counts[0], counts[1], expectedBad[0], expectedTotal[0], naiveLines));
      }
    }
    log.printf(Locale.ROOT, "status: backfill %.1f s (%.1f s CPU); cold %.1f ms, warm median %.1f ms%n", backfill.wallMillis() / 1000,
        backfill.processMillis() / 1000, coldMillis, BenchSupport.median(warm));
    return new Result(options.slos(), historyMinutes, files[0], files[1], backfill.wallMillis() / 1000, openMillis, coldMillis,
        BenchSupport.median(warm), BenchSupport.quantile(warm, 0.99), BenchSupport.median(recompute), BenchSupport.quantile(recompute, 0.99), largeCache, BenchSupport.median(warmLargeCache), BenchSupport.median(inMemory), BenchSupport.median(floorMillis), naiveLines,
        naiveSeconds, problems);
  }

  /** The window sums of every SLO: the floor of what a status costs (two additions per minute). */
  private static void sumWindows(double[][] bad, double[][] total, double[] badSums, double[] totalSums) {
    for (int i = 0; i < bad.length; i++) {
      double[] badMinutes = bad[i];
      double[] totalMinutes = total[i];
      double badSum = 0;
      double totalSum = 0;
      for (int m = 0; m < totalMinutes.length; m++) {
        double t = totalMinutes[m];
        if (!Double.isNaN(t)) {
          badSum += badMinutes[m];
          totalSum += t;
        }
      }
      badSums[i] = badSum;
      totalSums[i] = totalSum;
    }
  }

  private static void check(List<SloView> views, Map<String, Integer> serviceById, double[] expectedBad, double[] expectedTotal, String what,
      List<String> problems) {
    if (views.size() != expectedBad.length) {
      problems.add(what + ": list returned " + views.size() + " SLOs, expected " + expectedBad.length);
    }
    for (SloView view : views) {
      int service = serviceById.get(view.spec().id());
      SloView.Figures figures = view.overall();
      if (figures.badEvents() != expectedBad[service] || figures.totalEvents() != expectedTotal[service]) {
        problems.add(String.format(Locale.ROOT, "%s: SLO %s shows %.0f bad of %.0f over the window, the synthetic traffic has %.0f of %.0f", what,
            view.spec().id(), figures.badEvents(), figures.totalEvents(), expectedBad[service], expectedTotal[service]));
      }
    }
  }

  private static long instantCount(DiskLogStore store, String query, long nowMinute) throws IOException {
    MetricResult result;
    try {
      // One nanosecond before the minute: the window (t - 30d, t] is then exactly the rollups' [now - 30d, now).
      result = new MetricQueryEngine(store, QueryLimits.defaults()).evaluate(TENANT, LogqlParser.parseSampleExpr(query),
          nowMinute * NANOS_PER_MINUTE - 1, nowMinute * NANOS_PER_MINUTE - 1, 0, true);
    } catch (Exception e) {
      throw new IOException("the naive baseline query " + query + " failed: " + e.getMessage(), e);
    }
    if (!(result instanceof VectorResult vector)) {
      throw new IOException("the naive baseline query " + query + " answered " + result.getClass().getSimpleName());
    }
    return vector.samples().isEmpty() ? 0 : Math.round(vector.samples().get(0).value());
  }

  /** One logfmt access-log line per request of SLO 0, spread over each minute and three pods; returns the count. */
  private long writeLines(DiskLogStore store, SyntheticTraffic traffic, long fromMinute, long toMinute) throws IOException {
    Labels[] pods = new Labels[3];
    for (int p = 0; p < pods.length; p++) {
      pods[p] = Labels.of("app", app(0), "env", "prod", "pod", app(0) + "-7d9f8b6c5-" + "xkqzt".charAt(p) + "m2v" + p);
    }
    String[] paths = {"/api/v1/orders", "/api/v1/orders/{id}", "/api/v1/cart", "/api/v1/payments", "/healthz"};
    long written = 0;
    long counter = 0;
    for (long dayStart = fromMinute; dayStart < toMinute; dayStart += 1440) {
      List<List<LogEntry>> entries = new ArrayList<>();
      for (int p = 0; p < pods.length; p++) {
        entries.add(new ArrayList<>());
      }
      for (long minute = dayStart; minute < Math.min(toMinute, dayStart + 1440); minute++) {
        long requests = traffic.total(0, minute);
        long failures = traffic.bad(0, minute, requests);
        for (long k = 0; k < requests; k++) {
          long timestamp = minute * NANOS_PER_MINUTE + k * (NANOS_PER_MINUTE / requests);
          boolean failed = k < failures;
          counter++;
          long hash = counter * 0x9E3779B97F4A7C15L;
          String line = "ts=" + Instant.ofEpochSecond(0, timestamp) + " level=" + (failed ? "error" : "info") + " method=GET path="
              + paths[(int) Math.floorMod(hash >>> 7, (long) paths.length)].replace("{id}", Long.toString(10_000 + Math.floorMod(hash >>> 17, 90_000L)))
              + " status=" + (failed ? 503 : 200) + " duration=" + (5 + Math.floorMod(hash >>> 29, 400L)) / 10.0 + "ms trace_id="
              + Long.toHexString(hash);
          entries.get((int) (k % pods.length)).add(new LogEntry(timestamp, line));
          written++;
        }
      }
      List<StreamBatch> batches = new ArrayList<>();
      for (int p = 0; p < pods.length; p++) {
        if (!entries.get(p).isEmpty()) {
          batches.add(new StreamBatch(pods[p], entries.get(p)));
        }
      }
      store.append(TENANT, batches);
      store.maintain();
    }
    BenchSupport.settle(store);
    return written;
  }

  static String app(int service) {
    return String.format(Locale.ROOT, "app-%03d", service);
  }

  /** Sloth files of ten SLOs each (one service per file), LogQL availability SLIs of the 30-day period. */
  static List<String> specs(int slos, Map<String, Integer> serviceById) {
    double[] objectives = {99.0, 99.5, 99.9};
    List<String> bodies = new ArrayList<>();
    for (int first = 0; first < slos; first += 10) {
      String service = String.format(Locale.ROOT, "svc-%02d", first / 10);
      StringBuilder yaml = new StringBuilder();
      yaml.append("version: \"prometheus/v1\"\nservice: \"").append(service).append("\"\nlabels:\n  team: \"bench\"\nslos:\n");
      for (int i = first; i < Math.min(slos, first + 10); i++) {
        String name = String.format(Locale.ROOT, "availability-%03d", i);
        serviceById.put(service + "-" + name, i);
        yaml.append("  - name: \"").append(name).append("\"\n")
            .append("    objective: ").append(objectives[i % objectives.length]).append('\n')
            .append("    description: \"Requests of ").append(app(i)).append(" that do not end in a 5xx.\"\n")
            .append("    sli:\n      events:\n")
            .append("        error_query: sum(count_over_time({app=\"").append(app(i)).append("\"} | logfmt | status>=500 [{{.window}}]))\n")
            .append("        total_query: sum(count_over_time({app=\"").append(app(i)).append("\"} [{{.window}}]))\n")
            .append("    alerting:\n      name: Availability").append(i).append('\n');
      }
      bodies.add(yaml.toString());
    }
    return bodies;
  }
}
