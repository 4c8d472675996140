package dev.tonari.slo.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.query.QueryLimits;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ErrorPatternsTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;
  private static final long START = Instant.parse("2024-05-06T00:00:00Z").getEpochSecond() * SECOND;
  private static final long WEEK = 7 * 24 * 3600 * SECOND;
  private static final String ERRORS = "sum(count_over_time({app=\"api\"} | logfmt | status>=500 [{{.window}}]))";
  private static final String ALL = "sum(count_over_time({app=\"api\"}[{{.window}}]))";

  private final InMemoryLogStore store = new InMemoryLogStore();
  private final ErrorPatterns patterns = new ErrorPatterns(store, tenant -> QueryLimits.defaults(), ErrorPatterns.DEFAULT_MAX_LINES);

  private void push(Labels stream, long nanos, String line) {
    store.append(TENANT, List.of(new StreamBatch(stream, List.of(new LogEntry(nanos, line)))));
  }

  /** Three error shapes (6 timeouts, 3 refused connections, 1 panic) among successes, over several pods and users. */
  private void pushKnownErrors() {
    long at = START + 3600 * SECOND;
    for (int i = 0; i < 6; i++) {
      push(Labels.of("app", "api", "pod", "api-" + (i % 2)), at += SECOND,
          "level=error status=504 path=/orders/" + (1000 + i) + " duration=" + (3 + i) + "." + i + "s msg=\"upstream timeout after 3s\" trace=4bf92f3577b34da6a3ce929d0e0e" + i + "736");
    }
    for (int i = 0; i < 3; i++) {
      push(Labels.of("app", "api", "pod", "api-2"), at += SECOND,
          "level=error status=503 user=\"user-" + i + "\" msg=\"connection refused\" upstream=10.0.3." + (10 + i) + ":5432 request_id="
              + "123e4567-e89b-12d3-a456-42661417400" + i);
    }
    push(Labels.of("app", "api", "pod", "api-0"), at += SECOND, "level=error status=500 msg=\"panic: nil map\" goroutine=0x1f4");
    for (int i = 0; i < 20; i++) {
      push(Labels.of("app", "api", "pod", "api-1"), at += SECOND, "level=info status=200 path=/orders/" + i + " duration=12ms");
    }
    // Another app's errors, and errors after the range, are not the SLO's.
    push(Labels.of("app", "web"), START + SECOND, "level=error status=500 msg=\"other app\"");
    push(Labels.of("app", "api", "pod", "api-0"), START + WEEK, "level=error status=500 msg=\"next week\"");
  }

  @Test
  void theMostFrequentErrorShapesComeFirstWithCountShareAndExample() throws Exception {
    pushKnownErrors();

    ErrorPatterns.Report report = patterns.topPatterns(TENANT, Specs.logqlErrors(ERRORS, ALL), START, START + WEEK, 5);

    assertThat(report.notApplicable()).isEmpty();
    assertThat(report.linesRead()).isEqualTo(10);
    assertThat(report.truncated()).isFalse();
    assertThat(report.patterns()).extracting(ErrorPatterns.ErrorPattern::pattern).containsExactly(
        "level=error status=<_> path=/orders/<_> duration=<_> msg=\"upstream timeout after <_>\" trace=<_>",
        "level=error status=<_> user=\"<_>\" msg=\"connection refused\" upstream=<_> request_id=<_>",
        "level=error status=<_> msg=\"panic: nil map\" goroutine=<_>");
    assertThat(report.patterns()).extracting(ErrorPatterns.ErrorPattern::count).containsExactly(6L, 3L, 1L);
    assertThat(report.patterns()).extracting(ErrorPatterns.ErrorPattern::share).containsExactly(0.6, 0.3, 0.1);
    assertThat(report.patterns().get(0).example()).startsWith("level=error status=504 path=/orders/1000 duration=3.0s");
    assertThat(report.patterns().get(2).example()).isEqualTo("level=error status=500 msg=\"panic: nil map\" goroutine=0x1f4");
  }

  @Test
  void onlyTheTopPatternsAreKeptAndAFullSampleSaysSo() throws Exception {
    pushKnownErrors();
    ErrorPatterns bounded = new ErrorPatterns(store, tenant -> QueryLimits.defaults(), 4);

    ErrorPatterns.Report report = bounded.topPatterns(TENANT, Specs.logqlErrors(ERRORS, ALL), START, START + WEEK, 1);

    assertThat(report.linesRead()).isEqualTo(4);
    assertThat(report.truncated()).isTrue();
    assertThat(report.patterns()).hasSize(1);
    assertThat(report.patterns().get(0).count()).isEqualTo(4);
  }

  @Test
  void slowLinesOfALatencySliFromLogs() throws Exception {
    push(Labels.of("app", "api"), START + SECOND, "status=200 path=/search duration=450ms");
    push(Labels.of("app", "api"), START + 2 * SECOND, "status=200 path=/search duration=1.2s");
    push(Labels.of("app", "api"), START + 3 * SECOND, "status=200 path=/home duration=120ms");
    SloSpec spec = Specs.logqlErrors("sum(rate({app=\"api\"} | logfmt | duration > 300ms [{{.window}}]))", "sum(rate({app=\"api\"}[{{.window}}]))");

    ErrorPatterns.Report report = patterns.topPatterns(TENANT, spec, START, START + WEEK, 3);

    assertThat(report.patterns()).singleElement().satisfies(pattern -> {
      assertThat(pattern.pattern()).isEqualTo("status=<_> path=/search duration=<_>");
      assertThat(pattern.count()).isEqualTo(2);
    });
  }

  @Test
  void theErrorQuerysOffsetShiftsTheRangeAsItShiftsTheCounts() throws Exception {
    push(Labels.of("app", "api"), START - 1800 * SECOND, "status=500 msg=\"before the range, counted an hour later\"");
    push(Labels.of("app", "api"), START + WEEK - 1800 * SECOND, "status=500 msg=\"in the range, counted after it\"");
    SloSpec spec = Specs.logqlErrors("sum(count_over_time({app=\"api\"} | logfmt | status>=500 [{{.window}}] offset 1h))", ALL);

    ErrorPatterns.Report report = patterns.topPatterns(TENANT, spec, START, START + WEEK, 3);

    assertThat(report.patterns()).extracting(ErrorPatterns.ErrorPattern::example)
        .containsExactly("status=500 msg=\"before the range, counted an hour later\"");
  }

  @Test
  void indicatorsWithoutErrorLinesSayWhy() throws Exception {
    SloSpec promql = Specs.promqlErrors("sum(rate(x{code=\"500\"}[{{.window}}]))", "sum(rate(x[{{.window}}]))");
    SloSpec unwrapped = Specs.logqlErrors("sum(sum_over_time({app=\"api\"} | logfmt | unwrap bytes [{{.window}}]))", ALL);
    SloSpec good = Specs.of(new Indicator.Ratio(SliQuery.logql(ALL), SliQuery.logql(ALL), true), List.of());
    SloSpec raw = Specs.of(new Indicator.RawErrorRatio(SliQuery.promql("x", Optional.empty())), List.of());

    assertThat(patterns.topPatterns(TENANT, promql, START, START + WEEK, 3).notApplicable()).hasValueSatisfying(
        reason -> assertThat(reason).contains("PROMQL"));
    assertThat(patterns.topPatterns(TENANT, unwrapped, START, START + WEEK, 3).notApplicable()).hasValueSatisfying(
        reason -> assertThat(reason).contains("not a count of log lines"));
    assertThat(patterns.topPatterns(TENANT, good, START, START + WEEK, 3).notApplicable()).hasValueSatisfying(
        reason -> assertThat(reason).contains("counts good events"));
    assertThat(patterns.topPatterns(TENANT, raw, START, START + WEEK, 3).notApplicable()).isPresent();
  }

  @Test
  void aRefusedLogQueryIsUnavailableWithTheQuery() {
    pushKnownErrors();
    ErrorPatterns limited = new ErrorPatterns(store, tenant -> QueryLimits.defaults().withMaxQueryBytesRead(100), 1000);

    assertThatThrownBy(() -> limited.topPatterns(TENANT, Specs.logqlErrors(ERRORS, ALL), START, START + WEEK, 3))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("tenant team-a, SLO api-requests, query {app=\"api\"} | logfmt | status >= 500")
        .hasMessageContaining("max_query_bytes_read");
  }

  @Test
  void patternsReplaceWhatVaries() {
    assertThat(ErrorPatterns.patternOf("GET /api/v1/users/42 from 192.168.0.7:51234 took 35.5ms at 2024-05-06T10:00:00.123Z"))
        .isEqualTo("GET /api/v1/users/<_> from <_> took <_> at <_>");
    assertThat(ErrorPatterns.patternOf("{\"level\":\"error\",\"msg\":\"db timeout after 5s\",\"id\":\"9f8e7d6c5b4a\",\"n\":3}"))
        .isEqualTo("{\"level\":\"<_>\",\"msg\":\"db timeout after <_>\",\"id\":\"<_>\",\"n\":<_>}");
    assertThat(ErrorPatterns.patternOf("span deadbeef01 and word facade and 1h30m and e5")).isEqualTo("span <_> and word facade and <_> and e5");
    assertThat(ErrorPatterns.patternOf("unclosed \"quote 12")).isEqualTo("unclosed \"quote <_>");
  }
}
