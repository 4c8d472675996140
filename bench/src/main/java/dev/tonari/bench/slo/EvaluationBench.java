package dev.tonari.bench.slo;

import dev.tonari.bench.slo.LogSloCatalog.LogSlo;
import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.metric.MatrixResult;
import dev.tonari.query.metric.MetricQueryEngine;
import dev.tonari.query.metric.MetricResult;
import dev.tonari.query.metric.Series;
import dev.tonari.slo.engine.SloDataSources;
import dev.tonari.slo.engine.SloService;
import dev.tonari.slo.engine.SloSettings;
import dev.tonari.slo.engine.SloView;
import dev.tonari.slo.rollup.FileRollupStore;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.source.LogQlSliSource;
import dev.tonari.slo.source.SliSource;
import dev.tonari.slo.source.SliSources;
import dev.tonari.slo.source.SliUnavailableException;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.DiskLogStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Part 2 of the SLO benchmark: what the engine costs every minute, in CPU.
 *
 * <p>A {@link DiskLogStore} receives the benchmark corpus's traffic ({@code LogGenerator} with the
 * benchmark options: 3 teams, 6 apps each, prod and staging, 10 pods: 360 streams) at a fixed rate
 * of lines per minute: some history is written and flushed to parts first, as a running server
 * would have it; then, one minute at a time, that minute's lines are appended (not measured), the
 * clock moves on one minute, and {@link SloService#evaluateAllNow()} evaluates every SLO (measured:
 * CPU of the whole process, since the store decodes on its own threads, and of the calling
 * thread). The SLOs are those of {@link LogSloCatalog}: with the default options 100 LogQL SLOs,
 * 200 queries, a third of them split per pod. Each evaluation reads the minutes since the last one
 * plus {@code slo.lateness} (5 by default) again, writes them to the {@link FileRollupStore} and
 * steps the burn-rate conditions.
 *
 * <p>Baseline in the same run: the same 200 queries over the same minutes (the last evaluation's
 * range, same steps) parsed and run once directly through {@link MetricQueryEngine}, as a ruler
 * evaluating them every minute would; the ratio is the engine's overhead (rollup writes, the
 * grouped SLOs' series listings, the burn-rate conditions). The rollups of the last minutes must equal the
 * direct queries' values (checked).
 */
final class EvaluationBench {
  private static final long NANOS_PER_MINUTE = 60_000_000_000L;

  /**
   * @param slos how many of the catalog's 100 SLOs
   * @param linesPerMinute log lines the cluster writes per minute, over all streams
   * @param historyMinutes minutes of lines written (and flushed to parts) before the first evaluation
   * @param warmupRounds evaluations not counted (JIT)
   * @param measuredRounds evaluations measured
   */
  record Options(int slos, int linesPerMinute, int historyMinutes, int warmupRounds, int measuredRounds, long seed) {}

  /**
   * @param initialBackfillSeconds the first evaluation (each SLO's history rebuilt over twice its window and 18 days, of
   *     which only the written history has lines)
   * @param processMillis CPU of the whole process per evaluation, one entry per measured round
   * @param directProcessMillis CPU of the same queries run directly, one entry per run
   * @param minutesPerEvaluation how many minutes each evaluation reads (1 new + lateness)
   */
  record Result(int slos, int queries, int groupedSlos, int linesPerMinute, int historyMinutes, double initialBackfillSeconds,
      double[] processMillis, double[] threadMillis, double[] wallMillis, double[] directProcessMillis, double[] directWallMillis,
      int minutesPerEvaluation, List<String> problems) {}

  private final Options options;
  private final Path work;
  private final Instant start;
  private final PrintStream log;

  EvaluationBench(Options options, Path work, Instant start, PrintStream log) {
    this.options = options;
    this.work = work;
    this.start = start;
    this.log = log;
  }

