package dev.tonari.query.metric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Grouping pushdown and parser hints change nothing: for random logfmt and JSON lines (malformed
 * ones included, so {@code __error__} appears) and random queries with parsers, label filters,
 * unwrap and groupings, the engine must answer exactly what the same engine answers with neither
 * optimisation (every parsed label extracted, {@code sum} over whole series), refusals included
 * (a pipeline error names the same series). Sums may differ in the last bits only, since pushed
 * down they add per group instead of per series (as Loki's do).
 */
class MetricPushdownPropertyTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;
  private static final String[] LEVELS = {"info", "error", "warn"};
  private static final String[] LATENCIES = {"12", "0.5", "-3", "abc", "", "1e3", "250"};

  @Property(tries = 600)
  void optimisedEngineMatchesThePlainOne(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    InMemoryLogStore store = new InMemoryLogStore();
    store.append(TENANT, randomStreams(random));
    String query = randomQuery(random);
    SampleExpr expr = LogqlParser.parseSampleExpr(query);
    QueryLimits limits = new QueryLimits(5000, Duration.ZERO, 10_000);
    MetricQueryEngine optimised = new MetricQueryEngine(store, limits);
    MetricQueryEngine plain = new MetricQueryEngine(store, limits, (stages, hints) -> PipelineStages.compile(stages, null), false);
    long start = random.nextInt(60) * SECOND;
    long step = (1 + random.nextInt(40)) * SECOND;
    long end = start + random.nextInt(15) * step;
    boolean instant = random.nextInt(4) == 0;
    Object expected = answer(plain, expr, start, end, step, instant);
    Object actual = answer(optimised, expr, start, end, step, instant);
    if (expected instanceof String refusal) {
      assertThat(actual).as(query).isEqualTo(refusal);
      return;
    }
    assertThat(actual).as(query + " answered: " + actual).isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Double> expectedPoints = (Map<String, Double>) expected;
    @SuppressWarnings("unchecked")
    Map<String, Double> actualPoints = (Map<String, Double>) actual;
    assertThat(actualPoints.keySet()).as(query).containsExactlyElementsOf(expectedPoints.keySet());
    for (Map.Entry<String, Double> point : expectedPoints.entrySet()) {
      double want = point.getValue();
      double got = actualPoints.get(point.getKey());
      assertThat(Math.abs(want - got)).as(query + " " + point.getKey() + ": expected " + want + " got " + got)
          .isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(want)));
    }
  }

  /** Points keyed by series and time, in order; or the refusal's status and message. */
  private static Object answer(MetricQueryEngine engine, SampleExpr expr, long start, long end, long step, boolean instant) {
    MetricResult result;
    try {
      result = engine.evaluate(TENANT, expr, start, end, step, instant);
    } catch (QueryException e) {
      return e.status() + " " + e.getMessage();
    }
    Map<String, Double> points = new LinkedHashMap<>();
    switch (result) {
      case MatrixResult matrix -> {
        for (Series series : matrix.series()) {
          for (int i = 0; i < series.size(); i++) {
            points.put(series.labels() + "@" + series.timestampsNanos()[i], series.values()[i]);
          }
        }
      }
      case VectorResult vector -> vector.samples().forEach(sample -> points.put(sample.labels().toString(), sample.value()));
      case ScalarResult scalar -> points.put("scalar", scalar.value());
    }
    return points;
  }

  private static List<StreamBatch> randomStreams(Random random) {
    Map<Labels, List<LogEntry>> byStream = new LinkedHashMap<>();
    int count = random.nextInt(80);
    for (int i = 0; i < count; i++) {
      // Half-second slots: equal timestamps across streams and lines on window edges are frequent.
      long timestamp = random.nextInt(240) * 500_000_000L;
      Labels stream = Labels.of("app", random.nextBoolean() ? "a" : "b", "pod", "p" + (1 + random.nextInt(3)));
      Labels metadata = random.nextInt(5) == 0 ? Labels.of("trace", "t" + random.nextInt(1000)) : Labels.EMPTY;
      byStream.computeIfAbsent(stream, s -> new ArrayList<>()).add(new LogEntry(timestamp, randomLine(random), metadata));
    }
    List<StreamBatch> batches = new ArrayList<>();
    byStream.forEach((labels, entries) -> {
      entries.sort((a, b) -> Long.compare(a.timestampNanos(), b.timestampNanos()));
      batches.add(new StreamBatch(labels, entries));
    });
    return batches;
  }

  private static String randomLine(Random random) {
    String level = LEVELS[random.nextInt(LEVELS.length)];
    String status = Integer.toString(200 + 100 * random.nextInt(4) + random.nextInt(4));
    String latency = LATENCIES[random.nextInt(LATENCIES.length)];
    String trace = Integer.toHexString(random.nextInt());
    return switch (random.nextInt(7)) {
      case 0, 1 -> "level=" + level + " status=" + status + " latency=" + latency + " trace=" + trace + " msg=\"a \\\"quoted\\\" text\"";
      case 2 -> "app=x level=" + level + " latency=\"" + latency + "\" bad==pair status=" + status;
      case 3, 4 -> "{\"level\":\"" + level + "\",\"status\":" + status + ",\"latency\":\"" + latency + "\",\"trace\":\"" + trace
          + "\",\"req\":{\"path\":\"/a\\u00e9\",\"app\":\"y\"},\"tags\":[1,2]}";
      case 5 -> "{\"level\":\"" + level + "\",\"status\":" + status + ",\"latency\":";
      default -> "plain text " + level + " \"unterminated";
    };
  }

  private static String randomQuery(Random random) {
    String parser = switch (random.nextInt(5)) {
      case 0 -> " | logfmt";
      case 1 -> " | json";
      case 2 -> " | logfmt --strict";
      case 3 -> " | json | logfmt";
      default -> " |= \"level\" | logfmt --keep-empty";
    };
    String filter = switch (random.nextInt(6)) {
      case 0 -> " | status >= 400";
      case 1 -> " | level=\"error\"";
      case 2 -> " | __error__=\"\"";
      case 3 -> " | level=~\"e.*\" or status < 300";
      case 4 -> " | req_path!=\"\"";
      default -> "";
    };
    String selector = random.nextBoolean() ? "{app=\"a\"}" : "{app=~\"a|b\"}";
    String unwrap = switch (random.nextInt(3)) {
      case 0 -> " | unwrap latency";
      case 1 -> " | unwrap latency | __error__=\"\"";
      default -> "";
    };
    String range = "[" + (1 + random.nextInt(40)) + "s]";
    String grouping = switch (random.nextInt(6)) {
      case 0 -> " by (level)";
      case 1 -> " by (app, status)";
      case 2 -> " without (trace, pod)";
      case 3 -> " by (latency)";
      case 4 -> " by ()";
      default -> "";
    };
    String log = selector + parser + filter;
    if (unwrap.isEmpty() && random.nextInt(4) == 0) {
      // topk and bottomk take their input unsorted; counts are whole numbers, so every tie between
      // series is exact and the order of ties (labels) decides which rows are kept.
      String counting = (random.nextBoolean() ? "count_over_time" : "bytes_over_time") + "(" + log + range + ")";
      String selected = random.nextBoolean() ? counting : "sum" + grouping + " (" + counting + ")";
      String selectionGrouping = random.nextInt(3) == 0 ? " by (app)" : "";
      return (random.nextBoolean() ? "topk" : "bottomk") + "(" + (1 + random.nextInt(3)) + ", " + selected + ")" + selectionGrouping;
    }
    String inner;
    if (unwrap.isEmpty()) {
      String operation = new String[] {"count_over_time", "rate", "bytes_over_time", "bytes_rate", "absent_over_time"}[random.nextInt(5)];
      inner = operation + "(" + log + range + ")";
    } else {
      String operation = new String[] {"sum_over_time", "rate", "avg_over_time", "max_over_time", "sum_over_time"}[random.nextInt(5)];
      inner = operation + "(" + log + unwrap + range + ")";
      if (random.nextInt(3) == 0 && (operation.equals("avg_over_time") || operation.equals("max_over_time"))) {
        // A range aggregation grouped by itself: hints, no pushdown.
        return operation + "(" + log + unwrap + range + ")" + (grouping.isEmpty() ? " by (level)" : grouping);
      }
    }
    return switch (random.nextInt(4)) {
      case 0 -> inner;
      case 1 -> "count" + grouping + " (" + inner + ")";
      default -> "sum" + grouping + " (" + inner + ")";
    };
  }
}
