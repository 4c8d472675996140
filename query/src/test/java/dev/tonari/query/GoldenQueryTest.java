package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.Expr;
import dev.tonari.logql.LogSelectorExpr;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.metric.MatrixResult;
import dev.tonari.query.metric.MetricResult;
import dev.tonari.query.metric.ReferenceMetricEvaluator;
import dev.tonari.query.metric.ScalarResult;
import dev.tonari.query.metric.Series;
import dev.tonari.query.metric.VectorResult;
import dev.tonari.query.metric.VectorSample;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.memory.InMemoryLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden files: queries over a fixed dataset ({@code golden/dataset.txt}) with their frozen
 * results ({@code golden/queries.txt}), run through {@link QueryEngine} over the in-memory store
 * and over a {@link DiskLogStore} after a flush (so over parts, blooms and block cursors); both
 * must print exactly the frozen text. Queries marked {@code reference: yes} are also checked
 * against the naive reference evaluators of the test tree.
 *
 * <p>The expected texts were first written by the engine, then each was read against Loki's
 * semantics (and the references) before being frozen. Run with {@code -Dgolden.update=true} to
 * rewrite them after an intended change, and review the diff.
 */
class GoldenQueryTest {
  private static final String TENANT = "golden";
  private static final long SECOND = 1_000_000_000L;
  private static final Path DIRECTORY = Path.of("src/test/resources/golden");
  private static final String SEPARATOR = "---";

  @TempDir Path dataDirectory;

  /** One golden case: its name, its parameters and its frozen output. */
  record Case(String name, Map<String, String> parameters, String expected) {
    String parameter(String key, String fallback) {
      return parameters.getOrDefault(key, fallback);
    }
  }

  @Test
  void queriesAnswerTheirFrozenResultsOnEveryStore() throws Exception {
    List<ReferenceMetricEvaluator.Line> lines = dataset();
    InMemoryLogStore memory = new InMemoryLogStore();
    append(memory, lines);
    DiskLogStoreConfig config = DiskLogStoreConfig.defaults(dataDirectory).withMaintenanceInterval(Duration.ZERO).withRetention(Duration.ZERO, null);
    try (DiskLogStore disk = DiskLogStore.open(config)) {
      append(disk, lines);
      disk.flush();
      QueryEngine onMemory = new QueryEngine(memory, QueryLimits.defaults());
      QueryEngine onDisk = new QueryEngine(disk, QueryLimits.defaults());
      List<Case> cases = cases();
      assertThat(cases).hasSizeGreaterThan(10);
      StringBuilder rewritten = new StringBuilder();
      List<String> mismatches = new ArrayList<>();
      for (Case golden : cases) {
        String actual = run(onMemory, golden);
        assertThat(run(onDisk, golden)).as("%s on the disk store", golden.name()).isEqualTo(actual);
        if (golden.parameter("reference", "no").equals("yes")) {
          checkAgainstReference(golden, lines, actual, onMemory);
        }
        if (!actual.equals(golden.expected())) {
          mismatches.add(golden.name() + ":\n--- expected\n" + golden.expected() + "--- actual\n" + actual);
        }
        rewritten.append(render(golden, actual));
      }
      if (Boolean.getBoolean("golden.update")) {
        Files.writeString(DIRECTORY.resolve("queries.txt"), header() + rewritten, StandardCharsets.UTF_8);
        return;
      }
      assertThat(mismatches).as("golden cases that changed (rerun with -Dgolden.update=true if intended)").isEmpty();
    }
  }

