package dev.tonari.bench;

import dev.tonari.bench.jmh.MetricQueryBenchmark;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The metric queries of {@link MetricQueryBenchmark} against their plain scan, taking turns: each
 * round runs the {@code |= "deadlock"} scan of the same selector, then the metric query, so a
 * machine whose load changes (other builds on the 2 cores) slows both alike; JMH runs all of one
 * benchmark before the next, and its ratios of separate runs were off by a factor of two here.
 * Prints the median of each and metric / scan per query, with the load average before and after.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.tonari.bench.MetricQueryRatio [rounds]
 * [query ...]}; queries are the benchmark's {@code query} parameter values (all by default).
 */
public final class MetricQueryRatio {
  private static final List<String> ALL = List.of("rate_logfmt", "quantile_json", "count_by_level", "bytes_rate_json", "topk_paths", "sum_json");

  /** Rounds run before timing: enough for C2 to compile both paths (5 left the first query's scan at twice its later time). */
  private static final int WARM_UP_ROUNDS = 20;

  private MetricQueryRatio() {}

  public static void main(String[] arguments) throws Exception {
    int rounds = arguments.length > 0 ? Integer.parseInt(arguments[0]) : 15;
    List<String> queries = arguments.length > 1 ? List.of(arguments).subList(1, arguments.length) : ALL;
    System.out.printf(Locale.ROOT, "metric query / plain scan of the same blocks, %d rounds taking turns, %d cores, load average %.2f%n",
        rounds, Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf(Locale.ROOT, "%-16s %12s %12s %8s%n", "query", "metric ms", "scan ms", "ratio");
    for (String query : queries) {
      MetricQueryBenchmark benchmark = new MetricQueryBenchmark();
      benchmark.query = query;
      benchmark.setUp();
      try {
        // Warm-up: both paths compiled before anything is timed.
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
          benchmark.scan();
          benchmark.fast();
        }
        List<Double> metric = new ArrayList<>();
        List<Double> scan = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          long began = System.nanoTime();
          benchmark.scan();
          long scanned = System.nanoTime();
          benchmark.fast();
          long done = System.nanoTime();
          scan.add((scanned - began) / 1e6);
          metric.add((done - scanned) / 1e6);
        }
        double metricMedian = median(metric);
        double scanMedian = median(scan);
        System.out.printf(Locale.ROOT, "%-16s %12.1f %12.1f %8.2f%n", query, metricMedian, scanMedian, metricMedian / scanMedian);
      } finally {
        benchmark.tearDown();
      }
    }
    System.out.printf(Locale.ROOT, "load average after: %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }
}
