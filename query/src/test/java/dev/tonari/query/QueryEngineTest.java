package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.logql.LogqlParser;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class QueryEngineTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;

  /** One pushed entry: stream number, timestamp and line. */
  record Push(int stream, long timestamp, String line) {}

  private static final List<Labels> STREAMS =
      List.of(
          Labels.of("app", "api", "env", "prod"),
          Labels.of("app", "api", "env", "dev"),
          Labels.of("app", "web", "env", "prod"),
          Labels.of("app", "db", "env", "prod", "pod", "db-0"),
          Labels.of("job", "batch"));

  @Property(tries = 300)
  void returnsExactlyWhatTheReferenceReturns(
      @ForAll("pushes") List<Push> pushes,
      @ForAll("queries") String query,
      @ForAll @IntRange(min = 0, max = 60) int start,
      @ForAll @IntRange(min = 0, max = 60) int length,
      @ForAll @IntRange(min = 1, max = 40) int limit,
      @ForAll Direction direction)
      throws Exception {
    RecordingLogStore store = new RecordingLogStore();
    ReferenceEvaluator reference = new ReferenceEvaluator();
    for (Push push : pushes) {
      LogEntry entry = new LogEntry(push.timestamp(), push.line());
      store.append(TENANT, List.of(new StreamBatch(STREAMS.get(push.stream()), List.of(entry))));
      reference.push(STREAMS.get(push.stream()), entry);
    }
    QueryEngine engine = new QueryEngine(store, QueryLimits.defaults());

    StreamsResult result = engine.logQuery(TENANT, query, start, start + length, limit, direction);

    List<StreamResult> expected = reference.evaluate(LogqlParser.parseLogSelector(query), start, start + length, limit, direction);
    assertThat(result.streams()).isEqualTo(expected);
    assertThat(result.statistics().entriesReturned()).isEqualTo(expected.stream().mapToLong(s -> s.entries().size()).sum());
    assertThat(store.cursorsClosed).isEqualTo(store.cursorsOpened);
  }

  @Provide
  Arbitrary<List<Push>> pushes() {
    Arbitrary<String> words = Arbitraries.of("error", "info", "timeout", "ok", "é", "user=42", "GET /api", "😀");
    Arbitrary<String> lines = words.list().ofMinSize(1).ofMaxSize(4).map(list -> String.join(" ", list));
    // Few timestamps, so that equal timestamps across and within streams are common.
    return Combinators.combine(Arbitraries.integers().between(0, STREAMS.size() - 1), Arbitraries.longs().between(0, 50), lines)
        .as(Push::new)
        .list()
        .ofMaxSize(80);
  }

  @Provide
  Arbitrary<String> queries() {
    Arbitrary<String> selectors =
        Arbitraries.of(
            "{app=\"api\"}", "{app=~\"api|web\"}", "{env=\"prod\", app!=\"db\"}", "{app=~\".+\", env!~\"dev\"}", "{job=\"batch\"}",
            "{env=~\"prod|dev\", pod=\"\"}", "{app!~\"a.*\", env=\"prod\"}");
    Arbitrary<String> filters =
        Arbitraries.of(
            " |= \"error\"", " != \"timeout\"", " |~ \"err.r\"", " !~ \"o+k\"", " |= \"é\"", " |= \"error\" or \"ok\"", " != \"info\" or \"😀\"",
            " |~ \"user=\\\\d+\"", " |= \"\"");
    return Combinators.combine(selectors, filters.list().ofMaxSize(3)).as((selector, chain) -> selector + String.join("", chain));
  }

  @Test
  void stopsReadingOnceTheLimitIsReached() throws Exception {
    RecordingLogStore store = new RecordingLogStore();
    for (int stream = 0; stream < 3; stream++) {
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        entries.add(new LogEntry(i * SECOND + stream, "line " + i));
      }
      store.append(TENANT, List.of(new StreamBatch(STREAMS.get(stream), entries)));
    }
    QueryEngine engine = new QueryEngine(store, QueryLimits.defaults());

    StreamsResult result = engine.logQuery(TENANT, "{env=~\"prod|dev\"}", 0, 2000 * SECOND, 10, Direction.BACKWARD);

    assertThat(result.statistics().entriesReturned()).isEqualTo(10);
    // Ten taken plus, at most, the one entry each stream had ready in the heap.
    assertThat(store.entriesRead).isLessThanOrEqualTo(10 + 3);
    assertThat(store.cursorsClosed).isEqualTo(3);
    List<Long> timestamps = result.streams().stream().flatMap(s -> s.entries().stream()).map(LogEntry::timestampNanos).sorted().toList();
    assertThat(timestamps.get(0)).isGreaterThanOrEqualTo(996 * SECOND);
  }

  @Test
  void passesContainsLiteralsToTheStoreForBloomPruning() throws Exception {
    RecordingLogStore store = new RecordingLogStore();
    store.append(TENANT, List.of(new StreamBatch(STREAMS.get(0), List.of(new LogEntry(1, "error: disk a full"), new LogEntry(2, "error y")))));
    QueryEngine engine = new QueryEngine(store, QueryLimits.defaults());

    StreamsResult result = engine.logQuery(TENANT, "{app=\"api\"} |= \"error\" != \"y\" |= \"a\" or \"b\" |= \"disk\"", 0, 10, 100, Direction.FORWARD);

    assertThat(store.requests.get(0).requiredLiterals()).containsExactly("error", "disk");
    assertThat(result.streams()).containsExactly(new StreamResult(STREAMS.get(0), List.of(new LogEntry(1, "error: disk a full"))));
    assertThat(result.statistics().linesScanned()).isEqualTo(2);
    assertThat(result.statistics().bytesScanned()).isEqualTo("error: disk a full".length() + "error y".length());
  }

  @Test
  void keepsStructuredMetadata() throws Exception {
    RecordingLogStore store = new RecordingLogStore();
    LogEntry entry = new LogEntry(5, "hello", Labels.of("trace_id", "abc"));
    store.append(TENANT, List.of(new StreamBatch(STREAMS.get(0), List.of(entry))));
    StreamsResult result = new QueryEngine(store, QueryLimits.defaults()).logQuery(TENANT, "{app=\"api\"}", 0, 10, 10, Direction.BACKWARD);
    assertThat(result.streams().get(0).entries()).containsExactly(entry);
  }

  @Test
  void refusesWithLokiMessages() {
    QueryEngine engine = new QueryEngine(new RecordingLogStore(), QueryLimits.defaults());
    long hour = 3600 * SECOND;
    assertRefused(() -> engine.logQuery(TENANT, "{app=\"x\"}", 0, hour, 5001, Direction.BACKWARD), 400,
        "max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)");
    assertRefused(() -> engine.logQuery(TENANT, "{app=\"x\"}", 0, 722 * hour, 100, Direction.BACKWARD), 400,
        "the query time range exceeds the limit (query length: 722h0m0s, limit: 721h0m0s)");
    assertRefused(() -> engine.logQuery(TENANT, "{app=\"x\"}", hour, 0, 100, Direction.BACKWARD), 400,
        "end timestamp must not be before start time (start: 3600000000000, end: 0)");
    assertRefused(() -> engine.logQuery(TENANT, "{app=\"x\"", 0, hour, 100, Direction.BACKWARD), 400,
        "parse error at line 1, col 9: syntax error: unexpected $end, expecting } or ,");
    assertRefused(() -> engine.logQuery(TENANT, "{app=~\".*\"}", 0, hour, 100, Direction.BACKWARD), 400,
        "parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will");
    assertRefused(() -> engine.logQuery(TENANT, "{app=\"x\"} |= ip(\"10.0.0.300\")", 0, hour, 100, Direction.BACKWARD), 400,
        "invalid ip pattern: 10.0.0.300");
    assertRefused(() -> engine.series(TENANT, List.of("{app=\"x\"}"), 0, 800 * hour), 400,
        "the query time range exceeds the limit (query length: 800h0m0s, limit: 721h0m0s)");
    assertRefused(() -> engine.labelValues(TENANT, "app", 0, hour, "{app=\"x\"} |= \"a\""), 400, "parse error : only label matchers is supported");
    assertThatThrownBy(() -> engine.logQuery(TENANT, "sum(rate({app=\"x\"}[5m]))", 0, hour, 100, Direction.BACKWARD))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("only log selector is supported")
        .satisfies(e -> assertThat(((QueryException) e).status()).isEqualTo(400));
  }

  @Test
  void zeroMaxQueryLengthDisablesTheCheck() throws Exception {
    QueryEngine engine = new QueryEngine(new RecordingLogStore(), new QueryLimits(10, Duration.ZERO));
    assertThat(engine.logQuery(TENANT, "{app=\"x\"}", 0, Long.MAX_VALUE, 10, Direction.FORWARD).streams()).isEmpty();
  }

  @Test
  void seriesAndLabelsHonourTimeRangesAndSelectors() throws Exception {
    RecordingLogStore store = new RecordingLogStore();
    store.append(TENANT, List.of(new StreamBatch(STREAMS.get(0), List.of(new LogEntry(10, "a")))));
    store.append(TENANT, List.of(new StreamBatch(STREAMS.get(2), List.of(new LogEntry(20, "b")))));
    store.append(TENANT, List.of(new StreamBatch(STREAMS.get(3), List.of(new LogEntry(30, "c")))));
    store.append("other-team", List.of(new StreamBatch(STREAMS.get(4), List.of(new LogEntry(10, "d")))));
    QueryEngine engine = new QueryEngine(store, QueryLimits.defaults());

    assertThat(engine.series(TENANT, List.of(), 0, 100)).containsExactly(STREAMS.get(0), STREAMS.get(3), STREAMS.get(2));
    assertThat(engine.series(TENANT, List.of(), 15, 30)).containsExactly(STREAMS.get(2));
    assertThat(engine.series(TENANT, List.of("{app=\"api\"}", "{pod=~\"db-.*\"}", "{app=~\"api|db\"}"), 0, 100))
        .containsExactly(STREAMS.get(0), STREAMS.get(3));
    assertThat(engine.labelNames(TENANT, 0, 100)).containsExactly("app", "env", "pod");
    assertThat(engine.labelNames(TENANT, 0, 25)).containsExactly("app", "env");
    assertThat(engine.labelNames("other-team", 0, 100)).containsExactly("job");
    assertThat(engine.labelValues(TENANT, "app", 0, 100, null)).containsExactly("api", "db", "web");
    assertThat(engine.labelValues(TENANT, "app", 11, 100, null)).containsExactly("db", "web");
    assertThat(engine.labelValues(TENANT, "app", 0, 100, "{env=\"prod\", app!=\"web\"}")).containsExactly("api", "db");
    assertThat(engine.labelValues(TENANT, "pod", 0, 25, "{env=\"prod\"}")).isEmpty();
  }

  @Test
  void ordersStreamsByLabelsAndEntriesByDirection() throws Exception {
    RecordingLogStore store = new RecordingLogStore();
    store.append(TENANT, List.of(
        new StreamBatch(STREAMS.get(2), List.of(new LogEntry(3, "w3"), new LogEntry(1, "w1"))),
        new StreamBatch(STREAMS.get(0), List.of(new LogEntry(2, "a2"), new LogEntry(4, "a4")))));
    QueryEngine engine = new QueryEngine(store, QueryLimits.defaults());

    StreamsResult forward = engine.logQuery(TENANT, "{env=\"prod\"}", 0, 10, 3, Direction.FORWARD);
    assertThat(forward.streams()).containsExactly(
        new StreamResult(STREAMS.get(0), List.of(new LogEntry(2, "a2"))),
        new StreamResult(STREAMS.get(2), List.of(new LogEntry(1, "w1"), new LogEntry(3, "w3"))));

    StreamsResult backward = engine.logQuery(TENANT, "{env=\"prod\"}", 0, 4, 2, Direction.BACKWARD);
    assertThat(backward.streams()).containsExactly(
        new StreamResult(STREAMS.get(0), List.of(new LogEntry(2, "a2"))),
        new StreamResult(STREAMS.get(2), List.of(new LogEntry(3, "w3"))));
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertRefused(Call call, int status, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOf(QueryException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((QueryException) e).status()).isEqualTo(status));
  }
}