  private static String run(QueryEngine engine, Case golden) {
    String query = golden.parameter("query", "");
    long start = Long.parseLong(golden.parameter("start", "0")) * SECOND;
    long end = Long.parseLong(golden.parameter("end", "1000")) * SECOND;
    try {
      Expr expr = LogqlParser.parse(query);
      if (expr instanceof SampleExpr metric) {
        boolean instant = golden.parameter("type", "range").equals("instant");
        long step = Long.parseLong(golden.parameter("step", "60")) * SECOND;
        return print(engine.metricQuery(TENANT, metric, instant ? end : start, end, step, instant));
      }
      Direction direction = Direction.valueOf(golden.parameter("direction", "backward").toUpperCase(Locale.ROOT));
      int limit = Integer.parseInt(golden.parameter("limit", "100"));
      return print(engine.logQuery(TENANT, query, start, end, limit, direction).streams());
    } catch (QueryException e) {
      return "error " + e.status() + " " + e.getMessage().strip() + "\n";
    } catch (dev.tonari.logql.LogqlParseException e) {
      return "error 400 " + e.getMessage().strip() + "\n";
    }
  }

  private static String print(List<StreamResult> streams) {
    StringBuilder out = new StringBuilder();
    for (StreamResult stream : streams) {
      out.append("stream ").append(stream.labels()).append('\n');
      for (LogEntry entry : stream.entries()) {
        out.append("  ").append(entry.timestampNanos() / SECOND).append(' ').append(entry.line()).append('\n');
      }
    }
    return out.isEmpty() ? "(no streams)\n" : out.toString();
  }

  private static String print(MetricResult result) {
    StringBuilder out = new StringBuilder();
    switch (result) {
      case MatrixResult matrix -> {
        for (Series series : matrix.series()) {
          out.append("series ").append(series.labels()).append('\n');
          for (int i = 0; i < series.size(); i++) {
            out.append("  ").append(series.timestampsNanos()[i] / SECOND).append(' ').append(number(series.values()[i])).append('\n');
          }
        }
      }
      case VectorResult vector -> {
        for (VectorSample sample : vector.samples()) {
          out.append("sample ").append(sample.labels()).append(' ').append(number(sample.value())).append('\n');
        }
      }
      case ScalarResult scalar -> out.append("scalar ").append(number(scalar.value())).append('\n');
    }
    return out.isEmpty() ? "(empty)\n" : out.toString();
  }

