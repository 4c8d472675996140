package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.metric.MatrixResult;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code max_query_memory_bytes}: a metric query whose series (or a log query whose kept entries)
 * would hold more than the limit stops
 * while it reads, refused with 400 naming the limit; under the limit it answers what an unlimited
 * query answers; the estimate grows with series and steps, so the bound is on what the query holds.
 */
class QueryMemoryLimitTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;

  /** Four streams of 2,000 logfmt lines with 500 distinct users (a parsed label) and 10 latencies. */
  private static InMemoryLogStore store() {
    InMemoryLogStore store = new InMemoryLogStore();
    for (int pod = 0; pod < 4; pod++) {
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        entries.add(new LogEntry(i * SECOND / 2, "level=info user=u" + (i % 500) + " latency=" + (i % 10)));
      }
      store.append(TENANT, List.of(new StreamBatch(Labels.of("app", "api", "pod", "p" + pod), entries)));
    }
    return store;
  }

  private static final String MANY_SERIES = "sum by (user) (count_over_time({app=\"api\"} | logfmt [10s]))";
  private static final String WINDOWS = "quantile_over_time(0.5, {app=\"api\"} | logfmt | unwrap latency [1m]) by (pod)";

  @Test
  void aMetricQueryHoldingMoreThanTheLimitIsA400NamingIt() throws Exception {
    SampleExpr expr = LogqlParser.parseSampleExpr(MANY_SERIES);
    QueryEngine engine = new QueryEngine(store(), QueryLimits.defaults().withMaxQueryMemoryBytes(64 * 1024));

    assertThatThrownBy(() -> engine.metricQuery(TENANT, expr, 0, 1000 * SECOND, 5 * SECOND, false))
        .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageMatching("the query would hold too much memory \\(query: [0-9.]+ kB, limit: 66 kB\\); consider .*\\(max_query_memory_bytes\\)");
  }

  @Test
  void underTheLimitTheAnswerIsTheUnlimitedOne() throws Exception {
    for (String query : List.of(MANY_SERIES, WINDOWS)) {
      SampleExpr expr = LogqlParser.parseSampleExpr(query);
      MatrixResult unlimited = (MatrixResult) new QueryEngine(store(), QueryLimits.defaults())
          .metricQuery(TENANT, expr, 0, 1000 * SECOND, 5 * SECOND, false);
      QueryEngine limited = new QueryEngine(store(), QueryLimits.defaults().withMaxQueryMemoryBytes(64L << 20));
      QueryContext context = limited.newContext();
      MatrixResult bounded = (MatrixResult) limited.metricQuery(TENANT, expr, 0, 1000 * SECOND, 5 * SECOND, false, context);

      assertThat(describe(bounded)).as(query).isEqualTo(describe(unlimited));
      assertThat(bounded.series()).as(query).isNotEmpty();
      // The points of the answer stay counted: a row per series of a value per step (201 steps).
      assertThat(context.memoryHeld()).as(query).isGreaterThanOrEqualTo(8L * 201 * bounded.series().size());
    }
  }

  private static List<String> describe(MatrixResult result) {
    return result.series().stream()
        .map(series -> series.labels() + " " + java.util.Arrays.toString(series.timestampsNanos()) + " " + java.util.Arrays.toString(series.values()))
        .toList();
  }

  @Test
  void theEstimateGrowsWithTheSeriesAQueryHolds() throws Exception {
    QueryEngine engine = new QueryEngine(store(), QueryLimits.defaults());
    QueryContext few = engine.newContext();
    engine.metricQuery(TENANT, LogqlParser.parseSampleExpr("sum by (pod) (count_over_time({app=\"api\"} | logfmt [10s]))"),
        0, 1000 * SECOND, 5 * SECOND, false, few);
    QueryContext many = engine.newContext();
    engine.metricQuery(TENANT, LogqlParser.parseSampleExpr(MANY_SERIES), 0, 1000 * SECOND, 5 * SECOND, false, many);

    assertThat(many.memoryHeld()).isGreaterThan(50 * few.memoryHeld());
  }

  @Test
  void aLogQueryKeepingMoreThanTheLimitIsA400NamingItBothWithAndWithoutAPipeline() throws Exception {
    QueryEngine limited = new QueryEngine(store(), QueryLimits.defaults().withMaxQueryMemoryBytes(100_000));
    for (String query : List.of("{app=\"api\"}", "{app=\"api\"} | logfmt | level=\"info\"")) {
      // 1,000 lines of about 40 characters: about 144 kB held, over the 100 kB limit.
      assertThatThrownBy(() -> limited.logQuery(TENANT, query, 0, 1000 * SECOND, 1000, dev.tonari.store.Direction.FORWARD))
          .as(query)
          .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessageContaining("(max_query_memory_bytes)");
      // 100 lines fit.
      assertThat(limited.logQuery(TENANT, query, 0, 1000 * SECOND, 100, dev.tonari.store.Direction.FORWARD).streams())
          .as(query).isNotEmpty();
    }
  }

  @Test
  void aNegativeLimitIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> QueryLimits.defaults().withMaxQueryMemoryBytes(-1)).hasMessageContaining("max_query_memory_bytes");
    assertThat(QueryLimits.defaults().maxQueryMemoryBytes()).isZero();
  }
}
