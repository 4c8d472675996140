package dev.tonari.slo.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SloSchemaTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Surefire runs in the module directory; docs/ is one level up. */
  private static Path published() {
    return Path.of("..", "docs", "slo.schema.json");
  }

  @Test
  void publishedSchemaIsTheGeneratedOne() throws Exception {
    assertThat(Files.readString(published())).as("docs/slo.schema.json is stale: run SloSchema.main from the repository root")
        .isEqualTo(SloSchema.generate());
  }

  @Test
  void schemaListsExactlyTheKeysOfTheTables() throws Exception {
    JsonNode schema = MAPPER.readTree(SloSchema.generate());
    assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    Set<String> inSchema = new TreeSet<>();
    schema.get("$defs").fields().forEachRemaining(definition ->
        definition.getValue().get("properties").fieldNames().forEachRemaining(key -> inSchema.add(definition.getKey() + "." + key)));
    assertThat(inSchema).isEqualTo(allTableKeys());
  }

  @Test
  void theParserReadsEveryKeyOfTheTables() {
    // Every example, plus one document with each key the examples leave out.
    String rest = """
        version: prometheus/v1
        service: s
        slos:
          - name: a
            objective: 99
            infoLabels: {a: b}
            interval: {all: 1m, slierror: 1m, metadata: 1m, alert: 1m}
            plugins: {chain: []}
            sli: {plugin: {id: x, options: {}}}
        ---
        apiVersion: openslo/v1
        kind: SLO
        metadata: {name: b, annotations: {a: b}}
        spec:
          service: s
          indicatorRef: i
          budgetingMethod: Occurrences
          objectives: [{target: 0.9}]
          alertPolicies:
            - kind: AlertPolicy
              apiVersion: openslo/v1
              metadata: {name: p}
              spec:
                alertWhenNoData: true
                conditions:
                  - {conditionRef: c}
                notificationTargets:
                  - {kind: AlertNotificationTarget, apiVersion: openslo/v1, metadata: {name: t}, spec: {target: slack}}
        ---
        apiVersion: openslo/v1
        kind: AlertCondition
        metadata: {name: c}
        spec: {severity: page, condition: {op: gt, threshold: 2, lookbackWindow: 1h}}
        ---
        apiVersion: openslo/v1
        kind: SLI
        metadata: {name: i}
        spec: {ratioMetric: {raw: {metricSource: {spec: {query: 'sum(rate(x[{{.window}}]))'}}}, rawType: failure}}
        ---
        apiVersion: openslo/v1
        kind: DataSource
        metadata: {name: prom}
        spec: {type: Prometheus, connectionDetails: {url: 'http://p:9090', bearerToken: t, username: u, password: p, orgId: o}}
        """;
    Set<String> keysRead = new HashSet<>();
    SloSpecParser parser = new SloSpecParser();
    for (String name : List.of("sloth-getting-started.yml", "sloth-multifile.yml", "sloth-k8s-apiserver.yml", "sloth-raw-home-wifi.yml",
        "sloth-logql.yml", "openslo-calendar-timeslices.yaml", "openslo-threshold-ratio-timeslices.yaml")) {
      parser.parseAll(List.of(Map.entry(name, SpecFiles.read(name))), keysRead);
    }
    parser.parseAll(List.of(Map.entry("a", SpecFiles.read("openslo-indicator-ref.yaml")), Map.entry("b", SpecFiles.read("openslo-alerting.yaml"))),
        keysRead);
    parser.parseAll(List.of(Map.entry("rest", rest)), keysRead);

    assertThat(new TreeSet<>(keysRead)).isEqualTo(allTableKeys());
  }

  private static Set<String> allTableKeys() {
    Set<String> keys = new TreeSet<>();
    SpecKeys.tables().forEach((table, entries) -> entries.keySet().forEach(key -> keys.add(table + "." + key)));
    return keys;
  }
}
