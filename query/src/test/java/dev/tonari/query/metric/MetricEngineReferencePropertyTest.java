package dev.tonari.query.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tonari.logql.BinaryOperation;
import dev.tonari.logql.BinaryOperator;
import dev.tonari.logql.Grouping;
import dev.tonari.logql.LabelReplace;
import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LineFilterOperator;
import dev.tonari.logql.LiteralExpr;
import dev.tonari.logql.LogRange;
import dev.tonari.logql.LogSelectorExpr;
import dev.tonari.logql.Matcher;
import dev.tonari.logql.MatcherType;
import dev.tonari.logql.PipelineStage;
import dev.tonari.logql.RangeAggregation;
import dev.tonari.logql.RangeOperation;
import dev.tonari.logql.SampleExpr;
import dev.tonari.logql.Unwrap;
import dev.tonari.logql.VectorAggregation;
import dev.tonari.logql.VectorExpr;
import dev.tonari.logql.VectorMatching;
import dev.tonari.logql.VectorOperation;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The engine (sliding windows, one pass over the store, row-wise operators) must answer exactly
 * what {@link ReferenceMetricEvaluator} computes step by step from scratch, for random data and
 * random queries over every range and vector operation, range and instant queries alike.
 */
class MetricEngineReferencePropertyTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;
  private static final String[] WORDS = {"error", "info", "timeout", "GET /api", "ü", "warn error"};

  @Property(tries = 400)
  void rangeQueriesMatchTheReference(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    List<ReferenceMetricEvaluator.Line> lines = randomLines(random);
    SampleExpr expr = randomExpr(random, 2);
    long start = random.nextInt(150) * SECOND;
    long step = (1 + random.nextInt(30)) * SECOND + (random.nextInt(4) != 0 ? 0 : random.nextInt(1000) * 1_000_000L);
    long end = start + random.nextInt(12) * step + (random.nextInt(4) != 0 ? 0 : random.nextInt(1000) * 1_000_000L);
    compare(lines, expr, start, end, step, false);
  }

  /** {@code sum} directly over a range aggregation, where the engine pushes the grouping down (linear operations). */
  @Property(tries = 300)
  void sumsOfRangeAggregationsMatchTheReference(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    List<ReferenceMetricEvaluator.Line> lines = randomLines(random);
    SampleExpr expr = new VectorAggregation(VectorOperation.SUM, randomRange(random), randomGrouping(random), null);
    long start = random.nextInt(150) * SECOND;
    long step = (1 + random.nextInt(30)) * SECOND;
    boolean instant = random.nextInt(3) == 0;
    compare(lines, expr, start, instant ? start : start + random.nextInt(12) * step, instant ? 0 : step, instant);
  }

  @Property(tries = 300)
  void instantQueriesMatchTheReference(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    List<ReferenceMetricEvaluator.Line> lines = randomLines(random);
    SampleExpr expr = randomExpr(random, 2);
    long time = random.nextInt(300) * 500_000_000L;
    compare(lines, expr, time, time, 0, true);
  }

  private static void compare(List<ReferenceMetricEvaluator.Line> lines, SampleExpr expr, long start, long end, long step, boolean instant)
      throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    Map<Labels, List<LogEntry>> byStream = new LinkedHashMap<>();
    for (ReferenceMetricEvaluator.Line line : lines) {
      byStream.computeIfAbsent(line.stream(), s -> new ArrayList<>()).add(new LogEntry(line.timestampNanos(), line.text(), line.metadata()));
    }
    List<StreamBatch> batches = new ArrayList<>();
    byStream.forEach((labels, entries) -> batches.add(new StreamBatch(labels, entries)));
    store.append(TENANT, batches);
    MetricQueryEngine engine = new MetricQueryEngine(store, new QueryLimits(5000, Duration.ZERO, 10_000));
    ReferenceMetricEvaluator reference = new ReferenceMetricEvaluator(lines);

    List<Object> expected = new ArrayList<>();
    String referenceError = null;
    try {
      for (long t = start; t <= end; t += Math.max(step, 1)) {
        expected.add(reference.evaluateAt(expr, t));
        if (instant) {
          break;
        }
      }
    } catch (ReferenceMetricEvaluator.EvaluationError e) {
      referenceError = e.getMessage();
    }
    MetricResult result;
    try {
      result = engine.evaluate(TENANT, expr, start, end, step, instant);
    } catch (QueryException e) {
      assertThat(referenceError).as("engine refused %s with %s", expr, e.getMessage()).isNotNull();
      assertThat(e.status()).isEqualTo(400);
      return;
    }
    if (referenceError != null) {
      fail("reference refused " + expr + " (" + referenceError + ") but the engine answered " + result);
    }
    for (int i = 0; i < expected.size(); i++) {
      long t = start + i * step;
      Object actual = actualAt(result, t);
      assertSameValue(expected.get(i), actual, expr + " at " + t);
    }
  }

  private static Object actualAt(MetricResult result, long time) {
    return switch (result) {
      case ScalarResult scalar -> scalar.value();
      case VectorResult vector -> {
        TreeMap<Labels, Double> map = new TreeMap<>();
        vector.samples().forEach(s -> map.put(s.labels(), s.value()));
        yield map;
      }
      case MatrixResult matrix -> {
        TreeMap<Labels, Double> map = new TreeMap<>();
        for (Series series : matrix.series()) {
          for (int i = 0; i < series.size(); i++) {
            if (series.timestampsNanos()[i] == time) {
              map.put(series.labels(), series.values()[i]);
            }
          }
        }
        // A scalar expression of a range query comes back as one series without labels.
        yield map;
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static void assertSameValue(Object expected, Object actual, String what) {
    if (expected instanceof Double scalar) {
      if (actual instanceof Map<?, ?> map) {
        Map<Labels, Double> series = (Map<Labels, Double>) map;
        assertThat(series.keySet()).as(what).containsExactly(Labels.EMPTY);
        assertClose(scalar, series.get(Labels.EMPTY), what);
      } else {
        assertClose(scalar, (Double) actual, what);
      }
      return;
    }
    Map<Labels, Double> expectedVector = (Map<Labels, Double>) expected;
    Map<Labels, Double> actualVector = (Map<Labels, Double>) actual;
    assertThat(actualVector.keySet()).as(what).containsExactlyElementsOf(expectedVector.keySet());
    for (Map.Entry<Labels, Double> sample : expectedVector.entrySet()) {
      assertClose(sample.getValue(), actualVector.get(sample.getKey()), what + " " + sample.getKey());
    }
  }

  private static void assertClose(double expected, double actual, String what) {
    if (Double.isNaN(expected)) {
      assertThat(Double.isNaN(actual)).as(what + ": expected NaN got " + actual).isTrue();
      return;
    }
    if (Double.isInfinite(expected) || expected == actual) {
      assertThat(actual).as(what).isEqualTo(expected);
      return;
    }
    // Sums of several series may add in another order than the reference's; nothing else may differ.
    assertThat(Math.abs(expected - actual)).as(what + ": expected " + expected + " got " + actual).isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(expected)));
  }

  private static List<ReferenceMetricEvaluator.Line> randomLines(Random random) {
    int count = random.nextInt(60);
    Set<Long> used = new HashSet<>();
    List<ReferenceMetricEvaluator.Line> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      // Half-second slots make lines fall exactly on window edges often, where left-open/right-closed matters.
      long timestamp = random.nextInt(360) * 500_000_000L;
      if (!used.add(timestamp)) {
        continue;
      }
      Labels stream = Labels.of("app", random.nextBoolean() ? "a" : "b", "pod", "p" + (1 + random.nextInt(3)));
      Labels metadata = random.nextInt(10) < 7 ? Labels.of("latency", randomNumber(random)) : Labels.EMPTY;
      lines.add(new ReferenceMetricEvaluator.Line(stream, timestamp, WORDS[random.nextInt(WORDS.length)], metadata));
    }
    return lines;
  }

  private static String randomNumber(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> Integer.toString(random.nextInt(100));
      case 1 -> Integer.toString(random.nextInt(10) - 5);
      default -> (random.nextInt(1000) / 10.0) + "";
    };
  }

  private static SampleExpr randomExpr(Random random, int depth) {
    int choice = depth == 0 ? 0 : random.nextInt(10);
    return switch (choice) {
      case 0, 1, 2 -> randomRange(random);
      case 3, 4, 5 -> {
        VectorOperation operation = VectorOperation.values()[random.nextInt(VectorOperation.values().length)];
        Integer k = operation.parameterRequired() ? random.nextInt(4) : null;
        yield new VectorAggregation(operation, randomVectorExpr(random, depth - 1), randomGrouping(random), k);
      }
      case 6, 7, 8 -> randomBinary(random, depth);
      default ->
          random.nextBoolean()
              ? new LabelReplace(randomVectorExpr(random, depth - 1), "dst", "$1-x", "pod", "p(.*)")
              : new LabelReplace(randomVectorExpr(random, depth - 1), "pod", "all", "pod", ".*");
    };
  }

  /** An expression that is a vector (not a scalar literal). */
  private static SampleExpr randomVectorExpr(Random random, int depth) {
    SampleExpr expr = randomExpr(random, depth);
    return isScalar(expr) ? randomRange(random) : expr;
  }

  private static boolean isScalar(SampleExpr expr) {
    return expr instanceof LiteralExpr || (expr instanceof BinaryOperation b && isScalar(b.left()) && isScalar(b.right()));
  }

  private static SampleExpr randomBinary(Random random, int depth) {
    BinaryOperator operator = BinaryOperator.values()[random.nextInt(BinaryOperator.values().length)];
    SampleExpr left = random.nextInt(5) == 0 ? new LiteralExpr(random.nextInt(7) - 2) : randomExpr(random, depth - 1);
    SampleExpr right = random.nextInt(4) == 0 ? new LiteralExpr(random.nextInt(7) - 2) : randomExpr(random, depth - 1);
    if (random.nextInt(8) == 0) {
      right = new VectorExpr(random.nextInt(3));
    }
    if (operator.setOperator()) {
      // Set operators need vectors on both sides, as the parser requires.
      left = isScalar(left) ? randomRange(random) : left;
      right = isScalar(right) ? randomRange(random) : right;
    }
    boolean bothVectors = !isScalar(left) && !isScalar(right);
    VectorMatching matching = null;
    if (bothVectors && random.nextBoolean()) {
      VectorMatching.Cardinality cardinality = operator.setOperator()
          ? VectorMatching.Cardinality.ONE_TO_ONE
          : VectorMatching.Cardinality.values()[random.nextInt(3)];
      List<String> include = cardinality == VectorMatching.Cardinality.ONE_TO_ONE || random.nextBoolean() ? List.of() : List.of("pod");
      matching = random.nextBoolean()
          ? new VectorMatching(true, random.nextBoolean() ? List.of("app") : List.of(), cardinality, include)
          : new VectorMatching(false, random.nextBoolean() ? List.of("pod") : List.of("latency", "pod"), cardinality, include);
    }
    boolean returnBool = operator.comparison() && (random.nextBoolean() || (isScalar(left) && isScalar(right)));
    return new BinaryOperation(operator, left, right, returnBool, matching);
  }

  private static Grouping randomGrouping(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> null;
      case 1 -> Grouping.by("app");
      case 2 -> Grouping.without("pod");
      case 3 -> Grouping.by();
      default -> Grouping.by("app", "latency");
    };
  }

  private static RangeAggregation randomRange(Random random) {
    RangeOperation operation = RangeOperation.values()[random.nextInt(RangeOperation.values().length)];
    boolean unwrap = operation.unwrapping() == RangeOperation.Unwrapping.REQUIRED
        || (operation.unwrapping() == RangeOperation.Unwrapping.OPTIONAL && random.nextBoolean());
    List<Matcher> matchers = random.nextBoolean()
        ? List.of(new Matcher("app", MatcherType.EQUAL, "a"))
        : List.of(new Matcher("app", MatcherType.REGEX, "a|b"), new Matcher("pod", MatcherType.NOT_EQUAL, "p3"));
    List<PipelineStage> pipeline = new ArrayList<>();
    if (random.nextBoolean()) {
      pipeline.add(new LineFilter(LineFilterOperator.CONTAINS, "error"));
    }
    if (random.nextBoolean()) {
      pipeline.add(new LineFilter(LineFilterOperator.NOT_CONTAINS, "timeout"));
    }
    Duration range = Duration.ofMillis((1 + random.nextInt(60)) * 1000L + (random.nextInt(4) != 0 ? 0 : random.nextInt(1000)));
    Duration offset = random.nextInt(3) == 0 ? Duration.ofSeconds(random.nextInt(20)) : Duration.ZERO;
    LogRange logRange = new LogRange(new LogSelectorExpr(matchers, pipeline), range, offset, unwrap ? new Unwrap("latency") : null);
    Double parameter = operation == RangeOperation.QUANTILE_OVER_TIME ? new double[] {0, 0.5, 0.99, 1, 1.5}[random.nextInt(5)] : null;
    Grouping grouping = operation.groupingAllowed() ? randomGrouping(random) : null;
    return new RangeAggregation(operation, logRange, parameter, grouping);
  }
}
