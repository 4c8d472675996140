package dev.tonari.bench.jmh;

import dev.tonari.slo.alert.BurnRateTiers;
import dev.tonari.slo.budget.BudgetCalculator;
import dev.tonari.slo.budget.BudgetPolicy;
import dev.tonari.slo.budget.BudgetStatus;
import dev.tonari.slo.budget.PolicyStatus;
import dev.tonari.slo.model.Alerting;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.rollup.FileRollupStore;
import dev.tonari.slo.rollup.InMemoryRollupStore;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.rollup.SeriesKey;
import dev.tonari.slo.rollup.WindowSums;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pieces of one SLO's status as {@code SloService.list} computes it, each timed alone over the
 * 86,401 minutes a 30-day status reads (the window, the budget policy's lookback of one more
 * window, a minute): reading the minutes from each rollup store, the budget figures ({@link
 * BudgetCalculator#status}), the policy state and since when ({@link BudgetPolicy#evaluate}), and
 * the floor, one pass summing the window. Times are per SLO: multiply by 100 for the issue's
 * "status of 100 SLOs" (see {@code bench/slo.sh} for the end-to-end figure).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class SloStatusBenchmark {
  private static final long NOW_MINUTE = 29_540_160L; // 2026-03-02T00:00Z
  private static final int MINUTES_READ = 2 * 30 * 1440 + 1;
  private static final SeriesKey KEY = SeriesKey.of("bench", "svc-availability");

  private SloSpec spec;
  private MinuteSeries series;
  private InMemoryRollupStore memory;
  private FileRollupStore files;
  private Path directory;
  private final BudgetPolicy policy = new BudgetPolicy(BudgetPolicy.DEFAULT_AT_RISK_SHARE, 5);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    spec = new SloSpec("svc-availability", "svc", "availability", "", Map.of(),
        new Indicator.Ratio(SliQuery.logql("sum(count_over_time({app=\"svc\"} | logfmt | status>=500 [{{.window}}]))"),
            SliQuery.logql("sum(count_over_time({app=\"svc\"} [{{.window}}]))"), false),
        0.995, new TimeWindow.Rolling(Duration.ofDays(30)), BudgetingMethod.OCCURRENCES, Optional.empty(), List.of(),
        new Alerting("SvcAvailability", Map.of(), Map.of(), BurnRateTiers.sloth(Duration.ofDays(30))), SloSpec.Origin.api());
    long from = NOW_MINUTE - MINUTES_READ;
    series = new MinuteSeries(from, MINUTES_READ);
    SplittableRandom random = new SplittableRandom(9);
    for (long minute = from; minute < NOW_MINUTE; minute++) {
      int total = random.nextInt(200);
      if (total > 0) {
        series.set(minute, random.nextDouble() < 0.01 ? random.nextInt(total + 1) : 0, total);
      }
    }
    memory = new InMemoryRollupStore();
    memory.write(KEY, series);
    directory = Files.createTempDirectory("tonari-slo-status-bench");
    files = new FileRollupStore(directory);
    files.write(KEY, series);
    files.read(KEY, from, NOW_MINUTE);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    files.close();
    memory.close();
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  @Benchmark
  public MinuteSeries readInMemoryStore() {
    return memory.read(KEY, NOW_MINUTE - MINUTES_READ, NOW_MINUTE);
  }

  @Benchmark
  public MinuteSeries readFileStoreCached() {
    return files.read(KEY, NOW_MINUTE - MINUTES_READ, NOW_MINUTE);
  }

  @Benchmark
  public BudgetStatus budgetFigures() {
    return BudgetCalculator.status(spec, series, NOW_MINUTE);
  }

  @Benchmark
  public PolicyStatus policyStateAndSince() {
    return policy.evaluate(spec, series, NOW_MINUTE);
  }

  @Benchmark
  public WindowSums floorSumOfTheWindow() {
    return WindowSums.of(series, NOW_MINUTE - 30 * 1440, NOW_MINUTE);
  }
}
