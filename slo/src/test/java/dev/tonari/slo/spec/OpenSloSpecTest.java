package dev.tonari.slo.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.slo.alert.BurnRateTiers;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeSlices;
import dev.tonari.slo.model.TimeWindow;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** OpenSLO v1's documented shapes (the resources cite their sources) parse to the model. */
class OpenSloSpecTest {
  @Test
  void inlineRatioMetricWithCalendarWeekAndTimeslices() {
    SloSpec slo = SpecFiles.parsed("openslo-calendar-timeslices.yaml").slos().getFirst();

    assertThat(slo.id()).isEqualTo("web-web-availability");
    assertThat(slo.labels()).isEqualTo(Map.of("env", "prod", "team", "team-a,team-b"));
    Indicator.Ratio ratio = (Indicator.Ratio) slo.indicator();
    assertThat(ratio.countsGood()).isTrue();
    assertThat(ratio.counted().language()).isEqualTo(SliQuery.QueryLanguage.PROMQL);
    assertThat(slo.target()).isEqualTo(0.995);
    ZoneId newYork = ZoneId.of("America/New_York");
    assertThat(slo.window()).isEqualTo(new TimeWindow.Calendar(TimeWindow.CalendarUnit.WEEK, 1, Instant.parse("2022-01-01T17:00:00Z"), newYork));
    assertThat(slo.budgeting()).isEqualTo(BudgetingMethod.TIMESLICES);
    assertThat(slo.timeSlices()).contains(new TimeSlices(0.95, Duration.ofMinutes(1)));
    // No alert policies: Sloth's tiers scaled to the nominal week.
    assertThat(slo.alerting().tiers()).isEqualTo(BurnRateTiers.sloth(Duration.ofDays(7)));
    assertThat(slo.origin()).isEqualTo(SloSpec.Origin.file("openslo-calendar-timeslices.yaml", 6, 3));
  }

  @Test
  void indicatorRefDataSourceAndAlertPolicyResolveAcrossFiles() {
    SloSpecParser.ParseResult.Parsed parsed = SpecFiles.parsed("openslo-indicator-ref.yaml", "openslo-alerting.yaml");

    assertThat(parsed.slos()).extracting(SloSpec::id).containsExactly("web-shop-search-foo-total-errors", "web-shop-search-bar-total-errors");
    assertThat(parsed.slos()).extracting(SloSpec::target).containsExactly(0.98, 0.9999);
    SloSpec first = parsed.slos().getFirst();
    assertThat(first.name()).isEqualTo("search-foo-total-errors");
    assertThat(first.window()).isEqualTo(new TimeWindow.Rolling(Duration.ofDays(28)));
    assertThat(first.indicator()).isEqualTo(new Indicator.Ratio(
        SliQuery.promql("sum(rate(http_requests_total{handler=\"/search\",code=~\"5..\"}[{{.window}}]))", Optional.of("prometheus")),
        SliQuery.promql("sum(rate(http_requests_total{handler=\"/search\"}[{{.window}}]))", Optional.of("prometheus")),
        false));
    assertThat(parsed.dataSources()).isEqualTo(Map.of("prometheus", PrometheusEndpoint.of(URI.create("http://prometheus.example.com"))));
    assertThat(first.alerting().name()).isEqualTo("search-burn");
    assertThat(first.alerting().tiers()).containsExactly(
        new BurnRateTier("fast-burn", "page", Duration.ofHours(1), Duration.ofMinutes(5), 14.4, Duration.ofMinutes(5), Map.of(), Map.of()),
        new BurnRateTier("slow-burn", "ticket", Duration.ofDays(1), Duration.ofHours(2), 3, Duration.ofMinutes(30), Map.of(), Map.of()));
  }

  @Test
  void thresholdMetricTakesTheObjectivesOpAndValue() {
    List<SloSpec> slos = SpecFiles.parsed("openslo-threshold-ratio-timeslices.yaml").slos();

    SloSpec lag = slos.get(0);
    assertThat(lag.indicator()).isInstanceOfSatisfying(Indicator.Threshold.class, threshold -> {
      assertThat(threshold.op()).isEqualTo(Indicator.Operator.LT);
      assertThat(threshold.threshold()).isEqualTo(500);
      assertThat(threshold.metric().language()).isEqualTo(SliQuery.QueryLanguage.PROMQL);
    });
    assertThat(lag.window()).isEqualTo(new TimeWindow.Rolling(Duration.ofDays(14)));
  }

  @Test
  void rawSuccessRatioBecomesAnErrorRatioOverLogql() {
    SloSpec wifi = SpecFiles.parsed("openslo-threshold-ratio-timeslices.yaml").slos().get(1);

    assertThat(wifi.indicator()).isEqualTo(new Indicator.RawErrorRatio(
        SliQuery.logql("1 - (avg(avg_over_time({app=\"unifi\"} | logfmt | unwrap satisfaction [{{.window}}])))")));
    assertThat(wifi.budgeting()).isEqualTo(BudgetingMethod.RATIO_TIMESLICES);
    assertThat(wifi.timeSlices()).contains(new TimeSlices(1.0, Duration.ofMinutes(5)));
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    assertThat(wifi.window()).isEqualTo(new TimeWindow.Calendar(TimeWindow.CalendarUnit.MONTH, 1, Instant.parse("2023-12-31T23:00:00Z"), berlin));
  }

  @Test
  void prometheusTypeForcesPromqlEvenWhenTheQueryIsValidLogql() {
    String text = """
        apiVersion: openslo/v1
        kind: SLO
        metadata: {name: s}
        spec:
          service: svc
          indicator:
            spec:
              thresholdMetric:
                metricSource:
                  type: Prometheus
                  spec: {query: 'sum(count_over_time({app="api"}[5m]))'}
          budgetingMethod: Occurrences
          objectives: [{op: gt, value: 1, targetPercent: 99}]
        """;
    SloSpec slo = SpecFiles.parsed(new SloSpecParser().parse(text, "a.yaml")).slos().getFirst();

    assertThat(((Indicator.Threshold) slo.indicator()).metric().language()).isEqualTo(SliQuery.QueryLanguage.PROMQL);
    assertThat(slo.target()).isEqualTo(0.99);
    assertThat(slo.window()).isEqualTo(new TimeWindow.Rolling(Duration.ofDays(30)));
  }

  @Test
  void publishedSdkExampleWithACounterReadWithoutRangeIsRefusedWithTheFix() {
    String published = SpecFiles.read("openslo-calendar-timeslices.yaml")
        .replace("sum(increase(http_requests{k8s_cluster=\"prod\",component=\"web\",code=~\"2xx|4xx\"}[{{.window}}]))",
            "sum(http_requests{k8s_cluster=\"prod\",component=\"web\",code=~\"2xx|4xx\"})");

    assertThat(SpecFiles.problems(published)).containsExactly("slo.yaml:30:24: error: spec.indicator.spec.ratioMetric.good.metricSource.spec.query: "
        + "counter: true and no {{.window}}: Tonari counts each window's events, so a counter query needs its range, e.g. sum(increase(http_requests_total[{{.window}}]))");
  }
}
