package dev.tonari.bench.slo;

import dev.tonari.slo.engine.SloService;
import dev.tonari.slo.rollup.FileRollupStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The SLO benchmark of issue 9, run by {@code bench/slo.sh}: the status of 100 SLOs over 30 days
 * of rollups (target: under 50 ms), the CPU an evaluation of 100 LogQL SLOs costs every minute,
 * and the speed of a backfill from stored logs in lines per second; each beside a baseline
 * measured in the same run (see {@link StatusBench}, {@link EvaluationBench}, {@link
 * BackfillBench}), printed as one Markdown table on standard output (progress on standard error).
 *
 * <p>Every part also checks its figures against its baseline (the engine's counts must equal the
 * synthetic traffic's sums, the direct queries' values, the lines written); a disagreement is
 * printed and the exit code is 1, so a fast but wrong engine does not pass.
 *
 * <p>Usage: {@code SloBench [--quick] [--only status|evaluation|backfill] [--work DIR]}; {@code
 * --quick} is a smaller run (10 SLOs for the status, 20 for evaluation, 100,000 lines for the
 * backfill) that finishes in well under a minute: its figures show that the benchmark works, not
 * how fast the engine is (the JIT has barely started). {@code --only} runs one part, e.g. under a
 * profiler.
 */
public final class SloBench {
  /** The benchmark's "now": a Monday noon, fixed so that runs are alike (no figure depends on the machine's clock). */
  static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");

  /** The three parts. */
  enum Part {
    STATUS,
    EVALUATION,
    BACKFILL
  }

  /** The sizes of the three parts. */
  record Options(String name, StatusBench.Options status, EvaluationBench.Options evaluation, BackfillBench.Options backfill) {
    static Options full() {
      return new Options("full", new StatusBench.Options(100, 200, 50, 9),
          new EvaluationBench.Options(100, 10_000, 120, 5, 20, 9),
          new BackfillBench.Options(2_000_000, 3, 2, 9));
    }

    static Options quick() {
      return new Options("quick", new StatusBench.Options(10, 20, 5, 9),
          new EvaluationBench.Options(20, 2_000, 15, 1, 3, 9),
          new BackfillBench.Options(100_000, 3, 1, 9));
    }
  }

  /** The results of the parts that ran. */
  record Report(Options options, Optional<StatusBench.Result> status, Optional<EvaluationBench.Result> evaluation,
      Optional<BackfillBench.Result> backfill, double seconds) {
    List<String> problems() {
      List<String> all = new ArrayList<>();
      status.ifPresent(result -> result.problems().forEach(problem -> all.add("status: " + problem)));
      evaluation.ifPresent(result -> result.problems().forEach(problem -> all.add("evaluation: " + problem)));
      backfill.ifPresent(result -> result.problems().forEach(problem -> all.add("backfill: " + problem)));
      return all;
    }
  }

  private SloBench() {}

