package dev.tonari.slo.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.LogqlPrinter;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.metric.MetricQueryEngine;
import dev.tonari.query.metric.VectorResult;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.rollup.WindowSums;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogQlSliSourceTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;
  /** 2024-05-01T10:00Z as an epoch minute: the first minute of every test range. */
  private static final long BASE = Instant.parse("2024-05-01T10:00:00Z").getEpochSecond() / 60;
  private static final Labels API_A = Labels.of("app", "api", "pod", "a");
  private static final Labels API_B = Labels.of("app", "api", "pod", "b");

  private static final String ERRORS = "sum(count_over_time({app=\"api\"} | logfmt | status>=500 [{{.window}}]))";
  private static final String ALL = "sum(count_over_time({app=\"api\"} [{{.window}}]))";

  private final InMemoryLogStore store = new InMemoryLogStore();
  private final LogQlSliSource source = new LogQlSliSource(store, QueryLimits.defaults());

  /** Pushes one line at {@code minute} (relative to BASE) plus {@code nanos}. */
  private void push(String tenant, Labels stream, long minute, long nanos, String line) {
    store.append(tenant, List.of(new StreamBatch(stream, List.of(new LogEntry((BASE + minute) * MINUTE + nanos, line)))));
  }

  private void push(Labels stream, long minute, long nanos, String line) {
    push(TENANT, stream, minute, nanos, line);
  }

  @Test
  void countsErrorAndTotalLinesPerMinute() throws Exception {
    // Minute 0: 200, 500, 503 (2 bad of 3). Minute 1: 200, 200 (0 of 2). Minute 2: nothing. Minute 3: 502 (1 of 1).
    push(API_A, 0, 1 * SECOND, "status=200 path=/a");
    push(API_A, 0, 20 * SECOND, "status=500 path=/a");
    push(API_B, 0, 59 * SECOND, "status=503 path=/b");
    push(API_A, 1, 0, "status=200 path=/a");
    push(API_B, 1, 30 * SECOND, "status=200 path=/b");
    push(API_A, 3, 5 * SECOND, "status=502 path=/a");
    // Another app and another tenant are not counted.
    push(Labels.of("app", "web"), 0, SECOND, "status=500");
    push("team-b", API_A, 0, SECOND, "status=500");

    MinuteSeries series = only(source.evaluate(TENANT, Specs.logqlErrors(ERRORS, ALL), BASE, BASE + 5));

    assertMinute(series, BASE, 2, 3);
    assertMinute(series, BASE + 1, 0, 2);
    assertThat(series.hasData(BASE + 2)).isFalse();
    assertMinute(series, BASE + 3, 1, 1);
    assertThat(series.hasData(BASE + 4)).isFalse();
    WindowSums sums = WindowSums.of(series, BASE, BASE + 5);
    assertThat(sums.bad()).isEqualTo(3);
    assertThat(sums.total()).isEqualTo(6);
    assertThat(sums.minutesWithData()).isEqualTo(3);
  }

  @Test
  void aLineAtAMinuteBoundaryCountsInTheMinuteItStartsOnly() throws Exception {
    push(API_A, 1, 0, "status=500 at=boundary-of-minute-1");
    push(API_A, 1, -1, "status=200 at=last-nanosecond-of-minute-0");
    push(API_A, 2, MINUTE - 1, "status=200 at=last-nanosecond-of-minute-2");
    push(API_A, 3, 0, "status=500 at=boundary-of-minute-3");
    push(API_A, 0, 0, "status=200 at=first-nanosecond-of-the-range");
    push(API_A, 5, 0, "status=500 at=first-nanosecond-after-the-range");

    MinuteSeries series = only(source.evaluate(TENANT, Specs.logqlErrors(ERRORS, ALL), BASE, BASE + 5));

    assertMinute(series, BASE, 0, 2);
    assertMinute(series, BASE + 1, 1, 1);
    assertMinute(series, BASE + 2, 0, 1);
    assertMinute(series, BASE + 3, 1, 1);
    assertThat(series.hasData(BASE + 4)).isFalse();

    // The minutes add up to one count over the whole range [BASE, BASE + 5) (an instant query at its last nanosecond).
    MetricQueryEngine engine = new MetricQueryEngine(store, QueryLimits.defaults());
    VectorResult whole = (VectorResult) engine.evaluate(
        TENANT, LogqlParser.parseSampleExpr("sum(count_over_time({app=\"api\"}[5m]))"), (BASE + 5) * MINUTE - 1, (BASE + 5) * MINUTE - 1, 0, true);
    assertThat(WindowSums.of(series, BASE, BASE + 5).total()).isEqualTo(whole.samples().get(0).value()).isEqualTo(5);
  }

  @Test
  void latencyFromLogsCountsTheLinesSlowerThanTheThreshold() throws Exception {
    // duration > 300ms is bad: 450ms and 1.2s in minute 0; 300ms exactly is not slower; 301ms in minute 1 is.
    push(API_A, 0, SECOND, "status=200 duration=120ms");
    push(API_A, 0, 2 * SECOND, "status=200 duration=450ms");
    push(API_A, 0, 3 * SECOND, "status=200 duration=1.2s");
    push(API_B, 0, 4 * SECOND, "status=200 duration=300ms");
    push(API_B, 1, SECOND, "status=200 duration=301ms");
    push(API_B, 1, 2 * SECOND, "status=200 duration=80ms");
    SloSpec spec = Specs.logqlErrors("sum(count_over_time({app=\"api\"} | logfmt | duration > 300ms [{{.window}}]))", ALL);

    MinuteSeries series = only(source.evaluate(TENANT, spec, BASE, BASE + 2));

    assertMinute(series, BASE, 2, 4);
    assertMinute(series, BASE + 1, 1, 2);
  }

  @Test
  void aGoodQueryCountsBadAsTotalMinusGood() throws Exception {
    push(API_A, 0, SECOND, "status=200");
    push(API_A, 0, 2 * SECOND, "status=404");
    push(API_A, 0, 3 * SECOND, "status=500");
    push(API_A, 1, SECOND, "status=500");
    SloSpec spec = Specs.of(new Indicator.Ratio(SliQuery.logql("sum(count_over_time({app=\"api\"} | logfmt | status<500 [{{.window}}]))"),
        SliQuery.logql(ALL), true), List.of());

    MinuteSeries series = only(source.evaluate(TENANT, spec, BASE, BASE + 2));

    assertMinute(series, BASE, 1, 3);
    // No good line at all in minute 1: the counted query has no point there, so good = 0 and every line is bad.
    assertMinute(series, BASE + 1, 1, 1);
  }

  @Test
  void ratesPerSecondAreScaledToEventsPerMinute() throws Exception {
    for (int second = 0; second < 60; second += 5) {
      push(API_A, 0, second * SECOND, second % 20 == 0 ? "status=500" : "status=200");
    }
    SloSpec spec = Specs.logqlErrors("sum(rate({app=\"api\"} | logfmt | status>=500 [{{.window}}]))", "sum(rate({app=\"api\"}[{{.window}}]))");

    MinuteSeries series = only(source.evaluate(TENANT, spec, BASE, BASE + 1));

    assertThat(series.bad(BASE)).isCloseTo(3, within(1e-9));
    assertThat(series.total(BASE)).isCloseTo(12, within(1e-9));
  }

  @Test
  void groupBySplitsAnUngroupedSumByTheGroupLabels() throws Exception {
    push(API_A, 0, SECOND, "status=500");
    push(API_A, 0, 2 * SECOND, "status=200");
    push(API_B, 0, SECOND, "status=200");
    push(API_B, 1, SECOND, "status=503");
    push(API_B, 1, 2 * SECOND, "status=504");

    Map<Map<String, String>, MinuteSeries> groups = source.evaluate(TENANT, Specs.logqlErrors(ERRORS, ALL, "pod"), BASE, BASE + 2);

    assertThat(groups).containsOnlyKeys(Map.of("pod", "a"), Map.of("pod", "b"));
    assertMinute(groups.get(Map.of("pod", "a")), BASE, 1, 2);
    assertThat(groups.get(Map.of("pod", "a")).hasData(BASE + 1)).isFalse();
    assertMinute(groups.get(Map.of("pod", "b")), BASE, 0, 1);
    assertMinute(groups.get(Map.of("pod", "b")), BASE + 1, 2, 2);
  }

  @Test
  void groupByALabelTheParserExtracts() throws Exception {
    push(API_A, 0, SECOND, "status=500 path=/users");
    push(API_B, 0, SECOND, "status=200 path=/users");
    push(API_B, 0, 2 * SECOND, "status=200 path=/orders");
    SloSpec spec = Specs.logqlErrors(ERRORS, "sum(count_over_time({app=\"api\"} | logfmt [{{.window}}]))", "path");

    Map<Map<String, String>, MinuteSeries> groups = source.evaluate(TENANT, spec, BASE, BASE + 1);

    assertMinute(groups.get(Map.of("path", "/users")), BASE, 1, 2);
    assertMinute(groups.get(Map.of("path", "/orders")), BASE, 0, 1);
  }

  @Test
  void seriesOfAQueryWithoutAnAggregationAreAddedUpPerGroup() throws Exception {
    Labels apiA2 = Labels.of("app", "api", "pod", "a", "container", "sidecar");
    push(API_A, 0, SECOND, "status=500");
    push(apiA2, 0, SECOND, "status=500");
    push(apiA2, 0, 2 * SECOND, "status=200");
    push(API_B, 0, SECOND, "status=200");
    SloSpec spec = Specs.logqlErrors("count_over_time({app=\"api\"} |= \"status=5\" [{{.window}}])", "count_over_time({app=\"api\"}[{{.window}}])", "pod");

    Map<Map<String, String>, MinuteSeries> groups = source.evaluate(TENANT, spec, BASE, BASE + 1);

    assertMinute(groups.get(Map.of("pod", "a")), BASE, 2, 3);
    assertMinute(groups.get(Map.of("pod", "b")), BASE, 0, 1);
  }

  @Test
  void theGroupingIsAddedOnBothSidesOfABinaryOperation() throws Exception {
    String rewritten = LogqlPrinter.print(LogQlSliSource.withGrouping(
        LogqlParser.parseSampleExpr("sum(count_over_time({app=\"api\"} |= \"x\" [1m])) / sum(count_over_time({app=\"api\"}[1m]))"),
        List.of("pod", "env")));

    assertThat(rewritten).isEqualTo(LogqlPrinter.print(LogqlParser.parseSampleExpr(
        "sum by (pod, env) (count_over_time({app=\"api\"} |= \"x\" [1m])) / sum by (pod, env) (count_over_time({app=\"api\"}[1m]))")));
  }

  @Test
  void aRawErrorRatioWeighsEachMinuteWithDataAsOneEvent() throws Exception {
    push(API_A, 0, SECOND, "status=500");
    push(API_A, 0, 2 * SECOND, "status=200");
    push(API_A, 0, 3 * SECOND, "status=200");
    push(API_A, 0, 4 * SECOND, "status=200");
    push(API_A, 2, SECOND, "status=200");
    SloSpec spec = Specs.of(new Indicator.RawErrorRatio(SliQuery.logql(
        "sum(count_over_time({app=\"api\"} | logfmt | status>=500 [{{.window}}])) / sum(count_over_time({app=\"api\"}[{{.window}}]))")),
        List.of());

    MinuteSeries series = only(source.evaluate(TENANT, spec, BASE, BASE + 3));

    assertMinute(series, BASE, 0.25, 1);
    assertThat(series.hasData(BASE + 1)).isFalse();
    // Minute 2 has lines but no error: the division has no left side, so LogQL has no point there (no data, as Sloth's raw query).
    assertThat(series.hasData(BASE + 2)).isFalse();
  }

  @Test
  void aThresholdMinuteIsBadWhenTheComparisonFails() throws Exception {
    push(API_A, 0, SECOND, "duration=120ms");
    push(API_A, 0, 2 * SECOND, "duration=250ms");
    push(API_A, 1, SECOND, "duration=900ms");
    SloSpec spec = Specs.of(new Indicator.Threshold(
        SliQuery.logql("max(max_over_time({app=\"api\"} | logfmt | unwrap duration(duration) [{{.window}}]))"), Indicator.Operator.LT, 0.3),
        List.of());

    MinuteSeries series = only(source.evaluate(TENANT, spec, BASE, BASE + 3));

    assertMinute(series, BASE, 0, 1);
    assertMinute(series, BASE + 1, 1, 1);
    assertThat(series.hasData(BASE + 2)).isFalse();
  }

  @Test
  void severalSeriesOfARatioInOneGroupAreRefused() throws Exception {
    push(API_A, 0, SECOND, "duration=120ms");
    push(API_B, 0, SECOND, "duration=900ms");
    SloSpec spec = Specs.of(new Indicator.Threshold(
        SliQuery.logql("max_over_time({app=\"api\"} | logfmt | unwrap duration(duration) [{{.window}}])"), Indicator.Operator.LT, 0.3),
        List.of());

    assertThatThrownBy(() -> source.evaluate(TENANT, spec, BASE, BASE + 1))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("tenant team-a, SLO api-requests")
        .hasMessageContaining("more than one series")
        .hasMessageContaining("max(...)");
  }

  @Test
  void aQueryLimitMakesTheSliUnavailableWithTenantSloAndQuery() {
    push(API_A, 0, SECOND, "status=500");
    push(API_B, 0, SECOND, "status=500");
    LogQlSliSource limited = new LogQlSliSource(store, QueryLimits.defaults().withMaxQuerySeries(1));
    SloSpec spec = Specs.logqlErrors("count_over_time({app=\"api\"} [{{.window}}])", "count_over_time({app=\"api\"} [{{.window}}])");

    assertThatThrownBy(() -> limited.evaluate(TENANT, spec, BASE, BASE + 1))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("tenant team-a")
        .hasMessageContaining("SLO api-requests")
        .hasMessageContaining("query count_over_time({app=\"api\"} [1m])")
        .hasMessageContaining("maximum number of series (1)");
  }

  @Test
  void aQueryThatDoesNotParseIsUnavailableWithThePlace() {
    SloSpec spec = Specs.logqlErrors("sum(count_over_time({app=\"api\"} | logfmt | [{{.window}}]))", ALL);

    assertThatThrownBy(() -> source.evaluate(TENANT, spec, BASE, BASE + 1))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("SLO api-requests")
        .hasMessageContaining("does not parse");
  }

  @Test
  void longRangesAreReadInChunksThatJoinWithoutGapOrOverlap() throws Exception {
    LogQlSliSource chunked = new LogQlSliSource(store, tenant -> QueryLimits.defaults(), 7);
    long[] minutes = {0, 6, 7, 13, 14, 20, 29};
    for (long minute : minutes) {
      push(API_A, minute, 0, "status=500");
      push(API_A, minute, MINUTE - 1, "status=200");
    }

    MinuteSeries series = only(chunked.evaluate(TENANT, Specs.logqlErrors(ERRORS, ALL), BASE, BASE + 30));

    for (long minute : minutes) {
      assertMinute(series, BASE + minute, 1, 2);
    }
    assertThat(WindowSums.of(series, BASE, BASE + 30).minutesWithData()).isEqualTo(minutes.length);
    assertThat(WindowSums.of(series, BASE, BASE + 30).total()).isEqualTo(2.0 * minutes.length);
  }

  @Test
  void aMinuteIsTheOneWhoseEndTheStepPrecedesByOneNanosecond() {
    assertThat(LogQlSliSource.minuteOfStep((BASE + 1) * MINUTE - 1)).isEqualTo(BASE);
    assertThat(LogQlSliSource.minuteOfStep(MINUTE - 1)).isZero();
  }

  @Test
  void anSloWithoutDataStillHasItsOneSeries() throws Exception {
    Map<Map<String, String>, MinuteSeries> groups = source.evaluate(TENANT, Specs.logqlErrors(ERRORS, ALL), BASE, BASE + 3);

    assertThat(groups).containsOnlyKeys(Map.<String, String>of());
    assertThat(WindowSums.of(groups.get(Map.of()), BASE, BASE + 3).minutesWithData()).isZero();
  }

  private static MinuteSeries only(Map<Map<String, String>, MinuteSeries> groups) {
    assertThat(groups).containsOnlyKeys(Map.<String, String>of());
    return groups.get(Map.<String, String>of());
  }

  private static void assertMinute(MinuteSeries series, long minute, double bad, double total) {
    assertThat(series.hasData(minute)).as("minute %d has data", minute - BASE).isTrue();
    assertThat(series.bad(minute)).as("bad events of minute %d", minute - BASE).isEqualTo(bad);
    assertThat(series.total(minute)).as("total events of minute %d", minute - BASE).isEqualTo(total);
  }
}
