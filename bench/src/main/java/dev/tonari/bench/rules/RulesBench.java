package dev.tonari.bench.rules;

import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.QueryEngine;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.metric.MetricResult;
import dev.tonari.query.metric.ScalarResult;
import dev.tonari.query.metric.VectorResult;
import dev.tonari.rules.alert.RecordedSample;
import dev.tonari.rules.eval.InstantQuerier;
import dev.tonari.rules.eval.LogqlQuerier;
import dev.tonari.rules.eval.Ruler;
import dev.tonari.rules.eval.EvaluationSettings;
import dev.tonari.rules.eval.RuleViews;
import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RecordingRule;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.rules.model.RuleSource;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The ruler benchmark, run by {@code bench/rules.sh}: the time of one evaluation cycle of 1,000
 * LogQL rules ({@link RuleCorpus}) over {@code LogGenerator}'s traffic in a {@link DiskLogStore},
 * with shared scans and without (the same ruler over a plain {@link QueryEngine}), beside a
 * baseline of the same expressions run one by one through {@code QueryEngine.metricQuery}. Each
 * cycle is {@link Ruler#evaluateAllAt}: every tenant's groups at one instant (the cycle in which
 * scans are shared). Prints a Markdown table on standard output, progress on standard error.
 *
 * <p>It checks, too: both rulers record the same samples and raise the same alerts, and those are
 * the baseline's vectors; a disagreement is printed and the exit code is 1.
 *
 * <p>Usage: {@code RulesBench [--quick] [--work DIR]}.
 */
public final class RulesBench {
  static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");

  /**
   * @param rules how many rules
   * @param linesPerMinute lines the generator writes per minute, over its 360 streams
   * @param historyMinutes minutes of lines before the evaluation instant (the longest range is 15m)
   * @param warmupCycles cycles not counted (JIT)
   * @param measuredCycles cycles measured, per configuration
   */
  record Options(String name, int rules, int linesPerMinute, int historyMinutes, int warmupCycles, int measuredCycles, long seed) {
    static Options full() {
      return new Options("full", 1000, 20_000, 20, 3, 10, 5);
    }

    static Options quick() {
      return new Options("quick", 200, 2_000, 16, 1, 3, 5);
    }
  }

  /** Times in milliseconds per cycle (one entry per measured cycle) and what the checks found. */
  record Result(Options options, int rules, int selectors, int tenants, long lines, double[] sharedMillis, double[] sharedCpuMillis, double[] unsharedMillis,
      double[] unsharedCpuMillis, double[] directMillis, double[] directCpuMillis, LogqlQuerier.ScanCounts scansPerCycle, long rangeReadsPerCycle,
      int recorded, int alerts, double seconds, List<String> problems) {}

  private RulesBench() {}