  Result run() throws IOException {
    List<String> problems = new ArrayList<>();
    MutableClock clock = new MutableClock(start.minus(Duration.ofMinutes(options.historyMinutes())));
    LogGenerator generator = new LogGenerator(options.seed(), GeneratorOptions.benchmark());
    List<LogSlo> slos = LogSloCatalog.spread(LogSloCatalog.perAppAndEnv(generator.streams()), options.slos());
    SliSource noPrometheus = (tenant, spec, from, to) -> {
      throw new SliUnavailableException("tenant " + tenant + ", SLO " + spec.id() + ": the benchmark has no Prometheus");
    };
    try (DiskLogStore store = BenchSupport.openStore(work.resolve("store"), clock)) {
      log.printf(Locale.ROOT, "evaluation: writing %d minutes of history at %,d lines/minute ...%n", options.historyMinutes(), options.linesPerMinute());
      for (int minute = 0; minute < options.historyMinutes(); minute++) {
        appendMinute(store, generator, clock);
        clock.advance(Duration.ofMinutes(1));
      }
      BenchSupport.settle(store);
      SliSources sources = new SliSources(new LogQlSliSource(store, QueryLimits.defaults()), noPrometheus);
      Path dataDirectory = work.resolve("data");
      try (SloService service = new SloService(SloSettings.defaults(), dataDirectory, sources,
          new FileRollupStore(dataDirectory.resolve("slo").resolve("rollups")), new SloDataSources(), clock)) {
        LogSloCatalog.slothFiles(slos).forEach((tenant, files) -> {
          for (int i = 0; i < files.size(); i++) {
            try {
              BenchSupport.apply(service, tenant, files.get(i), tenant + "-" + i + ".yaml");
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        });
        log.printf(Locale.ROOT, "evaluation: first evaluation of %d SLOs (backfill over %d days) ...%n", slos.size(), SloService.historyMinutes(java.time.Duration.ofDays(30)) / 1440);
        CpuTime backfillStart = CpuTime.now();
        service.evaluateAllNow();
        double initialBackfillSeconds = CpuTime.now().since(backfillStart).wallMillis() / 1000;
        checkNoErrors(service, slos, problems);

        int rounds = options.warmupRounds() + options.measuredRounds();
        double[] processMillis = new double[options.measuredRounds()];
        double[] threadMillis = new double[options.measuredRounds()];
        double[] wallMillis = new double[options.measuredRounds()];
        log.printf(Locale.ROOT, "evaluation: %d rounds of one minute (%d not counted) ...%n", rounds, options.warmupRounds());
        for (int round = 0; round < rounds; round++) {
          appendMinute(store, generator, clock);
          clock.advance(Duration.ofMinutes(1));
          CpuTime before = CpuTime.now();
          service.evaluateAllNow();
          CpuTime spent = CpuTime.now().since(before);
          if (round >= options.warmupRounds()) {
            int index = round - options.warmupRounds();
            processMillis[index] = spent.processMillis();
            threadMillis[index] = spent.threadMillis();
            wallMillis[index] = spent.wallMillis();
          }
        }
        checkNoErrors(service, slos, problems);

        // The same queries over the last evaluation's minutes, straight through the query engine.
        long nowMinute = clock.millis() / 60_000;
        int minutes = 1 + (int) SloSettings.defaults().lateness().toMinutes();
        long fromMinute = nowMinute - minutes;
        int directRuns = Math.max(3, options.measuredRounds() / 4);
        double[] directProcess = new double[directRuns];
        double[] directWall = new double[directRuns];
        List<MinuteSeries> direct = List.of();
        for (int run = 0; run < directRuns; run++) {
          CpuTime before = CpuTime.now();
          direct = runDirect(store, slos, fromMinute, nowMinute);
          CpuTime spent = CpuTime.now().since(before);
          directProcess[run] = spent.processMillis();
          directWall[run] = spent.wallMillis();
        }
        for (int i = 0; i < slos.size(); i++) {
          LogSlo slo = slos.get(i);
          MinuteSeries rolled = service.series(slo.tenant(), slo.id(), Map.of(), fromMinute, nowMinute);
          compare(slo, rolled, direct.get(i), fromMinute, nowMinute, problems);
        }
        int grouped = (int) slos.stream().filter(slo -> slo.kind().perPod).count();
        return new Result(slos.size(), 2 * slos.size(), grouped, options.linesPerMinute(), options.historyMinutes(), initialBackfillSeconds,
            processMillis, threadMillis, wallMillis, directProcess, directWall, minutes, problems);
      }
    }
  }

  /** The lines of the clock's current minute, spread evenly over it, appended per tenant. */
  private void appendMinute(DiskLogStore store, LogGenerator generator, MutableClock clock) throws IOException {
    long startNanos = clock.millis() * 1_000_000L;
    Map<String, List<StreamBatch>> byTenant = generator.nextByTenant(options.linesPerMinute(), startNanos, NANOS_PER_MINUTE / options.linesPerMinute());
    for (Map.Entry<String, List<StreamBatch>> tenant : byTenant.entrySet()) {
      store.append(tenant.getKey(), tenant.getValue());
    }
  }

  private static SampleExpr parse(String query) {
    try {
      return LogqlParser.parseSampleExpr(query);
    } catch (Exception e) {
      throw new IllegalStateException("the benchmark's query does not parse: " + query, e);
    }
  }

  /**
   * Runs every SLO's two queries (parsed, as a query API would) over {@code [from, to)} with the
   * engine's steps; bad and total per minute of the whole SLO.
   */
  static List<MinuteSeries> runDirect(DiskLogStore store, List<LogSlo> slos, long fromMinute, long toMinute) throws IOException {
    MetricQueryEngine engine = new MetricQueryEngine(store, QueryLimits.defaults());
    List<MinuteSeries> result = new ArrayList<>(slos.size());
    for (int i = 0; i < slos.size(); i++) {
      LogSlo slo = slos.get(i);
      SampleExpr[] expressions = {parse(slo.badQuery("1m")), parse(slo.totalQuery("1m"))};
      double[] bad = new double[(int) (toMinute - fromMinute)];
      double[] total = new double[bad.length];
      java.util.Arrays.fill(total, Double.NaN);
      for (long chunk = fromMinute; chunk < toMinute; chunk += MetricQueryEngine.MAX_POINTS_PER_SERIES) {
        long chunkTo = Math.min(toMinute, chunk + MetricQueryEngine.MAX_POINTS_PER_SERIES);
        addUp(run(engine, slo, expressions[0], chunk, chunkTo), fromMinute, bad, false);
        addUp(run(engine, slo, expressions[1], chunk, chunkTo), fromMinute, total, true);
      }
      MinuteSeries series = new MinuteSeries(fromMinute, bad.length);
      for (int m = 0; m < bad.length; m++) {
        if (!Double.isNaN(total[m])) {
          series.set(fromMinute + m, Math.min(bad[m], total[m]), total[m]);
        }
      }
      result.add(series);
    }
    return result;
  }

  private static MatrixResult run(MetricQueryEngine engine, LogSlo slo, SampleExpr expr, long fromMinute, long toMinute) throws IOException {
    MetricResult result;
    try {
      // The engine's steps: one nanosecond before each minute's end, so each window is exactly one minute.
      result = engine.evaluate(slo.tenant(), expr, (fromMinute + 1) * NANOS_PER_MINUTE - 1, toMinute * NANOS_PER_MINUTE - 1, NANOS_PER_MINUTE, false);
    } catch (Exception e) {
      throw new IOException("direct query of SLO " + slo.id() + " of tenant " + slo.tenant() + " failed: " + e.getMessage(), e);
    }
    if (!(result instanceof MatrixResult matrix)) {
      throw new IOException("direct query of SLO " + slo.id() + " answered " + result.getClass().getSimpleName());
    }
    return matrix;
  }

  /** Adds every series' points into per-minute sums; with {@code startsEmpty} a minute without points stays NaN. */
  private static void addUp(MatrixResult matrix, long fromMinute, double[] sums, boolean startsEmpty) {
    for (Series series : matrix.series()) {
      long[] timestamps = series.timestampsNanos();
      double[] values = series.values();
      for (int i = 0; i < values.length; i++) {
        int index = (int) (Math.floorDiv(timestamps[i] + 1, NANOS_PER_MINUTE) - 1 - fromMinute);
        sums[index] = startsEmpty && Double.isNaN(sums[index]) ? values[i] : sums[index] + values[i];
      }
    }
  }

  static void compare(LogSlo slo, MinuteSeries rolled, MinuteSeries direct, long fromMinute, long toMinute, List<String> problems) {
    for (long minute = fromMinute; minute < toMinute; minute++) {
      boolean same = rolled.hasData(minute) == direct.hasData(minute)
          && (!rolled.hasData(minute) || (rolled.bad(minute) == direct.bad(minute) && rolled.total(minute) == direct.total(minute)));
      if (!same) {
        problems.add(String.format(Locale.ROOT, "SLO %s of tenant %s, minute %d: rollups have %.0f bad of %.0f, the direct queries %.0f of %.0f",
            slo.id(), slo.tenant(), minute, rolled.bad(minute), rolled.total(minute), direct.bad(minute), direct.total(minute)));
        return;
      }
    }
  }

  static void checkNoErrors(SloService service, List<LogSlo> slos, List<String> problems) {
    for (LogSlo slo : slos) {
      SloView view = service.get(slo.tenant(), slo.id()).orElse(null);
      if (view == null) {
        problems.add("SLO " + slo.id() + " of tenant " + slo.tenant() + " is not in the engine");
      } else if (view.evaluation().lastError().isPresent()) {
        problems.add("SLO " + slo.id() + " of tenant " + slo.tenant() + ": " + view.evaluation().lastError().get());
      }
    }
  }
}
