package dev.tonari.bench.jmh;

import dev.tonari.cli.generate.GeneratedLine;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.metric.MatrixResult;
import dev.tonari.query.metric.MetricQueryEngine;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.engine.MergePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The heavy metric queries of issue 12 on a {@link DiskLogStore} holding 32 MB of generated lines
 * in parts (every tenant, all queries over all tenants): each {@code query} run three ways, side
 * by side: {@code fast} (the byte-level plan, the default), {@code strings} (every line through the
 * String pipeline: the code before issue 12) and {@code scan}, the baseline: a plain {@code |=
 * "deadlock"} count over the same selector, so the same blocks are read and decompressed. The
 * ratio to quote is fast / scan (target 1.5).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class MetricQueryBenchmark {
  private static final long RAW_BYTES = 32L << 20;
  private static final String SCAN = "count_over_time(%s |= \"deadlock\" [30s])";

  @Param({"rate_logfmt", "quantile_json", "count_by_level", "bytes_rate_json", "topk_paths", "sum_json"})
  public String query;

  private Path directory;
  private DiskLogStore store;
  private MetricQueryEngine fastEngine;
  private MetricQueryEngine stringEngine;
  private List<String> tenants;
  private Map<String, SampleExpr> metricByTenant;
  private Map<String, SampleExpr> scanByTenant;
  private long start;
  private long end;

  @Setup(Level.Trial)
  public void setUp() throws IOException, dev.tonari.logql.LogqlParseException {
    List<GeneratedLine> lines = BenchmarkData.lines(RAW_BYTES);
    directory = Files.createTempDirectory("tonari-metric-bench");
    store = DiskLogStore.open(DiskLogStoreConfig.defaults(directory)
        .withMaintenanceInterval(Duration.ZERO)
        .withRetention(Duration.ZERO, null)
        .withMergePolicy(MergePolicy.disabled()));
    Map<String, Map<Labels, List<LogEntry>>> byTenant = new TreeMap<>();
    Map<String, TreeSet<String>> jsonApps = new TreeMap<>();
    for (GeneratedLine line : lines) {
      byTenant.computeIfAbsent(line.tenant(), t -> new LinkedHashMap<>()).computeIfAbsent(line.labels(), l -> new ArrayList<>()).add(line.entry());
      if (line.entry().line().startsWith("{")) {
        jsonApps.computeIfAbsent(line.tenant(), t -> new TreeSet<>()).add(line.labels().get("app"));
      }
    }
    for (Map.Entry<String, Map<Labels, List<LogEntry>>> tenant : byTenant.entrySet()) {
      List<StreamBatch> batches = new ArrayList<>();
      tenant.getValue().forEach((labels, entries) -> {
        entries.sort(Comparator.comparingLong(LogEntry::timestampNanos));
        batches.add(new StreamBatch(labels, entries));
      });
      store.append(tenant.getKey(), batches);
    }
    store.flush();
    tenants = List.copyOf(byTenant.keySet());
    QueryLimits limits = new QueryLimits(5000, Duration.ZERO, 10_000);
    fastEngine = new MetricQueryEngine(store, limits, true);
    stringEngine = new MetricQueryEngine(store, limits, false);
    start = BenchmarkData.START_NANOS;
    end = BenchmarkData.START_NANOS + lines.size() * 1_000_000L;
    metricByTenant = new TreeMap<>();
    scanByTenant = new TreeMap<>();
    for (String tenant : tenants) {
      String json = "{app=~\"" + String.join("|", jsonApps.getOrDefault(tenant, new TreeSet<>(List.of("none")))) + "\"}";
      String prod = "{env=\"prod\"}";
      String selector = switch (query) {
        case "rate_logfmt", "count_by_level" -> prod;
        default -> json;
      };
      String metric = switch (query) {
        case "rate_logfmt" -> "sum by (app) (rate(" + prod + " | logfmt | status >= 500 [30s]))";
        case "quantile_json" -> "quantile_over_time(0.99, " + json + " | json | unwrap latency_ms [30s]) by (app)";
        case "count_by_level" -> "sum by (app, level) (count_over_time(" + prod + " | logfmt [30s]))";
        case "bytes_rate_json" -> "sum by (app) (bytes_rate(" + json + " | json | level=\"error\" [30s]))";
        case "topk_paths" -> "topk(5, sum by (path) (count_over_time(" + json + " | json [30s])))";
        // No label kept: as in Loki, no parser runs (UnusedParsers).
        case "sum_json" -> "sum(count_over_time(" + json + " | json [30s]))";
        default -> throw new IllegalArgumentException("unknown query " + query);
      };
      metricByTenant.put(tenant, LogqlParser.parseSampleExpr(metric));
      scanByTenant.put(tenant, LogqlParser.parseSampleExpr(SCAN.formatted(selector)));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** The byte-level plan (the engine's default). */
  @Benchmark
  public long fast() throws Exception {
    return run(fastEngine, metricByTenant);
  }

  /** Every line through the String pipeline: the path before issue 12. */
  @Benchmark
  public long strings() throws Exception {
    return run(stringEngine, metricByTenant);
  }

  /** Baseline: {@code |= "deadlock"} over the same selector, the same blocks decompressed and searched. */
  @Benchmark
  public long scan() throws Exception {
    return run(fastEngine, scanByTenant);
  }

  private long run(MetricQueryEngine engine, Map<String, SampleExpr> queries) throws Exception {
    long points = 0;
    long step = Duration.ofSeconds(5).toNanos();
    for (Map.Entry<String, SampleExpr> query : queries.entrySet()) {
      MatrixResult result = (MatrixResult) engine.evaluate(query.getKey(), query.getValue(), start, end, step, false);
      points += result.series().size();
    }
    return points;
  }
}
