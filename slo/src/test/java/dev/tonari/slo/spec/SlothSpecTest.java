package dev.tonari.slo.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.slo.alert.BurnRateTiers;
import dev.tonari.slo.model.Alerting;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Sloth's own documented examples, kept unchanged under src/test/resources/specs, parse to the model. */
class SlothSpecTest {
  @Test
  void gettingStartedExampleIsTheExpectedModel() {
    SloSpec slo = SpecFiles.parsed("sloth-getting-started.yml").slos().getFirst();

    Map<String, String> pageLabels = Map.of("severity", "pageteam", "routing_key", "myteam");
    Map<String, String> ticketLabels = Map.of("severity", "slack", "slack_channel", "#alerts-myteam");
    List<BurnRateTier> tiers = new ArrayList<>();
    for (BurnRateTier tier : BurnRateTiers.sloth(Duration.ofDays(30), true, pageLabels, Map.of(), true, ticketLabels, Map.of())) {
      Duration alertAfter = tier.severity().equals("page") ? Duration.ofMinutes(5) : Duration.ofMinutes(10);
      tiers.add(new BurnRateTier(tier.name(), tier.severity(), tier.longWindow(), tier.shortWindow(), tier.factor(), alertAfter, tier.labels(),
          tier.annotations()));
    }
    SloSpec expected = new SloSpec(
        "myservice-requests-availability",
        "myservice",
        "requests-availability",
        "Common SLO based on availability for HTTP request responses.",
        Map.of("owner", "myteam", "repo", "myorg/myservice", "tier", "2"),
        new Indicator.Ratio(
            SliQuery.promql("sum(rate(http_request_duration_seconds_count{job=\"myservice\",code=~\"(5..|429)\"}[{{.window}}]))", Optional.empty()),
            SliQuery.promql("sum(rate(http_request_duration_seconds_count{job=\"myservice\"}[{{.window}}]))", Optional.empty()),
            false),
        0.999,
        new TimeWindow.Rolling(Duration.ofDays(30)),
        BudgetingMethod.OCCURRENCES,
        Optional.empty(),
        List.of(),
        new Alerting("MyServiceHighErrorRate", Map.of("category", "availability"),
            Map.of("summary", "High error rate on 'myservice' requests responses"), tiers),
        SloSpec.Origin.file("sloth-getting-started.yml", 14, 5));
    assertThat(slo).isEqualTo(expected);
    assertThat(slo.alerting().tiers()).extracting(BurnRateTier::factor).containsExactly(14.4, 6.0, 3.0, 1.0);
  }

  @Test
  void multiDocumentFileGivesOneSloPerServiceAtFileAbsolutePositions() {
    List<SloSpec> slos = SpecFiles.parsed("sloth-multifile.yml").slos();

    assertThat(slos).extracting(SloSpec::id).containsExactly("myservice-requests-availability", "myservice2-requests-availability");
    assertThat(slos).extracting(SloSpec::target).containsExactly(0.999, 0.9999);
    assertThat(slos.get(1).labels()).containsEntry("owner", "myteam2").containsEntry("tier", "1");
    assertThat(slos.get(1).origin().line()).isEqualTo(44);
  }

  @Test
  void specExampleWithTwoSlosKeepsMultiLineQueriesAndLabelsAsPublished() {
    List<SloSpec> slos = SpecFiles.parsed("sloth-k8s-apiserver.yml").slos();

    assertThat(slos).extracting(SloSpec::id).containsExactly("k8s-apiserver-requests-availability", "k8s-apiserver-requests-latency");
    SloSpec latency = slos.get(1);
    assertThat(latency.target()).isEqualTo(0.99);
    Indicator.Ratio ratio = (Indicator.Ratio) latency.indicator();
    assertThat(ratio.counted().language()).isEqualTo(SliQuery.QueryLanguage.PROMQL);
    assertThat(ratio.counted().template()).startsWith("(\n  sum(rate(apiserver_request_duration_seconds_count{verb!=\"WATCH\"}[{{.window}}]))\n  -\n");
    // As published, "disable: true" is under ticket_alert.labels: a label, not a switch.
    assertThat(latency.alerting().tiers()).extracting(BurnRateTier::name).containsExactly("page-1h", "page-6h", "ticket-1d", "ticket-3d");
    assertThat(latency.alerting().tiers().get(2).labels()).containsExactly(Map.entry("disable", "true"));
  }

  @Test
  void rawExampleIsARawErrorRatio() {
    SloSpec slo = SpecFiles.parsed("sloth-raw-home-wifi.yml").slos().getFirst();

    assertThat(slo.id()).isEqualTo("home-wifi-wifi-client-satisfaction");
    assertThat(slo.target()).isEqualTo(0.95);
    assertThat(slo.indicator()).isInstanceOfSatisfying(Indicator.RawErrorRatio.class, raw -> {
      assertThat(raw.errorRatio().language()).isEqualTo(SliQuery.QueryLanguage.PROMQL);
      assertThat(raw.errorRatio().template()).startsWith("1 - (\n  sum(sum_over_time(unifipoller_client_satisfaction_ratio[{{.window}}]))");
    });
    assertThat(slo.labels()).isEqualTo(Map.of("cluster", "valhalla", "component", "ubiquiti", "context", "home"));
  }

  @Test
  void logqlQueriesAreDetectedAndGroupByAndDisabledTicketsApply() {
    SloSpec slo = SpecFiles.parsed("sloth-logql.yml").slos().getFirst();

    Indicator.Ratio ratio = (Indicator.Ratio) slo.indicator();
    assertThat(ratio.counted()).isEqualTo(SliQuery.logql("sum(count_over_time({app=\"api\"} | logfmt | status>=500 [{{.window}}]))"));
    assertThat(ratio.total()).isEqualTo(SliQuery.logql("sum(count_over_time({app=\"api\"} [{{.window}}]))"));
    assertThat(slo.groupBy()).containsExactly("route");
    assertThat(slo.alerting().tiers()).extracting(BurnRateTier::severity).containsExactly("page", "page");
  }

  @Test
  void sloLabelsWinOverFileLabels() {
    String text = """
        version: prometheus/v1
        service: api
        labels: {team: a, tier: "1"}
        slos:
          - name: availability
            objective: 99
            labels: {tier: "2"}
            sli: {raw: {error_ratio_query: 'sum(rate(errors[{{.window}}]))'}}
        """;
    SloSpec slo = SpecFiles.parsed(new SloSpecParser().parse(text, "a.yaml")).slos().getFirst();

    assertThat(slo.labels()).isEqualTo(Map.of("team", "a", "tier", "2"));
    assertThat(slo.alerting()).isEqualTo(new Alerting("", Map.of(), Map.of(), BurnRateTiers.sloth(Duration.ofDays(30))));
  }
}