  public static void main(String[] args) throws IOException {
    Options options = Options.full();
    Path work = Path.of("bench", "work", "slo");
    Set<Part> parts = EnumSet.allOf(Part.class);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> options = Options.quick();
        case "--work" -> work = Path.of(args[++i]);
        case "--only" -> parts = EnumSet.of(Part.valueOf(args[++i].toUpperCase(Locale.ROOT)));
        default -> {
          System.err.println("usage: SloBench [--quick] [--only status|evaluation|backfill] [--work DIR]");
          System.exit(2);
        }
      }
    }
    Report report = run(options, parts, work, System.err);
    print(report, System.out);
    List<String> problems = report.problems();
    if (!problems.isEmpty()) {
      System.out.println();
      System.out.println("CHECKS FAILED: the engine's figures disagree with the baselines:");
      problems.forEach(problem -> System.out.println("  " + problem));
      System.exit(1);
    }
  }

  /** Runs the parts in {@code work} (emptied first, left in place for inspection). */
  static Report run(Options options, Set<Part> parts, Path work, PrintStream log) throws IOException {
    BenchSupport.deleteRecursively(work);
    Files.createDirectories(work);
    long began = System.nanoTime();
    Optional<StatusBench.Result> status = Optional.empty();
    Optional<EvaluationBench.Result> evaluation = Optional.empty();
    Optional<BackfillBench.Result> backfill = Optional.empty();
    if (parts.contains(Part.STATUS)) {
      status = Optional.of(new StatusBench(options.status(), work.resolve("status"), NOW, log).run());
      log.printf(Locale.ROOT, "status part done after %.1f s%n", (System.nanoTime() - began) / 1e9);
    }
    if (parts.contains(Part.EVALUATION)) {
      evaluation = Optional.of(new EvaluationBench(options.evaluation(), work.resolve("evaluation"), NOW, log).run());
      log.printf(Locale.ROOT, "evaluation part done after %.1f s%n", (System.nanoTime() - began) / 1e9);
    }
    if (parts.contains(Part.BACKFILL)) {
      backfill = Optional.of(new BackfillBench(options.backfill(), work.resolve("backfill"), NOW, log).run());
      log.printf(Locale.ROOT, "backfill part done after %.1f s%n", (System.nanoTime() - began) / 1e9);
    }
    return new Report(options, status, evaluation, backfill, (System.nanoTime() - began) / 1e9);
  }

  static void print(Report report, PrintStream out) {
    out.printf(Locale.ROOT, "%nTonari SLO benchmark (%s run, %.0f s, %d cores, Java %s)%n%n", report.options().name(), report.seconds(),
        Runtime.getRuntime().availableProcessors(), Runtime.version());
    out.println("| | tonari | baseline (same run) | ratio | target |");
    out.println("|---|---|---|---|---|");
    report.status().ifPresent(status -> printStatus(status, report.options().status(), out));
    report.evaluation().ifPresent(evaluation -> printEvaluation(evaluation, out));
    report.backfill().ifPresent(backfill -> printBackfill(backfill, out));
    out.println();
    report.status().ifPresent(status -> out.printf(Locale.ROOT,
        "status setup: %d SLOs x %,d minutes of rollups written by the engine's backfill from a synthetic source in %.1f s%n",
        status.slos(), status.historyMinutes(), status.backfillSeconds()));
    report.evaluation().ifPresent(evaluation -> out.printf(Locale.ROOT,
        "evaluation setup: %d minutes of history flushed to parts, first evaluation (backfill over %d days) %.1f s; "
            + "each round reads %d minutes (1 new + slo.lateness)%n",
        evaluation.historyMinutes(), SloService.historyMinutes(java.time.Duration.ofDays(30)) / 1440, evaluation.initialBackfillSeconds(), evaluation.minutesPerEvaluation()));
    out.println(report.problems().isEmpty() ? "checks: every figure agrees with its baseline (counts equal)" : "checks: FAILED, see below");
  }

  private static void printStatus(StatusBench.Result status, StatusBench.Options options, PrintStream out) {
    double naiveMillis = status.naiveSeconds() * 1000;
    out.printf(Locale.ROOT, "| status of %d SLOs, 30-day window, served (`list` within a minute: figures cached since the last evaluation, median of %d) "
            + "| %.3f ms (p99 %.3f ms) | naive LogQL for ONE SLO: "
            + "`sum(count_over_time(...[30d]))` bad and total over its %,d raw lines: %,.0f ms | naive / tonari = %,.0f (all %d vs one) | < 50 ms (issue 9): %s |%n",
        status.slos(), options.warmCalls(), status.warmMedianMillis(), status.warmP99Millis(), status.naiveLines(), naiveMillis,
        naiveMillis / status.warmMedianMillis(), status.slos(), status.warmMedianMillis() < 50 ? "met" : "NOT met");
    out.printf(Locale.ROOT, "| status of %d SLOs, recomputed from the rollups (a new minute each call: what the evaluator pays once a minute; median) "
            + "| %.1f ms (p99 %.1f ms) | the same naive query: %,.0f ms | naive / tonari = %,.1f (all %d vs one) | < 50 ms: %s |%n",
        status.slos(), status.recomputeMedianMillis(), status.recomputeP99Millis(), naiveMillis, naiveMillis / status.recomputeMedianMillis(),
        status.slos(), status.recomputeMedianMillis() < 50 ? "met" : "not met");
    out.printf(Locale.ROOT, "| status, cold (first `list` after a restart: %,d day files, %.1f MB) | %.1f ms (+ %.1f ms to open the store and engine) "
            + "| the same naive query: %,.0f ms | naive / tonari = %,.1f | reported |%n",
        status.rollupFiles(), status.rollupBytes() / 1e6, status.coldMillis(), status.openMillis(), naiveMillis, naiveMillis / status.coldMillis());
    out.printf(Locale.ROOT, "| status recomputed, `new FileRollupStore(dir, %,d)`: a day cache holding every day read (default %,d) (median) | %.1f ms "
            + "| the same naive query: %,.0f ms | naive / tonari = %,.1f | reported |%n",
        status.largeCacheDays(), FileRollupStore.DEFAULT_CACHED_DAYS, status.largeCacheMedianMillis(), naiveMillis,
        naiveMillis / status.largeCacheMedianMillis());
    out.printf(Locale.ROOT, "| status recomputed, same engine over `InMemoryRollupStore` (median) | %.1f ms | floor: summing the %d SLOs' 30-day minute arrays: %.2f ms "
            + "| tonari / floor = %.1f | reported |%n",
        status.inMemoryMedianMillis(), status.slos(), status.floorMillis(), status.inMemoryMedianMillis() / status.floorMillis());
  }

  private static void printEvaluation(EvaluationBench.Result evaluation, PrintStream out) {
    double process = BenchSupport.median(evaluation.processMillis());
    double direct = BenchSupport.median(evaluation.directProcessMillis());
    out.printf(Locale.ROOT, "| evaluation every minute, %d LogQL SLOs (%d queries, %d per pod), %,d lines/min, CPU ms per round (median of %d) "
            + "| %.0f ms CPU (p90 %.0f; caller thread %.0f; wall %.0f ms) | the same %d queries over the same %d minutes, parsed and run once directly: "
            + "%.0f ms CPU (wall %.0f ms) | tonari / direct = %.2f (CPU) | reported |%n",
        evaluation.slos(), evaluation.queries(), evaluation.groupedSlos(), evaluation.linesPerMinute(), evaluation.processMillis().length, process,
        BenchSupport.quantile(evaluation.processMillis(), 0.9), BenchSupport.median(evaluation.threadMillis()),
        BenchSupport.median(evaluation.wallMillis()), evaluation.queries(), evaluation.minutesPerEvaluation(), direct,
        BenchSupport.median(evaluation.directWallMillis()), process / direct);
  }

  private static void printBackfill(BackfillBench.Result backfill, PrintStream out) {
    double backfillRate = backfill.linesSelected() / backfill.backfillSeconds();
    double countRate = backfill.lines() / backfill.countSeconds();
    double directRate = backfill.linesSelected() / backfill.directSeconds();
    out.printf(Locale.ROOT, "| backfill of %d SLOs (%d queries) over %d days, %,d lines in the last %d days | %,.0f lines/s (%,d lines selected x queries "
            + "in %.2f s, %.2f s CPU; %,.0f stored lines/s) | one `sum(count_over_time({namespace=...}[1m]))` over the same chunks: %,.0f lines/s (%.2f s) "
            + "| tonari / count = %.2f | reported |%n",
        backfill.slos(), backfill.queries(), SloService.historyMinutes(java.time.Duration.ofDays(30)) / 1440, backfill.lines(), backfill.days(), backfillRate, backfill.linesSelected(), backfill.backfillSeconds(),
        backfill.backfillCpuSeconds(), backfill.lines() / backfill.backfillSeconds(), countRate, backfill.countSeconds(), backfillRate / countRate);
    out.printf(Locale.ROOT, "| backfill, against its own queries | %,.0f lines/s | the %d queries run directly over the same chunks: %,.0f lines/s (%.2f s) "
            + "| tonari / direct = %.2f | reported |%n",
        backfillRate, backfill.queries(), directRate, backfill.directSeconds(), backfillRate / directRate);
  }
}
