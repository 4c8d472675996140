package dev.tonari.query.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.RecordingLogStore;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loki's and Prometheus' documented examples, evaluated over small data sets whose answers are worked out by hand. */
class MetricQueryEngineTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;

  private final RecordingLogStore store = new RecordingLogStore();
  private final MetricQueryEngine engine = new MetricQueryEngine(store, QueryLimits.defaults());

  @Test
  void rateOfErrorsByHostFromTheLogqlDocumentation() throws Exception {
    push(Labels.of("job", "mysql", "host", "db1"),
        entry(10, "{\"level\":\"error\",\"duration\":\"12s\"}"),
        entry(20, "{\"level\":\"error\",\"duration\":\"2s\"}"),
        entry(30, "{\"level\":\"error timeout\",\"duration\":\"30s\"}"),
        entry(40, "{\"level\":\"error\",\"duration\":\"1m\"}"));
    push(Labels.of("job", "mysql", "host", "db2"), entry(50, "{\"level\":\"error\",\"duration\":\"11s\"}"));
    Map<Labels, Double> vector = instant("sum by (host) (rate({job=\"mysql\"} |= \"error\" != \"timeout\" | json | duration > 10s [1m]))", MINUTE);
    assertThat(vector).containsExactly(Map.entry(Labels.of("host", "db1"), 2 / 60.0), Map.entry(Labels.of("host", "db2"), 1 / 60.0));
    SelectRequest request = store.requests.get(0);
    assertThat(request.requiredLiterals()).as("|= literals go to the store's bloom filters").containsExactly("error");
    assertThat(store.entriesRead).as("!= timeout ran in the store, before any String was made").isEqualTo(4);
  }

  @Test
  void quantileOverTimeOfUnwrappedJsonByPathFromTheLogqlDocumentation() throws Exception {
    Labels stream = Labels.of("cluster", "ops-tools1", "container", "ingress-nginx");
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      entries.add(entry(i * 0.5, "{\"path\":\"/api\",\"request_time\":\"" + i + "\"}"));
    }
    entries.add(entry(51, "not json"));
    entries.add(entry(52, "{\"path\":\"/home\",\"request_time\":\"0.25\"}"));
    push(stream, entries.toArray(LogEntry[]::new));
    Map<Labels, Double> vector = instant(
        "quantile_over_time(0.99, {cluster=\"ops-tools1\",container=\"ingress-nginx\"} | json | __error__ = \"\" | unwrap request_time [1m]) by (path)",
        MINUTE);
    // rank 0.99 * 99 = 98.01 between the 99th (99) and 100th (100) values.
    assertThat(vector).hasSize(2);
    assertThat(vector.get(Labels.of("path", "/api"))).isCloseTo(99.01, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(vector.get(Labels.of("path", "/home"))).isEqualTo(0.25);
  }

  @Test
  void unconvertibleUnwrapIsLokisPipelineErrorUnlessFilteredAfterUnwrap() throws Exception {
    push(Labels.of("app", "api"), entry(1, "latency=12ms"), entry(2, "latency=fast"), entry(3, "latency=3ms"));
    String query = "sum_over_time({app=\"api\"} | logfmt | unwrap duration(latency) [1m])";
    assertThatThrownBy(() -> instant(query, MINUTE))
        .isInstanceOfSatisfying(QueryException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage())
              .startsWith("pipeline error: 'SampleExtractionErr' for series: '{__error__=\"SampleExtractionErr\", __error_details__=\"time: invalid duration \\\"fast\\\"\", app=\"api\", latency=\"fast\"}'.\n")
              .endsWith("The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__=\"\" )\n");
        });
    Map<Labels, Double> filtered = instant("sum_over_time({app=\"api\"} | logfmt | unwrap duration(latency) | __error__=\"\" [1m])", MINUTE);
    assertThat(filtered).containsExactly(Map.entry(Labels.of("app", "api"), 0.015));
  }

  @Test
  void unwrapConversionsOfDurationsAndBytesFromStructuredMetadata() throws Exception {
    push(Labels.of("app", "api"),
        new LogEntry(1 * SECOND, "a", Labels.of("took", "1m30s", "size", "1.5 KiB")),
        new LogEntry(2 * SECOND, "b", Labels.of("took", "250ms", "size", "2kb")),
        new LogEntry(3 * SECOND, "c", Labels.of("size", "")));
    // Without grouping the other metadata label (size) stays, so each line is its own series.
    assertThat(instant("sum_over_time({app=\"api\"} | unwrap duration_seconds(took) [1m])", MINUTE).values()).containsExactly(90.0, 0.25);
    assertThat(instant("sum(sum_over_time({app=\"api\"} | unwrap duration_seconds(took) [1m]))", MINUTE).values()).containsExactly(90.25);
    assertThat(instant("max_over_time({app=\"api\"} | unwrap bytes(size) [1m]) by (app)", MINUTE))
        .containsExactly(Map.entry(Labels.of("app", "api"), 2000.0));
  }

  @Test
  void topkOfSumsAndBinaryOperationsWithOnAndGroupLeft() throws Exception {
    push(Labels.of("env", "prod", "app", "api", "pod", "api-1"), entry(1, "x"), entry(2, "x"), entry(3, "x"));
    push(Labels.of("env", "prod", "app", "api", "pod", "api-2"), entry(4, "x"));
    push(Labels.of("env", "prod", "app", "web", "pod", "web-1"), entry(5, "x"), entry(6, "x"));
    push(Labels.of("env", "prod", "app", "db", "pod", "db-1"), entry(7, "x"));
    String perApp = "sum by (app) (count_over_time({env=\"prod\"}[1m]))";
    VectorResult top = (VectorResult) engine.evaluate(TENANT, parse("topk(2, " + perApp + ")"), MINUTE, MINUTE, 0, true);
    assertThat(top.samples()).extracting(VectorSample::labels).containsExactly(Labels.of("app", "api"), Labels.of("app", "web"));
    assertThat(top.samples()).extracting(VectorSample::value).containsExactly(4.0, 2.0);

    Map<Labels, Double> share = instant(
        "sum by (app, pod) (count_over_time({env=\"prod\"}[1m])) / on (app) group_left " + perApp, MINUTE);
    assertThat(share).containsExactly(
        Map.entry(Labels.of("app", "api", "pod", "api-1"), 0.75),
        Map.entry(Labels.of("app", "api", "pod", "api-2"), 0.25),
        Map.entry(Labels.of("app", "db", "pod", "db-1"), 1.0),
        Map.entry(Labels.of("app", "web", "pod", "web-1"), 1.0));

    assertThatThrownBy(() -> instant("sum by (app, pod) (count_over_time({env=\"prod\"}[1m])) / on (app) " + perApp, MINUTE))
        .hasMessage("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
    assertThat(instant(perApp + " > 1", MINUTE)).containsOnlyKeys(Labels.of("app", "api"), Labels.of("app", "web"));
    assertThat(instant(perApp + " > bool 1", MINUTE)).containsEntry(Labels.of("app", "db"), 0.0).containsEntry(Labels.of("app", "api"), 1.0);
  }

  @Test
  void ratioOfRatesAndScalars() throws Exception {
    push(Labels.of("app", "api"), entry(1, "error"), entry(2, "ok"), entry(3, "ok"), entry(4, "error"));
    assertThat(instant("sum(rate({app=\"api\"} |= \"error\" [1m])) / sum(rate({app=\"api\"}[1m]))", MINUTE).values()).containsExactly(0.5);
    ScalarResult two = (ScalarResult) engine.evaluate(TENANT, parse("1 + 1"), MINUTE, MINUTE, 0, true);
    assertThat(two.value()).isEqualTo(2.0);
    assertThat(instant("sum(count_over_time({app=\"nothing\"}[1m])) or vector(0)", MINUTE)).containsExactly(Map.entry(Labels.EMPTY, 0.0));
  }

  @Test
  void labelReplaceFromTheLogqlDocumentation() throws Exception {
    push(Labels.of("job", "api-server", "service", "a:c"), entry(1, "err"));
    Map<Labels, Double> vector = instant(
        "label_replace(rate({job=\"api-server\",service=\"a:c\"} |= \"err\" [1m]), \"foo\", \"$1\", \"service\", \"(.*):.*\")", MINUTE);
    assertThat(vector.keySet()).containsExactly(Labels.of("foo", "a", "job", "api-server", "service", "a:c"));
  }

  @Test
  void rangeQueryStepsWindowsAndOffset() throws Exception {
    push(Labels.of("app", "api"), entry(60, "a"), entry(61, "b"), entry(119, "c"), entry(120, "d"));
    MatrixResult matrix = (MatrixResult) engine.evaluate(TENANT, parse("count_over_time({app=\"api\"}[1m])"), MINUTE, 3 * MINUTE, MINUTE, false);
    Series series = matrix.series().get(0);
    // (0, 60]: a; (60, 120]: b, c, d; (120, 180]: nothing, so no point.
    assertThat(series.timestampsNanos()).containsExactly(MINUTE, 2 * MINUTE);
    assertThat(series.values()).containsExactly(1.0, 3.0);
    MatrixResult shifted = (MatrixResult) engine.evaluate(TENANT, parse("count_over_time({app=\"api\"}[1m] offset 1m)"), MINUTE, 3 * MINUTE, MINUTE, false);
    assertThat(shifted.series().get(0).timestampsNanos()).containsExactly(2 * MINUTE, 3 * MINUTE);
    assertThat(shifted.series().get(0).values()).containsExactly(1.0, 3.0);
  }

  @Test
  void absentOverTimeAndBytes() throws Exception {
    push(Labels.of("app", "api"), entry(1, "héllo"));
    assertThat(instant("absent_over_time({app=\"nope\", env=~\"prod\"}[1m])", MINUTE)).containsExactly(Map.entry(Labels.of("app", "nope"), 1.0));
    assertThat(instant("absent_over_time({app=\"api\"}[1m])", MINUTE)).isEmpty();
    assertThat(instant("bytes_over_time({app=\"api\"}[1m])", MINUTE).values()).containsExactly(6.0);
  }

  @Test
  void tooManySeriesIsRefusedWithLokisMessage() throws Exception {
    push(Labels.of("app", "a"), entry(1, "x"));
    push(Labels.of("app", "b"), entry(1, "x"));
    MetricQueryEngine limited = new MetricQueryEngine(store, new QueryLimits(5000, Duration.ZERO, 1));
    assertThatThrownBy(() -> limited.evaluate(TENANT, parse("count_over_time({app=~\"a|b\"}[1m])"), MINUTE, MINUTE, 0, true))
        .hasMessageStartingWith("maximum number of series (1) reached for a single query");
    assertThat(((VectorResult) limited.evaluate(TENANT, parse("sum(count_over_time({app=~\"a|b\"}[1m]))"), MINUTE, MINUTE, 0, true)).samples())
        .hasSize(1);
  }

  /**
   * Loki's range-aggregation cardinality limit (100,000 series) counts distinct series across the
   * threads that count streams in parallel: two streams of 60,000 ids each pass it when their
   * series differ (each thread alone stays under it), and do not when a pushed-down {@code sum by (id)}
   * makes the two streams' series the same 60,000.
   */
  @Test
  void cardinalityLimitCountsTheDistinctSeriesOfAllParallelReaders() throws Exception {
    int ids = 60_000;
    for (String pod : List.of("p1", "p2")) {
      LogEntry[] entries = new LogEntry[ids];
      for (int i = 0; i < ids; i++) {
        entries[i] = new LogEntry(SECOND + i * 1000L, "id=" + i, Labels.EMPTY);
      }
      push(Labels.of("app", "a", "pod", pod), entries);
    }
    MetricQueryEngine wide = new MetricQueryEngine(store, new QueryLimits(5000, Duration.ZERO, 100_000));
    assertThatThrownBy(() -> wide.evaluate(TENANT, parse("count_over_time({app=\"a\"} | logfmt [1m])"), MINUTE, MINUTE, 0, true))
        .isInstanceOfSatisfying(QueryException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo("cardinality limit exceeded for {}; 100001 entries, more than limit of 100000");
        });
    List<VectorSample> byId = ((VectorResult) wide.evaluate(TENANT, parse("sum by (id) (count_over_time({app=\"a\"} | logfmt [1m]))"), MINUTE, MINUTE, 0, true)).samples();
    assertThat(byId).hasSize(ids).allSatisfy(sample -> assertThat(sample.value()).isEqualTo(2.0));
  }

  private Map<Labels, Double> instant(String query, long time) throws Exception {
    VectorResult result = (VectorResult) engine.evaluate(TENANT, parse(query), time, time, 0, true);
    Map<Labels, Double> vector = new LinkedHashMap<>();
    result.samples().forEach(sample -> vector.put(sample.labels(), sample.value()));
    return vector;
  }

  private static SampleExpr parse(String query) throws Exception {
    return (SampleExpr) LogqlParser.parse(query);
  }

  private static LogEntry entry(double seconds, String line) {
    return new LogEntry((long) (seconds * SECOND), line);
  }

  private void push(Labels stream, LogEntry... entries) {
    store.append(TENANT, List.of(new StreamBatch(stream, List.of(entries))));
  }
}