  public static void main(String[] args) throws IOException {
    Options options = Options.full();
    Path work = Path.of("bench", "work", "rules");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> options = Options.quick();
        case "--work" -> work = Path.of(args[++i]);
        default -> {
          System.err.println("usage: RulesBench [--quick] [--work DIR]");
          System.exit(2);
        }
      }
    }
    Result result = run(options, work, System.err);
    print(result, System.out);
    if (!result.problems().isEmpty()) {
      System.exit(1);
    }
  }

  static Result run(Options options, Path work, PrintStream log) throws IOException {
    long began = System.nanoTime();
    deleteRecursively(work);
    Files.createDirectories(work);
    List<String> problems = new ArrayList<>();
    LogGenerator generator = new LogGenerator(options.seed(), GeneratorOptions.benchmark());
    List<RuleCorpus.Placed> rules = RuleCorpus.rules(generator.streams(), options.rules());
    if (rules.size() < options.rules()) {
      problems.add("the corpus gives " + rules.size() + " rules, " + options.rules() + " were asked for");
    }
    Map<String, List<RuleNamespace>> namespaces = RuleCorpus.namespaces(rules);
    RuleSource source = new RuleSource() {
      @Override
      public Set<String> tenants() {
        return namespaces.keySet();
      }

      @Override
      public List<RuleNamespace> namespaces(String tenant) {
        return namespaces.getOrDefault(tenant, List.of());
      }
    };
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    DiskLogStoreConfig config = DiskLogStoreConfig.defaults(work.resolve("store")).withMaintenanceInterval(Duration.ZERO).withRetention(Duration.ZERO, null)
        .withClock(clock);
    try (DiskLogStore store = DiskLogStore.open(config)) {
      long lines = (long) options.linesPerMinute() * options.historyMinutes();
      log.printf(Locale.ROOT, "rules: writing %,d lines over %d minutes ...%n", lines, options.historyMinutes());
      long start = NOW.minus(Duration.ofMinutes(options.historyMinutes())).toEpochMilli() * 1_000_000L;
      long step = 60_000_000_000L / options.linesPerMinute();
      for (int minute = 0; minute < options.historyMinutes(); minute++) {
        for (Map.Entry<String, List<StreamBatch>> tenant : generator.nextByTenant(options.linesPerMinute(), start + minute * 60_000_000_000L, step).entrySet()) {
          store.append(tenant.getKey(), tenant.getValue());
        }
      }
      store.flush();
      while (store.mergeOnce()) {
        // As the background thread would, until the layout is settled.
      }
      // An evaluation instant just after the last line, so that every range has data.
      Instant at = NOW.plusSeconds(1);
      EvaluationSettings settings = EvaluationSettings.defaults("");
      LogqlQuerier sharing = new LogqlQuerier(store, QueryLimits.defaults(), settings.sharedScanBytes());
      LogqlQuerier plain = new LogqlQuerier(new QueryEngine(store, QueryLimits.defaults()));

      log.printf(Locale.ROOT, "rules: %d rules, cycles with shared scans ...%n", rules.size());
      Outcome shared = cycles(options, source, sharing, settings, clock, at, work.resolve("state-shared"));
      LogqlQuerier.ScanCounts counts = sharing.scanCounts();
      int cycles = options.warmupCycles() + options.measuredCycles();
      LogqlQuerier.ScanCounts perCycle = new LogqlQuerier.ScanCounts(counts.storeScans() / cycles, counts.sharedLoads() / cycles, counts.sharedReads() / cycles);
      log.printf(Locale.ROOT, "rules: cycles without shared scans ...%n");
      Outcome unshared = cycles(options, source, plain, settings, clock, at, work.resolve("state-plain"));
      log.printf(Locale.ROOT, "rules: the same expressions one by one through QueryEngine ...%n");
      QueryEngine engine = new QueryEngine(store, QueryLimits.defaults());
      List<SampleExpr> parsed = new ArrayList<>();
      for (RuleCorpus.Placed rule : rules) {
        try {
          parsed.add(LogqlParser.parseSampleExpr(rule.rule().expr()));
        } catch (Exception e) {
          throw new IllegalStateException("a benchmark rule does not parse: " + rule.rule().expr(), e);
        }
      }
      double[] directMillis = new double[options.measuredCycles()];
      double[] directCpu = new double[options.measuredCycles()];
      List<List<dev.tonari.query.metric.VectorSample>> direct = List.of();
      for (int cycle = 0; cycle < cycles; cycle++) {
        long wall = System.nanoTime();
        long cpu = processCpuNanos();
        direct = runDirect(engine, rules, parsed, at, problems);
        if (cycle >= options.warmupCycles()) {
          directMillis[cycle - options.warmupCycles()] = (System.nanoTime() - wall) / 1e6;
          directCpu[cycle - options.warmupCycles()] = (processCpuNanos() - cpu) / 1e6;
        }
      }
      check(shared, unshared, direct, rules, at, problems);
      long rangeReads = counts.sharedReads() / cycles + (counts.storeScans() - counts.sharedLoads()) / cycles;
      int selectors = (int) rules.stream().map(rule -> rule.group()).distinct().count();
      return new Result(options, rules.size(), selectors, namespaces.size(), lines, shared.millis, shared.cpuMillis, unshared.millis, unshared.cpuMillis, directMillis,
          directCpu, perCycle, rangeReads, shared.samples.size(), shared.alerts.size(), (System.nanoTime() - began) / 1e9, problems);
    }
  }

  /** What one configuration's cycles did: the times, and the last cycle's samples and alerts. */
  private record Outcome(double[] millis, double[] cpuMillis, List<RecordedSample> samples, Map<String, List<RuleViews.Alert>> alerts) {}

  private static Outcome cycles(Options options, RuleSource source, InstantQuerier querier, EvaluationSettings settings, Clock clock, Instant at, Path state)
      throws IOException {
    List<RecordedSample> samples = new CopyOnWriteArrayList<>();
    double[] millis = new double[options.measuredCycles()];
    double[] cpu = new double[options.measuredCycles()];
    try (Ruler ruler = new Ruler(settings, List.of(source), querier, (tenant, alerts) -> {}, (tenant, recorded) -> samples.addAll(recorded), changes -> {}, clock,
        state)) {
      ruler.sync();
      for (int cycle = 0; cycle < options.warmupCycles() + options.measuredCycles(); cycle++) {
        samples.clear();
        long wall = System.nanoTime();
        long cpuStart = processCpuNanos();
        ruler.evaluateAllAt(at);
        if (cycle >= options.warmupCycles()) {
          millis[cycle - options.warmupCycles()] = (System.nanoTime() - wall) / 1e6;
          cpu[cycle - options.warmupCycles()] = (processCpuNanos() - cpuStart) / 1e6;
        }
      }
      Map<String, List<RuleViews.Alert>> alerts = new TreeMap<>();
      for (String tenant : ruler.tenants()) {
        alerts.put(tenant, ruler.alerts(tenant));
        for (RuleViews.Group group : ruler.rules(tenant)) {
          for (RuleViews.Rule rule : group.rules()) {
            if (!rule.lastError().isEmpty()) {
              throw new IllegalStateException("benchmark rule " + rule.name() + " of tenant " + tenant + " failed: " + rule.lastError());
            }
          }
        }
      }
      List<RecordedSample> sorted = new ArrayList<>(samples);
      sorted.sort(Comparator.comparing(sample -> sample.labels().toString()));
      return new Outcome(millis, cpu, sorted, alerts);
    }
  }

  private static List<List<dev.tonari.query.metric.VectorSample>> runDirect(QueryEngine engine, List<RuleCorpus.Placed> rules, List<SampleExpr> parsed, Instant at,
      List<String> problems) {
    long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
    List<List<dev.tonari.query.metric.VectorSample>> results = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      try {
        MetricResult result = engine.metricQuery(rules.get(i).tenant(), parsed.get(i), nanos, nanos, 0, true);
        results.add(switch (result) {
          case VectorResult vector -> vector.samples();
          case ScalarResult scalar -> List.of(new dev.tonari.query.metric.VectorSample(dev.tonari.store.Labels.EMPTY, nanos, scalar.value()));
          default -> List.of();
        });
      } catch (Exception e) {
        problems.add("direct query of " + rules.get(i).rule().name() + " failed: " + e.getMessage());
        results.add(List.of());
      }
    }
    return results;
  }

  /** Both rulers agree, and agree with the direct queries: each recording rule's samples and each alerting rule's alert count and values. */
  private static void check(Outcome shared, Outcome unshared, List<List<dev.tonari.query.metric.VectorSample>> direct, List<RuleCorpus.Placed> rules, Instant at,
      List<String> problems) {
    if (!shared.samples.equals(unshared.samples)) {
      problems.add("recorded samples differ with and without shared scans (" + shared.samples.size() + " against " + unshared.samples.size() + ")");
    }
    if (!shared.alerts.equals(unshared.alerts)) {
      problems.add("alerts differ with and without shared scans");
    }
    List<RecordedSample> expected = new ArrayList<>();
    Map<String, Integer> expectedAlerts = new TreeMap<>();
    for (int i = 0; i < rules.size(); i++) {
      RuleCorpus.Placed placed = rules.get(i);
      switch (placed.rule()) {
        case RecordingRule recording -> {
          for (dev.tonari.query.metric.VectorSample sample : direct.get(i)) {
            Map<String, String> labels = new TreeMap<>(sample.labels().toMap());
            labels.put("__name__", recording.record());
            labels.putAll(recording.labels());
            expected.add(new RecordedSample(labels, at.toEpochMilli(), sample.value()));
          }
        }
        case AlertingRule alerting -> expectedAlerts.merge(placed.tenant() + "/" + alerting.alert(), direct.get(i).size(), Integer::sum);
      }
    }
    expected.sort(Comparator.comparing(sample -> sample.labels().toString()));
    if (!expected.equals(shared.samples)) {
      problems.add("the recorded samples (" + shared.samples.size() + ") are not the direct queries' vectors (" + expected.size() + ")");
    }
    Map<String, Integer> alertCounts = new TreeMap<>();
    shared.alerts.forEach((tenant, alerts) -> alerts.forEach(alert -> alertCounts.merge(tenant + "/" + alert.labels().get("alertname"), 1, Integer::sum)));
    expectedAlerts.values().removeIf(count -> count == 0);
    if (!alertCounts.equals(expectedAlerts)) {
      problems.add("alerts per rule " + alertCounts + " are not the direct queries' series " + expectedAlerts);
    }
  }

  private static long processCpuNanos() {
    var os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
    return os == null ? 0 : Math.max(0, os.getProcessCpuTime());
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(sorted.length - 1) / 2];
  }

  static void print(Result result, PrintStream out) {
    Options options = result.options();
    double shared = median(result.sharedMillis());
    double unshared = median(result.unsharedMillis());
    double direct = median(result.directMillis());
    out.printf(Locale.ROOT, "%nTonari ruler benchmark (%s run, %.0f s, %d cores, Java %s)%n%n", options.name(), result.seconds(), Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    out.printf(Locale.ROOT, "%d rules (%d groups, %d tenants) over %,d lines of %d minutes in a DiskLogStore; median of %d cycles after %d warm-up%n%n",
        result.rules(), result.selectors(), result.tenants(), result.lines(), options.historyMinutes(), options.measuredCycles(), options.warmupCycles());
    out.println("| one evaluation cycle of all rules | wall ms (median) | CPU ms (median) | store scans per cycle | against shared scans |");
    out.println("|---|---|---|---|---|");
    out.printf(Locale.ROOT, "| ruler, shared scans | %.1f | %.1f | %d (%d shared loads serving %d reads) | 1.00 |%n", shared, median(result.sharedCpuMillis()),
        result.scansPerCycle().storeScans(), result.scansPerCycle().sharedLoads(), result.scansPerCycle().sharedReads());
    out.printf(Locale.ROOT, "| ruler, without shared scans | %.1f | %.1f | %d | %.2f |%n", unshared, median(result.unsharedCpuMillis()), result.rangeReadsPerCycle(),
        unshared / shared);
    out.printf(Locale.ROOT, "| baseline: the %d expressions one by one through QueryEngine.metricQuery | %.1f | %.1f | %d | %.2f |%n", result.rules(), direct,
        median(result.directCpuMillis()), result.rangeReadsPerCycle(), direct / shared);
    out.println();
    out.printf(Locale.ROOT, "shared / unshared = %.2f (speed-up %.2fx); ruler without sharing / direct = %.2f (the ruler's own cost: templates, state, views)%n", shared / unshared,
        unshared / shared, unshared / direct);
    out.printf(Locale.ROOT, "each cycle recorded %,d samples and held %,d alerts%n", result.recorded(), result.alerts());
    if (result.problems().isEmpty()) {
      out.println("checks: both rulers agree, and agree with the direct queries");
    } else {
      out.println("CHECKS FAILED:");
      result.problems().forEach(problem -> out.println("  " + problem));
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
