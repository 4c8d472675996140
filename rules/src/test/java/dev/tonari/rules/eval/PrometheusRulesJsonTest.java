package dev.tonari.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.model.RuleNamespace;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The JSON of {@code /api/v1/rules} and {@code /api/v1/alerts} against the examples of
 * Prometheus' HTTP API documentation: every field the example shows is there with the example's
 * value; the filters of the rules endpoint; Go's number and time spelling.
 */
class PrometheusRulesJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** From the "Rules" section of Prometheus' HTTP API page. */
  private static final String DOCUMENTED_RULES = """
      {"data":{"groups":[{"rules":[{"alerts":[{"activeAt":"2018-07-04T20:27:12.60602144+02:00","annotations":{"summary":"High request latency"},
      "labels":{"alertname":"HighRequestLatency","severity":"page"},"state":"firing","value":"1e+00"}],"annotations":{"summary":"High request latency"},
      "duration":600,"health":"ok","labels":{"severity":"page"},"name":"HighRequestLatency","query":"job:request_latency_seconds:mean5m{job=\\"myjob\\"} > 0.5",
      "type":"alerting"},{"health":"ok","name":"job:http_inprogress_requests:sum","query":"sum by (job) (http_inprogress_requests)","type":"recording"}],
      "file":"/rules.yaml","interval":60,"name":"example"}]},"status":"success"}
      """;

  /** From the "Alerts" section. */
  private static final String DOCUMENTED_ALERTS = """
      {"data":{"alerts":[{"activeAt":"2018-07-04T20:27:12.60602144+02:00","annotations":{},"labels":{"alertname":"my-alert"},"state":"firing",
      "value":"1e+00"}]},"status":"success"}
      """;

  private static final Instant ACTIVE_AT = OffsetDateTime.parse("2018-07-04T20:27:12.60602144+02:00").toInstant();

  private static List<RuleViews.Group> documentedGroups() {
    RuleViews.Alert alert = new RuleViews.Alert(Map.of("alertname", "HighRequestLatency", "severity", "page"), Map.of("summary", "High request latency"),
        AlertState.FIRING, ACTIVE_AT, Optional.empty(), 1);
    RuleViews.AlertingRule alerting = new RuleViews.AlertingRule(AlertState.FIRING, "HighRequestLatency", "job:request_latency_seconds:mean5m{job=\"myjob\"} > 0.5",
        Duration.ofMinutes(10), Duration.ZERO, Map.of("severity", "page"), Map.of("summary", "High request latency"), List.of(alert), RuleHealth.OK, "",
        Duration.ofNanos(1_500_000), Optional.of(ACTIVE_AT.plusSeconds(60)));
    RuleViews.RecordingRule recording = new RuleViews.RecordingRule("job:http_inprogress_requests:sum", "sum by (job) (http_inprogress_requests)",
        Map.of(), RuleHealth.OK, "", Duration.ofNanos(53_572), Optional.of(ACTIVE_AT.plusSeconds(60)));
    return List.of(new RuleViews.Group("example", "/rules.yaml", RuleNamespace.Origin.FILE, List.of(alerting, recording), Duration.ofMinutes(1), 0,
        Duration.ofNanos(1_600_000), Optional.of(ACTIVE_AT.plusSeconds(60))));
  }

  /** Every field of the documented example is in ours with the same value (times as instants). */
  private static void assertContainsDocumented(String path, JsonNode ours, JsonNode documented) {
    assertThat(ours.getNodeType()).as(path).isEqualTo(documented.getNodeType());
    if (documented.isObject()) {
      for (Iterator<String> fields = documented.fieldNames(); fields.hasNext(); ) {
        String field = fields.next();
        assertThat(ours.has(field)).as(path + " has " + field).isTrue();
        if (field.equals("activeAt")) {
          assertThat(OffsetDateTime.parse(ours.get(field).asText()).toInstant()).isEqualTo(OffsetDateTime.parse(documented.get(field).asText()).toInstant());
        } else {
          assertContainsDocumented(path + "." + field, ours.get(field), documented.get(field));
        }
      }
    } else if (documented.isArray()) {
      assertThat(ours.size()).as(path).isEqualTo(documented.size());
      for (int i = 0; i < documented.size(); i++) {
        assertContainsDocumented(path + "[" + i + "]", ours.get(i), documented.get(i));
      }
    } else if (documented.isNumber()) {
      assertThat(ours.asDouble()).as(path).isEqualTo(documented.asDouble());
    } else {
      assertThat(ours).as(path).isEqualTo(documented);
    }
  }

  @Test
  void theRulesExampleOfPrometheusDocumentation() throws Exception {
    String json = PrometheusRulesJson.rules(documentedGroups(), RulesFilter.ALL);

    assertContainsDocumented("", JSON.readTree(json), JSON.readTree(DOCUMENTED_RULES));
    // Go's struct order, Go's numbers (600, not 600.0) and times.
    assertThat(json).contains("{\"state\":\"firing\",\"name\":\"HighRequestLatency\",\"query\":")
        .contains("\"duration\":600,\"keepFiringFor\":0,\"labels\":{\"severity\":\"page\"}")
        .contains("\"health\":\"ok\",\"evaluationTime\":0.0015,\"lastEvaluation\":\"2018-07-04T18:28:12.60602144Z\",\"type\":\"alerting\"")
        .contains("{\"name\":\"job:http_inprogress_requests:sum\",\"query\":\"sum by (job) (http_inprogress_requests)\",\"health\":\"ok\",\"evaluationTime\":0.000053572")
        .contains("\"interval\":60,\"limit\":0,\"evaluationTime\":0.0016,");
    // A recording rule without labels shows none; a healthy rule no lastError.
    assertThat(json).doesNotContain("lastError").doesNotContain("\"labels\":{},\"health\"");
  }

  @Test
  void theAlertsExampleOfPrometheusDocumentation() throws Exception {
    RuleViews.Alert alert = new RuleViews.Alert(Map.of("alertname", "my-alert"), Map.of(), AlertState.FIRING, ACTIVE_AT, Optional.empty(), 1);

    String json = PrometheusRulesJson.alerts(List.of(alert));

    assertContainsDocumented("", JSON.readTree(json), JSON.readTree(DOCUMENTED_ALERTS));
    assertThat(json).isEqualTo("{\"status\":\"success\",\"data\":{\"alerts\":[{\"labels\":{\"alertname\":\"my-alert\"},\"annotations\":{},\"state\":\"firing\","
        + "\"activeAt\":\"2018-07-04T18:27:12.60602144Z\",\"value\":\"1e+00\"}]}}");
  }

  @Test
  void filtersByTypeFileGroupAndName() throws Exception {
    List<RuleViews.Group> groups = documentedGroups();
    RuleViews.Group other = new RuleViews.Group("other", "/other.yaml", RuleNamespace.Origin.API, List.of(groups.get(0).rules().get(1)),
        Duration.ofSeconds(30), 3, Duration.ZERO, Optional.empty());
    List<RuleViews.Group> both = List.of(groups.get(0), other);

    assertThat(names(both, Map.of("type", List.of("alert")))).isEqualTo(List.of("example/HighRequestLatency"));
    // A group whose rules are all filtered out is not shown.
    assertThat(names(both, Map.of("type", List.of("record")))).isEqualTo(List.of("example/job:http_inprogress_requests:sum", "other/job:http_inprogress_requests:sum"));
    assertThat(names(both, Map.of("file[]", List.of("/other.yaml")))).isEqualTo(List.of("other/job:http_inprogress_requests:sum"));
    assertThat(names(both, Map.of("rule_group[]", List.of("example", "nope")))).isEqualTo(List.of("example/HighRequestLatency", "example/job:http_inprogress_requests:sum"));
    assertThat(names(both, Map.of("rule_name[]", List.of("HighRequestLatency")))).isEqualTo(List.of("example/HighRequestLatency"));
    assertThat(names(both, Map.of("type", List.of("alert"), "file[]", List.of("/other.yaml")))).isEmpty();
    String excluded = PrometheusRulesJson.rules(both, RulesFilter.parse(Map.of("exclude_alerts", List.of("true"))));
    assertThat(JSON.readTree(excluded).at("/data/groups/0/rules/0/alerts").isNull()).isTrue();
    assertThat(JSON.readTree(PrometheusRulesJson.rules(both, RulesFilter.ALL)).at("/data/groups/1/lastEvaluation").asText()).isEqualTo("0001-01-01T00:00:00Z");
  }

  private static List<String> names(List<RuleViews.Group> groups, Map<String, List<String>> parameters) throws Exception {
    JsonNode json = JSON.readTree(PrometheusRulesJson.rules(groups, RulesFilter.parse(parameters)));
    List<String> names = new java.util.ArrayList<>();
    for (JsonNode group : json.at("/data/groups")) {
      for (JsonNode rule : group.get("rules")) {
        names.add(group.get("name").asText() + "/" + rule.get("name").asText());
      }
    }
    return names;
  }

  @Test
  void badParametersAreRefusedWithPrometheusMessages() {
    assertThatThrownBy(() -> RulesFilter.parse(Map.of("type", List.of("alerts")))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid parameter \"type\": not supported value \"alerts\"");
    assertThatThrownBy(() -> RulesFilter.parse(Map.of("exclude_alerts", List.of("yes"))))
        .hasMessage("invalid parameter \"exclude_alerts\": strconv.ParseBool: parsing \"yes\": invalid syntax");
    assertThat(PrometheusRulesJson.error("bad_data", "invalid parameter \"type\": not supported value \"alerts\""))
        .isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"type\\\": not supported value \\\"alerts\\\"\"}");
  }

  @Test
  void numbersAndTimesAreSpelledAsGoSpellsThem() {
    assertThat(PrometheusRulesJson.goJsonNumber(600)).isEqualTo("600");
    assertThat(PrometheusRulesJson.goJsonNumber(0.000053572)).isEqualTo("0.000053572");
    assertThat(PrometheusRulesJson.goJsonNumber(5e-7)).isEqualTo("5e-7");
    assertThat(PrometheusRulesJson.goJsonNumber(1.25e-10)).isEqualTo("1.25e-10");
    assertThat(PrometheusRulesJson.goJsonNumber(1e21)).isEqualTo("1e+21");
    assertThat(PrometheusRulesJson.goJsonNumber(0)).isEqualTo("0");
    assertThat(PrometheusRulesJson.time(Optional.of(Instant.parse("2026-01-05T10:00:00.100Z")))).isEqualTo("2026-01-05T10:00:00.1Z");
    assertThat(PrometheusRulesJson.time(Optional.empty())).isEqualTo("0001-01-01T00:00:00Z");
  }
}
