package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Timeout, bytes scanned, series returned and cancellation, each refused as Loki refuses it and each stopping the scan early. */
class QueryLimitsTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;
  private static final int LINES_PER_STREAM = 20_000;

  /** Two streams of 20,000 lines of 10 bytes, one per millisecond. */
  private static RecordingLogStore store() {
    RecordingLogStore store = new RecordingLogStore();
    for (String app : List.of("api", "web")) {
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < LINES_PER_STREAM; i++) {
        entries.add(new LogEntry(i * 1_000_000L, String.format("line %05d", i)));
      }
      store.append(TENANT, List.of(new StreamBatch(Labels.of("app", app), entries)));
    }
    return store;
  }

  @Test
  void aQueryPastItsDeadlineIsA504NamingTheTimeoutAndStopsScanning() {
    RecordingLogStore store = store();
    QueryLimits limits = QueryLimits.defaults().withQueryTimeout(Duration.ofSeconds(10));
    // Every reading of the clock is one second later, so the deadline passes at the tenth check.
    AtomicLong clock = new AtomicLong();
    QueryContext context = QueryContext.start(limits, () -> clock.getAndAdd(SECOND));
    QueryEngine engine = new QueryEngine(store, limits);

    assertThatThrownBy(() -> engine.logQuery(TENANT, "{app=~\".+\"} |= \"no such text\"", 0, 100 * SECOND, 100, Direction.BACKWARD, context))
        .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(504))
        .hasMessageStartingWith("Request timed out, decrease the duration of the request")
        .hasMessageContaining("query_timeout: 10s");
    assertThat(context.linesScanned()).isLessThan(12 * QueryContext.CHECK_INTERVAL).isLessThan(2L * LINES_PER_STREAM);
  }

  @Test
  void aMetricQueryPastItsDeadlineIsA504Too() throws Exception {
    QueryLimits limits = QueryLimits.defaults().withQueryTimeout(Duration.ofSeconds(3));
    AtomicLong clock = new AtomicLong();
    QueryContext context = QueryContext.start(limits, () -> clock.getAndAdd(SECOND));
    QueryEngine engine = new QueryEngine(store(), limits);
    SampleExpr expr = (SampleExpr) LogqlParser.parse("count_over_time({app=\"api\"}[1m])");

    assertThatThrownBy(() -> engine.metricQuery(TENANT, expr, 60 * SECOND, 60 * SECOND, 0, true, context))
        .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(504))
        .hasMessageContaining("query_timeout: 3s");
    assertThat(context.linesScanned()).isLessThan(LINES_PER_STREAM);
  }

  @Test
  void aQueryReadingMoreBytesThanAllowedIsA400WithLokisMessage() {
    RecordingLogStore store = store();
    QueryLimits limits = QueryLimits.defaults().withMaxQueryBytesRead(50_000);
    QueryEngine engine = new QueryEngine(store, limits);
    QueryContext context = engine.newContext();

    assertThatThrownBy(() -> engine.logQuery(TENANT, "{app=~\".+\"} |= \"no such text\"", 0, 100 * SECOND, 100, Direction.BACKWARD, context))
        .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageMatching(
            "the query would read too many bytes \\(query: [0-9.]+ kB, limit: 50 kB\\); consider adding more specific stream selectors or"
                + " reduce the time range of the query \\(max_query_bytes_read\\)");
    // Stopped within one check interval of the budget (lines are 10 bytes).
    assertThat(context.bytesScanned()).isLessThanOrEqualTo(50_000 + 10L * QueryContext.CHECK_INTERVAL);
  }

  @Test
  void aQueryWithinItsBytesBudgetAnswers() throws Exception {
    QueryEngine engine = new QueryEngine(store(), QueryLimits.defaults().withMaxQueryBytesRead(1_000_000));

    StreamsResult result = engine.logQuery(TENANT, "{app=\"api\"} |= \"line 0000\"", 0, 100 * SECOND, 100, Direction.FORWARD);

    assertThat(result.streams()).hasSize(1);
    assertThat(result.streams().get(0).entries()).hasSize(10);
    assertThat(result.statistics().bytesScanned()).isEqualTo(10L * LINES_PER_STREAM);
  }

  @Test
  void aCancelledQueryIsA499AndStopsScanning() {
    RecordingLogStore store = store();
    QueryLimits limits = QueryLimits.defaults();
    // The client goes away while the scan is under way: the clock is read at a check, after 5,000 lines.
    AtomicReference<QueryContext> holder = new AtomicReference<>();
    QueryContext context = QueryContext.start(limits, () -> {
      QueryContext running = holder.get();
      if (running != null && running.linesScanned() >= 5_000) {
        running.cancel();
      }
      return 0;
    });
    holder.set(context);
    QueryEngine engine = new QueryEngine(store, limits);

    assertThatThrownBy(() -> engine.logQuery(TENANT, "{app=~\".+\"} != \"line\"", 0, 100 * SECOND, 100, Direction.FORWARD, context))
        .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(499))
        .hasMessage("The request was cancelled by the client.");
    assertThat(context.isCancelled()).isTrue();
    assertThat(context.linesScanned()).isLessThan(5_000 + 2L * QueryContext.CHECK_INTERVAL);
    assertThat(store.cursorsClosed).isEqualTo(store.cursorsOpened);
  }

  @Test
  void aProbeSayingTheClientIsGoneCancelsTheQueryAtItsNextInterval() {
    RecordingLogStore store = store();
    QueryLimits limits = QueryLimits.defaults();
    AtomicLong clock = new AtomicLong();
    // Each clock reading is 10 ms later; the probe may be asked every 100 ms.
    QueryContext context = QueryContext.start(limits, () -> clock.getAndAdd(10_000_000L));
    java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
    context.cancelWhen(() -> probes.incrementAndGet() >= 3, Duration.ofMillis(100));
    QueryEngine engine = new QueryEngine(store, limits);

    assertThatThrownBy(() -> engine.logQuery(TENANT, "{app=~\".+\"} != \"line\"", 0, 100 * SECOND, 100, Direction.FORWARD, context))
        .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(499));
    assertThat(probes.get()).isEqualTo(3);
    // About ten checks per probe interval, three probes: the scan stopped after some 30 checks, far from its 40,000 lines.
    assertThat(context.linesScanned()).isLessThan(40L * QueryContext.CHECK_INTERVAL).isLessThan(2L * LINES_PER_STREAM);
  }

  @Test
  void contextsStartedInACancellationScopeAdoptItsProbeAndOthersDoNot() {
    QueryLimits limits = QueryLimits.defaults();
    QueryContext outside;
    try (QueryContext.CancellationScope scope = QueryContext.cancelQueriesOfThisThreadWhen(() -> true, Duration.ZERO)) {
      QueryContext inside = QueryContext.start(limits);
      assertThatThrownBy(inside::check).isInstanceOfSatisfying(QueryContext.QueryAbortedException.class, e -> assertThat(e.status()).isEqualTo(499));
    }
    outside = QueryContext.start(limits);
    outside.check();
    assertThat(outside.isCancelled()).isFalse();
  }

  @Test
  void aCancelledContextRefusesBeforeReading() {
    RecordingLogStore store = store();
    QueryEngine engine = new QueryEngine(store, QueryLimits.defaults());
    QueryContext context = engine.newContext();
    context.cancel();

    assertThatThrownBy(() -> engine.logQuery(TENANT, "{app=\"api\"}", 0, 100 * SECOND, 100, Direction.FORWARD, context))
        .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(499));
    assertThat(store.entriesRead).isZero();
  }

  @Test
  void aLogQueryReturningMoreStreamsThanMaxQuerySeriesIsRefused() throws Exception {
    RecordingLogStore store = new RecordingLogStore();
    for (int pod = 0; pod < 5; pod++) {
      store.append(TENANT, List.of(new StreamBatch(Labels.of("app", "api", "pod", "p" + pod), List.of(new LogEntry(SECOND, "hello")))));
    }
    QueryEngine engine = new QueryEngine(store, QueryLimits.defaults().withMaxQuerySeries(4));

    assertThatThrownBy(() -> engine.logQuery(TENANT, "{app=\"api\"}", 0, 10 * SECOND, 100, Direction.FORWARD))
        .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageStartingWith("maximum number of series (4) reached for a single query");
    assertThat(new QueryEngine(store, QueryLimits.defaults().withMaxQuerySeries(5))
            .logQuery(TENANT, "{app=\"api\"}", 0, 10 * SECOND, 100, Direction.FORWARD)
            .streams())
        .hasSize(5);
  }

  @Test
  void sizesAreFormattedAsGoHumanize() {
    assertThat(HumanBytes.format(0)).isEqualTo("0 B");
    assertThat(HumanBytes.format(9)).isEqualTo("9 B");
    assertThat(HumanBytes.format(10)).isEqualTo("10 B");
    assertThat(HumanBytes.format(1_000)).isEqualTo("1.0 kB");
    assertThat(HumanBytes.format(82_854_982)).isEqualTo("83 MB");
    assertThat(HumanBytes.format(1_234_567_890)).isEqualTo("1.2 GB");
  }

  @Test
  void limitsRefuseNegativeValues() {
    assertThatThrownBy(() -> QueryLimits.defaults().withQueryTimeout(Duration.ofSeconds(-1))).hasMessageContaining("query_timeout");
    assertThatThrownBy(() -> QueryLimits.defaults().withMaxQueryBytesRead(-1)).hasMessageContaining("max_query_bytes_read");
    assertThat(QueryLimits.defaults().queryTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(QueryLimits.defaults().maxQueryBytesRead()).isZero();
  }
}
