package dev.tonari.slo.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every class of problem, with its exact message and position. */
class SpecProblemsTest {
  private static String sloth(String slo) {
    return "version: prometheus/v1\nservice: api\nslos:\n" + slo;
  }

  private static final String EVENTS = """
          sli:
            events:
              error_query: sum(rate(errors_total[{{.window}}]))
              total_query: sum(rate(requests_total[{{.window}}]))
      """;

  @Test
  void objectiveOutOfRange() {
    assertThat(SpecFiles.problems(sloth("  - name: a\n    objective: 100.5\n" + EVENTS)))
        .containsExactly("slo.yaml:5:16: error: slos[0].objective: objective 100.5 is out of range: Sloth's objective is a percentage in (0, 100], e.g. 99.9");
    assertThat(SpecFiles.problems(sloth("  - name: a\n    objective: 0\n" + EVENTS)))
        .containsExactly("slo.yaml:5:16: error: slos[0].objective: objective 0 is out of range: Sloth's objective is a percentage in (0, 100], e.g. 99.9");
  }

  @Test
  void windowPlaceholderMissing() {
    String slo = """
          - name: a
            objective: 99
            sli:
              events:
                error_query: sum(rate(errors_total[5m]))
                total_query: sum(rate(requests_total[{{ .window }}]))
        """;
    assertThat(SpecFiles.problems(sloth(slo)))
        .containsExactly("slo.yaml:8:22: error: slos[0].sli.events.error_query: {{.window}} missing in error_query: Sloth replaces it with each alert window");
  }

  @Test
  void logqlThatDoesNotParseGivesTheParsersMessageAtTheTemplatesColumn() {
    String slo = """
          - name: a
            objective: 99
            sli:
              events:
                error_query: sum(count_over_time({app="api"} | logfmt | status>= [{{.window}}]))
                total_query: sum(count_over_time({app="api"}[{{.window}}]) by (x)
        """;
    assertThat(SpecFiles.problems(sloth(slo))).containsExactly(
        "slo.yaml:8:22: error: slos[0].sli.events.error_query: not a valid LogQL metric query: parse error at line 1, col 53: syntax error: unexpected RANGE",
        "slo.yaml:9:22: error: slos[0].sli.events.total_query: not a valid LogQL metric query: parse error at line 1, col 53: syntax error: unexpected $end, expecting )");
  }

  @Test
  void promqlGetsALightCheck() {
    String slo = """
          - name: a
            objective: 99
            sli:
              raw:
                error_ratio_query: sum(rate(x{code="5.."}[{{.window}}])
        """;
    assertThat(SpecFiles.problems(sloth(slo))).containsExactly(
        "slo.yaml:8:28: error: slos[0].sli.raw.error_ratio_query: not a valid PromQL query: '(' at line 1, col 4 of the query is not closed");
  }

  @Test
  void missingKeysWrongKindsAndUnknownKeysWithSuggestions() {
    String text = """
        version: prometheus/v1
        service: api
        slos:
          - objective: 99
            sli: []
          - name: b
            objectiv: 99
            sli: {events: {error_query: 'sum(rate(e[{{.window}}]))', total_query: 'sum(rate(t[{{.window}}]))'}}
            alerting:
              page_alert: {disabel: true}
        """;
    assertThat(SpecFiles.problems(text)).containsExactly(
        "slo.yaml:4:5: error: slos[0]: missing required key 'name'",
        "slo.yaml:5:10: error: slos[0].sli: expected a mapping with the keys events, raw, plugin, got a list",
        "slo.yaml:6:5: error: slos[1]: missing required key 'objective'",
        "slo.yaml:7:5: error: unknown key 'objectiv' in slos[1]; did you mean 'objective'?",
        "slo.yaml:10:20: error: unknown key 'disabel' in slos[1].alerting.page_alert; did you mean 'disable'?");
  }