  /** Values as Loki prints them closely enough for a golden file: integers without a fraction, others with up to 10 significant digits. */
  private static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return new java.math.BigDecimal(value).round(new java.math.MathContext(10)).stripTrailingZeros().toPlainString();
  }

  private static void checkAgainstReference(Case golden, List<ReferenceMetricEvaluator.Line> lines, String actual, QueryEngine engine)
      throws Exception {
    String query = golden.parameter("query", "");
    long start = Long.parseLong(golden.parameter("start", "0")) * SECOND;
    long end = Long.parseLong(golden.parameter("end", "1000")) * SECOND;
    Expr expr = LogqlParser.parse(query);
    if (expr instanceof LogSelectorExpr selector) {
      ReferenceEvaluator reference = new ReferenceEvaluator();
      for (ReferenceMetricEvaluator.Line line : lines) {
        reference.push(line.stream(), new LogEntry(line.timestampNanos(), line.text()));
      }
      Direction direction = Direction.valueOf(golden.parameter("direction", "backward").toUpperCase(Locale.ROOT));
      int limit = Integer.parseInt(golden.parameter("limit", "100"));
      assertThat(print(reference.evaluate(selector, start, end, limit, direction))).as("%s against the reference", golden.name()).isEqualTo(actual);
      return;
    }
    ReferenceMetricEvaluator reference = new ReferenceMetricEvaluator(lines);
    boolean instant = golden.parameter("type", "range").equals("instant");
    long step = Long.parseLong(golden.parameter("step", "60")) * SECOND;
    MetricResult result = engine.metricQuery(TENANT, (SampleExpr) expr, instant ? end : start, end, step, instant);
    // The engine's answer, step by step, as the reference computes it: labels to value, absent series left out.
    Map<Long, Object> engineSteps = new TreeMap<>();
    switch (result) {
      case ScalarResult scalar -> engineSteps.put(scalar.timestampNanos(), scalar.value());
      case VectorResult vector -> {
        TreeMap<Labels, Double> values = new TreeMap<>();
        vector.samples().forEach(sample -> values.put(sample.labels(), sample.value()));
        engineSteps.put(end, values);
      }
      case MatrixResult matrix -> {
        for (long t = start; t <= end; t += step) {
          engineSteps.put(t, new TreeMap<Labels, Double>());
        }
        for (Series series : matrix.series()) {
          for (int i = 0; i < series.size(); i++) {
            @SuppressWarnings("unchecked")
            TreeMap<Labels, Double> at = (TreeMap<Labels, Double>) engineSteps.get(series.timestampsNanos()[i]);
            at.put(series.labels(), series.values()[i]);
          }
        }
      }
    }
    for (Map.Entry<Long, Object> step1 : engineSteps.entrySet()) {
      Object expected = reference.evaluateAt((SampleExpr) expr, step1.getKey());
      assertThat(step1.getValue().toString()).as("%s at %d against the reference", golden.name(), step1.getKey() / SECOND).isEqualTo(expected.toString());
    }
  }

  private static List<ReferenceMetricEvaluator.Line> dataset() throws IOException {
    List<ReferenceMetricEvaluator.Line> lines = new ArrayList<>();
    for (String row : Files.readAllLines(DIRECTORY.resolve("dataset.txt"), StandardCharsets.UTF_8)) {
      if (row.isBlank() || row.startsWith("#")) {
        continue;
      }
      String[] fields = row.split("\t", 3);
      lines.add(new ReferenceMetricEvaluator.Line(Labels.parse(fields[1]), Long.parseLong(fields[0]) * SECOND, fields[2], Labels.EMPTY));
    }
    return lines;
  }

  private static void append(LogStore store, List<ReferenceMetricEvaluator.Line> lines) throws IOException {
    Map<Labels, List<LogEntry>> byStream = new LinkedHashMap<>();
    for (ReferenceMetricEvaluator.Line line : lines) {
      byStream.computeIfAbsent(line.stream(), labels -> new ArrayList<>()).add(new LogEntry(line.timestampNanos(), line.text()));
    }
    List<StreamBatch> batches = new ArrayList<>();
    byStream.forEach((labels, entries) -> batches.add(new StreamBatch(labels, entries)));
    store.append(TENANT, batches);
  }

  /** Cases are blocks: {@code === name}, {@code key: value} lines, {@code ---}, the expected output up to the next block. */
  private static List<Case> cases() throws IOException {
    List<Case> cases = new ArrayList<>();
    String name = null;
    Map<String, String> parameters = new LinkedHashMap<>();
    StringBuilder expected = new StringBuilder();
    boolean inExpected = false;
    for (String line : Files.readAllLines(DIRECTORY.resolve("queries.txt"), StandardCharsets.UTF_8)) {
      if (line.startsWith("=== ")) {
        if (name != null) {
          cases.add(new Case(name, parameters, expected.toString()));
        }
        name = line.substring(4).strip();
        parameters = new LinkedHashMap<>();
        expected = new StringBuilder();
        inExpected = false;
      } else if (name == null) {
        continue;
      } else if (inExpected) {
        expected.append(line).append('\n');
      } else if (line.equals(SEPARATOR)) {
        inExpected = true;
      } else if (!line.isBlank()) {
        int colon = line.indexOf(':');
        parameters.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    if (name != null) {
      cases.add(new Case(name, parameters, expected.toString()));
    }
    return cases;
  }

  private static String render(Case golden, String actual) {
    StringBuilder out = new StringBuilder("=== ").append(golden.name()).append('\n');
    golden.parameters().forEach((key, value) -> out.append(key).append(": ").append(value).append('\n'));
    return out.append(SEPARATOR).append('\n').append(actual).toString();
  }

  private static String header() {
    return """
        # Golden queries over dataset.txt (times in seconds). Each case: "=== name", parameters, "---", the frozen output.
        # type: log (default for log selectors), range or instant; start/end in seconds (end exclusive for log queries,
        # the evaluation time of instant queries); step in seconds; limit and direction for log queries.
        # reference: yes also checks the case against the naive reference evaluators.
        # Regenerate with: ./mvnw -pl query test -Dtest=GoldenQueryTest -Dgolden.update=true (then review the diff).
        """;
  }
}
