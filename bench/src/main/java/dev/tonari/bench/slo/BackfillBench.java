package dev.tonari.bench.slo;

import dev.tonari.bench.slo.LogSloCatalog.Kind;
import dev.tonari.bench.slo.LogSloCatalog.LogSlo;
import dev.tonari.cli.generate.GeneratedLine;
import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.cli.generate.LogGenerator.GeneratedStream;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.metric.MatrixResult;
import dev.tonari.query.metric.MetricQueryEngine;
import dev.tonari.query.metric.Series;
import dev.tonari.slo.engine.SloDataSources;
import dev.tonari.slo.engine.SloService;
import dev.tonari.slo.engine.SloSettings;
import dev.tonari.slo.rollup.FileRollupStore;
import dev.tonari.slo.rollup.WindowSums;
import dev.tonari.slo.source.LogQlSliSource;
import dev.tonari.slo.source.SliSource;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Part 3 of the SLO benchmark: how fast a new SLO's history is rebuilt from stored logs.
 *
 * <p>One team's traffic ({@code LogGenerator}: 6 apps of the four log styles, prod and staging, 10
 * pods each: 120 streams) is written into a {@link DiskLogStore} over the days before now, flushed
 * and merged as the server's maintenance would. Four SLOs, one per log style (availability of the
 * logfmt app with {@code | logfmt}, latency of a JSON app with {@code | json}, availability of the
 * nginx app with {@code | pattern}, the error-log share of a Java app with {@code |=}), are applied
 * to a fresh engine, and {@link SloService#evaluateAllNow()} backfills them over what the engine
 * keeps (twice the window and 18 days: 78, in the engine's 7-day chunks, newest first; only the written days have lines).
 *
 * <p>Speed is given as lines read per second: for every query, the lines of the streams its
 * selector picks inside the backfilled range, summed over the SLOs' 8 queries, divided by the
 * backfill's wall time. Baselines in the same run, over the same chunks: one {@code
 * sum(count_over_time({namespace="payments"} [1m]))} range query (every line of the tenant, no
 * parser: the store's counting speed), and the SLOs' own 8 queries run directly. Each side runs
 * {@code rounds} times (a fresh engine each time); the fastest counts. The rollups must add up to
 * the direct queries' counts (checked).
 */
final class BackfillBench {
  static final String TENANT = "payments";
  private static final long NANOS_PER_MINUTE = 60_000_000_000L;

  /** @param lines log lines written, spread evenly over {@code days} days before now */
  record Options(long lines, int days, int rounds, long seed) {}

  /**
   * @param linesSelected lines the 8 queries select together (each line counted once per query that reads it)
   * @param backfillSeconds the fastest backfill of the four SLOs
   * @param countSeconds the fastest plain count of every line over the same chunks
   * @param directSeconds the fastest direct run of the SLOs' queries over the same chunks
   */
  record Result(long lines, int days, int slos, int queries, long linesSelected, double backfillSeconds, double backfillCpuSeconds,
      double countSeconds, double directSeconds, List<String> problems) {}

  private final Options options;
  private final Path work;
  private final Instant now;
  private final PrintStream log;

  BackfillBench(Options options, Path work, Instant now, PrintStream log) {
    this.options = options;
    this.work = work;
    this.now = now;
    this.log = log;
  }

  Result run() throws IOException {
    List<String> problems = new ArrayList<>();
    MutableClock clock = new MutableClock(now);
    LogGenerator generator = new LogGenerator(options.seed(), new GeneratorOptions(List.of(TENANT), 6, List.of("prod", "staging"), 10, 20));
    List<LogSlo> slos = chooseSlos(generator.streams());
    long nowMinute = now.toEpochMilli() / 60_000;
    long historyStart = nowMinute - Duration.ofDays(30).multipliedBy(2).plusDays(8).toMinutes();
    try (DiskLogStore store = BenchSupport.openStore(work.resolve("store"), clock)) {
      Map<String, Long> linesByApp = write(store, generator, nowMinute);
      long linesSelected = 0;
      for (LogSlo slo : slos) {
        linesSelected += 2 * linesByApp.getOrDefault(slo.app(), 0L);
      }
      SliSource logql = new LogQlSliSource(store, QueryLimits.defaults());
      double[] backfillSeconds = new double[options.rounds()];
      double[] backfillCpuSeconds = new double[options.rounds()];
      Map<String, double[]> rolledSums = new HashMap<>();
      for (int round = 0; round < options.rounds(); round++) {
        Path dataDirectory = work.resolve("data-" + round);
        try (SloService service = new SloService(SloSettings.defaults(), dataDirectory, logql,
            new FileRollupStore(dataDirectory.resolve("slo").resolve("rollups")), new SloDataSources(), clock)) {
          for (String file : LogSloCatalog.slothFiles(slos).get(TENANT)) {
            BenchSupport.apply(service, TENANT, file, "backfill.yaml");
          }
          log.printf(Locale.ROOT, "backfill: round %d of %d, %d SLOs over %d days of history ...%n", round + 1, options.rounds(), slos.size(),
              (nowMinute - historyStart) / 1440);
          CpuTime before = CpuTime.now();
          service.evaluateAllNow();
          CpuTime spent = CpuTime.now().since(before);
          backfillSeconds[round] = spent.wallMillis() / 1000;
          backfillCpuSeconds[round] = spent.processMillis() / 1000;
          EvaluationBench.checkNoErrors(service, slos, problems);
          for (LogSlo slo : slos) {
            WindowSums sums = WindowSums.of(service.series(TENANT, slo.id(), Map.of(), historyStart, nowMinute), historyStart, nowMinute);
            rolledSums.put(slo.id(), new double[] {sums.bad(), sums.total()});
          }
        }
        BenchSupport.deleteRecursively(dataDirectory);
      }

      // Baselines over the engine's chunks: every line counted, then the SLOs' own queries.
      SampleExpr countAll = parse("sum(count_over_time({namespace=\"" + TENANT + "\"} [1m]))");
      double[] countSeconds = new double[options.rounds()];
      double[] directSeconds = new double[options.rounds()];
      long counted = 0;
      Map<String, double[]> directSums = new HashMap<>();
      for (int round = 0; round < options.rounds(); round++) {
        long began = System.nanoTime();
        counted = (long) sumOverChunks(store, countAll, historyStart, nowMinute);
        countSeconds[round] = (System.nanoTime() - began) / 1e9;
        began = System.nanoTime();
        for (LogSlo slo : slos) {
          double bad = sumOverChunks(store, parse(slo.badQuery("1m")), historyStart, nowMinute);
          double total = sumOverChunks(store, parse(slo.totalQuery("1m")), historyStart, nowMinute);
          directSums.put(slo.id(), new double[] {bad, total});
        }
        directSeconds[round] = (System.nanoTime() - began) / 1e9;
      }
      if (counted != options.lines()) {
        problems.add("the plain count found " + counted + " lines, " + options.lines() + " were written");
      }
      for (LogSlo slo : slos) {
        double[] rolled = rolledSums.get(slo.id());
        double[] direct = directSums.get(slo.id());
        long appLines = linesByApp.getOrDefault(slo.app(), 0L);
        if (rolled[0] != direct[0] || rolled[1] != direct[1] || rolled[1] != appLines) {
          problems.add(String.format(Locale.ROOT, "SLO %s: rollups add up to %.0f bad of %.0f, the direct queries to %.0f of %.0f, %d lines written",
              slo.id(), rolled[0], rolled[1], direct[0], direct[1], appLines));
        }
      }
      return new Result(options.lines(), options.days(), slos.size(), 2 * slos.size(), linesSelected, BenchSupport.min(backfillSeconds),
          backfillCpuSeconds[indexOfMin(backfillSeconds)], BenchSupport.min(countSeconds), BenchSupport.min(directSeconds), problems);
    }
  }

  /** One SLO per log style, over both envs of its app. */
  private static List<LogSlo> chooseSlos(List<GeneratedStream> streams) {
    Map<dev.tonari.cli.generate.LogStyle, String> appOfStyle = new LinkedHashMap<>();
    for (GeneratedStream stream : streams) {
      // A node's journal has no SLO kind (see LogSloCatalog.kindsOf).
      if (stream.style() != dev.tonari.cli.generate.LogStyle.SYSLOG) {
        appOfStyle.putIfAbsent(stream.style(), stream.app());
      }
    }
    List<LogSlo> slos = new ArrayList<>();
    appOfStyle.forEach((style, app) -> {
      Kind kind = switch (style) {
        case LOGFMT, NGINX_ACCESS -> Kind.AVAILABILITY;
        case JSON -> Kind.LATENCY;
        case JAVA_TEXT -> Kind.ERROR_LOG;
        case SYSLOG -> throw new IllegalStateException("syslog apps are left out above");
      };
      slos.add(new LogSlo(TENANT, app, app, kind, "{app=\"" + app + "\"}", LogSloCatalog.badPipeline(style, kind)));
    });
    return slos;
  }

  /** Writes the lines in batches, running maintenance after each as the server's thread would; lines per app. */
  private Map<String, Long> write(DiskLogStore store, LogGenerator generator, long nowMinute) throws IOException {
    long endNanos = nowMinute * NANOS_PER_MINUTE;
    long spanNanos = Duration.ofDays(options.days()).toNanos();
    long step = spanNanos / options.lines();
    long startNanos = endNanos - step * options.lines();
    log.printf(Locale.ROOT, "backfill: writing %,d lines over %d days ...%n", options.lines(), options.days());
    Map<String, Long> linesByApp = new HashMap<>();
    int batchSize = 50_000;
    for (long written = 0; written < options.lines(); written += batchSize) {
      int count = (int) Math.min(batchSize, options.lines() - written);
      Map<Labels, List<LogEntry>> byStream = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        GeneratedLine line = generator.nextLine(startNanos + (written + i) * step);
        byStream.computeIfAbsent(line.labels(), labels -> new ArrayList<>()).add(line.entry());
        linesByApp.merge(line.labels().get("app"), 1L, Long::sum);
      }
      List<StreamBatch> batches = new ArrayList<>(byStream.size());
      byStream.forEach((labels, entries) -> batches.add(new StreamBatch(labels, entries)));
      store.append(TENANT, batches);
      store.maintain();
    }
    BenchSupport.settle(store);
    return linesByApp;
  }

  /** The sum of every point of a counting query over {@code [from, to)}, run in the engine's backfill chunks. */
  private static double sumOverChunks(DiskLogStore store, SampleExpr expr, long fromMinute, long toMinute) throws IOException {
    MetricQueryEngine engine = new MetricQueryEngine(store, QueryLimits.defaults());
    double sum = 0;
    for (long end = toMinute; end > fromMinute; end -= SliSource.MAX_MINUTES_PER_CALL) {
      long start = Math.max(fromMinute, end - SliSource.MAX_MINUTES_PER_CALL);
      MatrixResult matrix;
      try {
        matrix = (MatrixResult) engine.evaluate(TENANT, expr, (start + 1) * NANOS_PER_MINUTE - 1, end * NANOS_PER_MINUTE - 1, NANOS_PER_MINUTE, false);
      } catch (Exception e) {
        throw new IOException("baseline query over minutes [" + start + ", " + end + ") failed: " + e.getMessage(), e);
      }
      for (Series series : matrix.series()) {
        for (double value : series.values()) {
          sum += value;
        }
      }
    }
    return sum;
  }

  private static SampleExpr parse(String query) {
    try {
      return LogqlParser.parseSampleExpr(query);
    } catch (Exception e) {
      throw new IllegalStateException("the benchmark's query does not parse: " + query, e);
    }
  }

  private static int indexOfMin(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] < values[best]) {
        best = i;
      }
    }
    return best;
  }
}