  @Test
  void twoSlosWithTheSameIdAcrossFiles() {
    String file = sloth("  - name: a\n    objective: 99\n" + EVENTS);
    SloSpecParser.ParseResult result = new SloSpecParser().parseAll(List.of(Map.entry("one.yaml", file), Map.entry("two.yaml", file)));

    assertThat(((SloSpecParser.ParseResult.Invalid) result).problems()).extracting(p -> p.format()).containsExactly(
        "two.yaml:4:5: error: SLO id 'api-a' is already defined at one.yaml:4:5 (the id is <service>-<name>; rename one)");
  }

  @Test
  void notAnSloDocumentAndNotYaml() {
    assertThat(SpecFiles.problems("foo: 1\n")).containsExactly("slo.yaml:1:1: error: not an SLO document: expected a Sloth spec "
        + "(version: prometheus/v1) or OpenSLO objects (apiVersion: openslo/v1), got a mapping");
    assertThat(SpecFiles.problems("version: prometheus/v2\nservice: a\nslos: []\n"))
        .containsExactly("slo.yaml:1:10: error: version: unsupported Sloth version 'prometheus/v2': expected prometheus/v1");
    assertThat(SpecFiles.problems("a: [1, 2\n")).singleElement().asString().startsWith("slo.yaml:1:9: error: invalid YAML: ");
  }

  @Test
  void slothPluginSlisAreRefusedWithWhatToWriteInstead() {
    String slo = """
          - name: a
            objective: 99
            sli:
              plugin:
                id: sloth-common/kubernetes/apiserver/availability
                options: {filter: 'verb="GET"'}
        """;
    assertThat(SpecFiles.problems(sloth(slo))).containsExactly("slo.yaml:8:9: error: slos[0].sli.plugin: Sloth SLI plugin "
        + "'sloth-common/kubernetes/apiserver/availability' cannot run in Tonari (plugins are Go code that writes PromQL); write the queries it generates under sli.events or sli.raw");
  }

  private static final String OPENSLO = """
      apiVersion: openslo/v1
      kind: SLO
      metadata:
        name: search
      spec:
        service: shop
        indicatorRef: search-availabilty
        timeWindow:
          - duration: 30x
            isRolling: true
        budgetingMethod: Timeslice
        objectives:
          - target: 0.99
            timeSliceWindow: 90s
        alertPolicies:
          - alertPolicyRef: nope
      ---
      apiVersion: openslo/v1
      kind: SLI
      metadata:
        name: search-availability
      spec:
        ratioMetric:
          good:
            metricSource:
              metricSourceRef: prom
              spec:
                query: sum(rate(x[5m]))
          total:
            metricSource:
              type: Datadog
              spec:
                query: x
      ---
      apiVersion: openslo/v1
      kind: AlertPolicy
      metadata:
        name: p
      spec:
        conditions:
          - conditionRef: c
      ---
      apiVersion: openslo/v1
      kind: SLO
      metadata:
        name: cal
      spec:
        service: shop
        indicator:
          spec:
            thresholdMetric:
              metricSource:
                spec:
                  query: 'sum(x'
        timeWindow:
          - duration: 1m
            isRolling: false
            calendar:
              startTime: 2020-13-01 00:00:00
              timeZone: Mars/Olympus
        budgetingMethod: Occurrences
        objectives:
          - target: 99.9
      """;

