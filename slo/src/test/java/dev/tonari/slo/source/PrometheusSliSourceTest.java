package dev.tonari.slo.source;

import static dev.tonari.slo.source.KnownSeries.MINUTES;
import static dev.tonari.slo.source.KnownSeries.START_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.slo.rollup.WindowSums;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PrometheusSliSource} against a real Prometheus holding {@link KnownSeries}: every minute's
 * bad and total events are compared with the increases of the counters written. The tolerance is
 * relative 1e-9, floating point only: the samples lie on the edges of every one-minute range and
 * the rates are constant within a phase, so Prometheus's extrapolation of {@code rate} changes
 * nothing (with samples off the edges it would scale the increase by range / sampled interval).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusSliSourceTest {
  private static final String TENANT = "team-a";
  private static final String ERRORS = "sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}]))";
  private static final String ALL = "sum(rate(http_requests_total[{{.window}}]))";
  private static final double RELATIVE = 1e-9;

  private static PrometheusProcess prometheus;
  private static PrometheusEndpoint endpoint;
  private static PrometheusSliSource source;

  @BeforeAll
  static void startPrometheus() throws Exception {
    PrometheusProcess.assumeInstalled();
    prometheus = PrometheusProcess.startWithBasicAuth(KnownSeries.openMetrics());
    endpoint = new PrometheusEndpoint(prometheus.url(), Optional.empty(), Optional.of(PrometheusProcess.USER),
        Optional.of(PrometheusProcess.PASSWORD), Optional.empty());
    source = sourceFor(endpoint, Map.of());
  }

  @AfterAll
  static void stopPrometheus() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  private static PrometheusSliSource sourceFor(PrometheusEndpoint defaultEndpoint, Map<String, PrometheusEndpoint> named) {
    return new PrometheusSliSource(tenant -> Optional.ofNullable(defaultEndpoint), (tenant, name) -> Optional.ofNullable(named.get(name)),
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), Duration.ofSeconds(30));
  }

  @Test
  void availabilityPerMinuteIsTheIncreaseOfTheCountersWritten() throws Exception {
    // Five minutes either side of the data: the first has a single sample (no rate), the rest none.
    MinuteSeries series = only(source.evaluate(TENANT, Specs.promqlErrors(ERRORS, ALL), START_MINUTE - 5, START_MINUTE + MINUTES + 5));

    for (int minute : KnownSeries.minutes()) {
      assertMinute(series, minute, KnownSeries.increase(KnownSeries.serverErrors(), minute), KnownSeries.increase(KnownSeries.requests(), minute));
    }
    for (long minute = START_MINUTE - 5; minute < START_MINUTE; minute++) {
      assertThat(series.hasData(minute)).as("minute %d before the data", minute - START_MINUTE).isFalse();
    }
    for (long minute = START_MINUTE + MINUTES; minute < START_MINUTE + MINUTES + 5; minute++) {
      assertThat(series.hasData(minute)).as("minute %d after the data", minute - START_MINUTE).isFalse();
    }
    // By hand: phase 0 has 60 of 900 requests a minute bad, phase 1 12 of 852, phase 2 120 of 660.
    assertMinute(series, 0, 60, 900);
    assertMinute(series, 61, 12, 852);
    assertMinute(series, 179, 120, 660);
    WindowSums sums = WindowSums.of(series, START_MINUTE - 5, START_MINUTE + MINUTES + 5);
    assertThat(sums.minutesWithData()).isEqualTo(MINUTES);
    assertThat(sums.bad()).isCloseTo(60 * (60 + 12 + 120), within(1e-6));
    assertThat(sums.total()).isCloseTo(60 * (900 + 852 + 660), within(1e-6));
    assertThat(sums.errorRatio()).isCloseTo(11_520.0 / 144_720.0, within(1e-12));
  }

  @Test
  void groupByPodSplitsTheEventsByTheSeriesLabels() throws Exception {
    SloSpec spec = Specs.promqlErrors("sum by (pod) (rate(http_requests_total{code=~\"5..\"}[{{.window}}]))",
        "sum by (pod) (rate(http_requests_total[{{.window}}]))", "pod");

    Map<Map<String, String>, MinuteSeries> groups = source.evaluate(TENANT, spec, START_MINUTE, START_MINUTE + MINUTES);

    assertThat(groups).containsOnlyKeys(Map.of("pod", "a"), Map.of("pod", "b"));
    for (String pod : List.of("a", "b")) {
      Predicate<KnownSeries.Counter> ofPod = counter -> counter.has("pod", pod);
      for (int minute : KnownSeries.minutes()) {
        assertMinute(groups.get(Map.of("pod", pod)), minute, KnownSeries.increase(KnownSeries.serverErrors().and(ofPod), minute),
            KnownSeries.increase(KnownSeries.requests().and(ofPod), minute));
      }
    }
    // Pod b's 503 counter stands still in phase 0: a point of 0, so bad = 0 of 240, not "no data".
    assertMinute(groups.get(Map.of("pod", "b")), 10, 0, 240);
  }

  @Test
  void latencyFromHistogramBucketsCountsTheRequestsAboveTheBucket() throws Exception {
    String count = "sum(rate(http_request_duration_seconds_count[{{.window}}]))";
    SloSpec slow = Specs.promqlErrors(count + " - sum(rate(http_request_duration_seconds_bucket{le=\"0.3\"}[{{.window}}]))", count);
    SloSpec good = Specs.of(new Indicator.Ratio(
        SliQuery.promql("sum(rate(http_request_duration_seconds_bucket{le=\"0.3\"}[{{.window}}]))", Optional.empty()),
        SliQuery.promql(count, Optional.empty()), true), List.of());

    for (SloSpec spec : List.of(slow, good)) {
      MinuteSeries series = only(source.evaluate(TENANT, spec, START_MINUTE, START_MINUTE + MINUTES));
      for (int minute : KnownSeries.minutes()) {
        double all = KnownSeries.increase(KnownSeries.named("http_request_duration_seconds_count", null, null), minute);
        double fast = KnownSeries.increase(KnownSeries.named("http_request_duration_seconds_bucket", "le", "0.3"), minute);
        assertMinute(series, minute, all - fast, all);
      }
      // By hand: 20 % of 600 a minute slower than 0.3 s in phase 0, 40 % later.
      assertMinute(series, 59, 120, 600);
      assertMinute(series, 60, 240, 600);
    }
  }

  @Test
  void aRawErrorRatioIsOneEventPerMinuteWithTheRatioBad() throws Exception {
    SloSpec spec = Specs.of(new Indicator.RawErrorRatio(SliQuery.promql(
        "sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}])) / sum(rate(http_requests_total[{{.window}}]))", Optional.empty())),
        List.of());

    MinuteSeries series = only(source.evaluate(TENANT, spec, START_MINUTE, START_MINUTE + MINUTES));

    assertThat(series.total(START_MINUTE + 30)).isEqualTo(1);
    assertThat(series.bad(START_MINUTE + 30)).isCloseTo(60.0 / 900, within(1e-12));
    assertThat(series.bad(START_MINUTE + 150)).isCloseTo(120.0 / 660, within(1e-12));
    assertThat(WindowSums.of(series, START_MINUTE, START_MINUTE + MINUTES).total()).isEqualTo(MINUTES);
  }

  @Test
  void aThresholdOnAQuantileFromBucketsIsBadWhereItFails() throws Exception {
    // The 90th percentile: between 0.3 s and 1 s in every phase (80 % and 60 % under 0.3 s), so "under 0.3 s" fails and "under 1 s" holds.
    String p90 = "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[{{.window}}])))";
    SloSpec strict = Specs.of(new Indicator.Threshold(SliQuery.promql(p90, Optional.empty()), Indicator.Operator.LT, 0.3), List.of());
    SloSpec loose = Specs.of(new Indicator.Threshold(SliQuery.promql(p90, Optional.empty()), Indicator.Operator.LT, 1), List.of());

    WindowSums strictSums = WindowSums.of(only(source.evaluate(TENANT, strict, START_MINUTE, START_MINUTE + MINUTES)), START_MINUTE, START_MINUTE + MINUTES);
    WindowSums looseSums = WindowSums.of(only(source.evaluate(TENANT, loose, START_MINUTE, START_MINUTE + MINUTES)), START_MINUTE, START_MINUTE + MINUTES);

    assertThat(strictSums.bad()).isEqualTo(MINUTES);
    assertThat(looseSums.bad()).isZero();
    assertThat(looseSums.total()).isEqualTo(MINUTES);
  }

  @Test
  void chunkedRequestsGiveTheSameMinutes() throws Exception {
    PrometheusSliSource chunked = new PrometheusSliSource(tenant -> Optional.of(endpoint), (tenant, name) -> Optional.empty(),
        HttpClient.newHttpClient(), Duration.ofSeconds(30), 7);

    MinuteSeries series = only(chunked.evaluate(TENANT, Specs.promqlErrors(ERRORS, ALL), START_MINUTE - 3, START_MINUTE + MINUTES + 3));

    for (int minute : KnownSeries.minutes()) {
      assertMinute(series, minute, KnownSeries.increase(KnownSeries.serverErrors(), minute), KnownSeries.increase(KnownSeries.requests(), minute));
    }
    assertThat(WindowSums.of(series, START_MINUTE - 3, START_MINUTE + MINUTES + 3).minutesWithData()).isEqualTo(MINUTES);
  }

  @Test
  void aNamedDataSourceIsUsedForTheQueriesThatNameIt() throws Exception {
    PrometheusSliSource named = sourceFor(null, Map.of("metrics", endpoint));
    SloSpec spec = Specs.of(new Indicator.Ratio(SliQuery.promql(ERRORS, Optional.of("metrics")), SliQuery.promql(ALL, Optional.of("metrics")), false),
        List.of());
    SloSpec unknown = Specs.of(new Indicator.Ratio(SliQuery.promql(ERRORS, Optional.of("nope")), SliQuery.promql(ALL, Optional.of("nope")), false),
        List.of());

    assertMinute(only(named.evaluate(TENANT, spec, START_MINUTE, START_MINUTE + 1)), 0, 60, 900);
    assertThatThrownBy(() -> named.evaluate(TENANT, unknown, START_MINUTE, START_MINUTE + 1))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("tenant team-a")
        .hasMessageContaining("no Prometheus data source named nope");
    assertThatThrownBy(() -> named.evaluate(TENANT, Specs.promqlErrors(ERRORS, ALL), START_MINUTE, START_MINUTE + 1))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("no default Prometheus");
  }

  @Test
  void prometheussOwnErrorIsInTheMessage() {
    SloSpec spec = Specs.promqlErrors("sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}])", ALL);

    assertThatThrownBy(() -> source.evaluate(TENANT, spec, START_MINUTE, START_MINUTE + 10))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("tenant team-a, SLO api-requests")
        .hasMessageContaining("query sum(rate(http_requests_total{code=~\"5..\"}[1m])")
        .hasMessageContaining(prometheus.url().toString())
        .hasMessageContaining("HTTP 400 (bad_data)")
        .hasMessageContaining("parse error")
        .hasMessageNotContaining(PrometheusProcess.PASSWORD);
  }

  @Test
  void basicAuthIsSentAndAWrongPasswordIsRefusedWithoutShowingIt() {
    PrometheusEndpoint wrong = new PrometheusEndpoint(prometheus.url(), Optional.empty(), Optional.of(PrometheusProcess.USER),
        Optional.of("not-the-password"), Optional.empty());
    PrometheusEndpoint anonymous = PrometheusEndpoint.of(prometheus.url());

    for (PrometheusEndpoint refused : List.of(wrong, anonymous)) {
      assertThatThrownBy(() -> sourceFor(refused, Map.of()).evaluate(TENANT, Specs.promqlErrors(ERRORS, ALL), START_MINUTE, START_MINUTE + 1))
          .isInstanceOf(SliUnavailableException.class)
          .hasMessageContaining("HTTP 401")
          .hasMessageNotContaining("not-the-password");
    }
  }

  @Test
  void aStoppedPrometheusMakesTheSliUnavailable() throws Exception {
    PrometheusEndpoint gone;
    try (PrometheusProcess stopped = PrometheusProcess.start("")) {
      gone = PrometheusEndpoint.of(stopped.url());
      stopped.stop();
      assertThatThrownBy(() -> sourceFor(gone, Map.of()).evaluate(TENANT, Specs.promqlErrors(ERRORS, ALL), START_MINUTE, START_MINUTE + 1))
          .isInstanceOf(SliUnavailableException.class)
          .hasMessageContaining(gone.url().toString())
          .hasMessageContaining("cannot connect (tried twice)");
    }
  }

  private static MinuteSeries only(Map<Map<String, String>, MinuteSeries> groups) {
    assertThat(groups).containsOnlyKeys(Map.<String, String>of());
    return groups.get(Map.<String, String>of());
  }

  private static void assertMinute(MinuteSeries series, int minute, double bad, double total) {
    long epochMinute = START_MINUTE + minute;
    assertThat(series.hasData(epochMinute)).as("minute %d has data", minute).isTrue();
    assertThat(series.bad(epochMinute)).as("bad events of minute %d", minute).isCloseTo(bad, within(Math.max(1e-9, bad * RELATIVE)));
    assertThat(series.total(epochMinute)).as("total events of minute %d", minute).isCloseTo(total, within(total * RELATIVE));
  }
}