  @Test
  void openSloUnknownRefsWindowsMethodsSlicesAndTargets() {
    assertThat(SpecFiles.problems(OPENSLO)).containsExactly(
        "slo.yaml:7:17: error: spec.indicatorRef: unknown SLI 'search-availabilty'; did you mean 'search-availability'?",
        "slo.yaml:9:17: error: spec.timeWindow[0].duration: invalid duration \"30x\": expected number+unit pairs such as 168h, 10m, 1h30m or 500ms (units y, w, d, h, m, s, ms, us, ns)",
        "slo.yaml:11:20: error: spec.budgetingMethod: unknown budgetingMethod 'Timeslice'; did you mean 'Timeslices'?",
        "slo.yaml:14:24: error: spec.objectives[0].timeSliceWindow: timeSliceWindow 90s is not a positive whole number of minutes: slices are built from per-minute rollups",
        "slo.yaml:16:23: error: spec.alertPolicies[0].alertPolicyRef: unknown AlertPolicy 'nope'; known: p",
        "slo.yaml:26:26: error: spec.ratioMetric.good.metricSource.metricSourceRef: unknown DataSource 'prom'; no DataSource is defined in the files parsed together",
        "slo.yaml:31:15: error: spec.ratioMetric.total.metricSource.type: metric source type 'Datadog' cannot be queried by Tonari: use Prometheus (PromQL), "
            + "or Loki, Tonari or LogQL (LogQL over the tenant's own logs), or leave type out to detect the language from the query",
        "slo.yaml:41:21: error: spec.conditions[0].conditionRef: unknown AlertCondition 'c'; no AlertCondition is defined in the files parsed together",
        "slo.yaml:54:20: error: spec.indicator.spec.thresholdMetric.metricSource.spec.query: not a valid PromQL query: '(' at line 1, col 4 of the query is not closed",
        "slo.yaml:56:17: error: spec.timeWindow[0].duration: a calendar window of '1m': write a count and one of d, w, M, Q, Y, e.g. 1M (1m is minutes; a month is 1M)",
        "slo.yaml:59:20: error: spec.timeWindow[0].calendar.startTime: startTime '2020-13-01 00:00:00' is not a date and time like 2020-01-21 12:30:00",
        "slo.yaml:60:19: error: spec.timeWindow[0].calendar.timeZone: unknown time zone 'Mars/Olympus': use an IANA name such as America/New_York or UTC",
        "slo.yaml:63:15: error: spec.objectives[0].target: target 99.9 is out of range: OpenSLO's target is a ratio in (0, 1), e.g. 0.999 (or targetPercent: 99.9)");
  }

  @Test
  void burnRateConditionsMustRiseToTheirThreshold() {
    String text = """
        apiVersion: openslo/v1
        kind: AlertCondition
        metadata: {name: cpu-usage-breach}
        spec:
          severity: page
          condition: {kind: burnrate, op: lte, threshold: 2, lookbackWindow: 90s, alertAfter: 5m}
        """;
    assertThat(SpecFiles.problems(text)).containsExactly(
        "slo.yaml:6:35: error: spec.condition.op: op 'lte': a burn-rate condition fires when the burn rate rises to its threshold, so op must be gt or gte",
        "slo.yaml:6:70: error: spec.condition.lookbackWindow: lookbackWindow must be a positive whole number of minutes, got 1m30s");
  }

  @Test
  void duplicateObjectNamesAndUnknownKinds() {
    String text = """
        apiVersion: openslo/v1
        kind: Service
        metadata: {name: shop}
        spec: {}
        ---
        apiVersion: openslo/v1
        kind: Service
        metadata: {name: shop}
        spec: {}
        ---
        apiVersion: openslo/v1
        kind: Servce
        metadata: {name: x}
        spec: {}
        """;
    assertThat(SpecFiles.problems(text)).containsExactly(
        "slo.yaml:8:18: error: metadata.name: Service 'shop' is already defined at slo.yaml:1:1",
        "slo.yaml:12:7: error: kind: unknown OpenSLO kind 'Servce'; did you mean 'Service'?");
  }

  @Test
  void everyProblemOfAFileIsReportedNotJustTheFirst() {
    String slo = """
          - name: a
            objective: 101
            group_by: [pod, pod, "bad-name"]
            sli:
              events:
                error_query: sum(rate(errors_total[5m]))
                total_query: ""
        """;
    assertThat(SpecFiles.problems(sloth(slo))).hasSize(5);
  }
}
