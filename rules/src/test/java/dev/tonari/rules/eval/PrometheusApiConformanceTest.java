package dev.tonari.rules.eval;

import static dev.tonari.rules.eval.ScriptedQuerier.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RecordingRule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.tenancy.MutableClock;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tonari's {@code /api/v1/rules} and {@code /api/v1/alerts} JSON against a real Prometheus (the
 * Debian package's {@code /usr/bin/prometheus}) running the same rules over constant
 * expressions: the same fields in the same order with the same JSON types, and the same values
 * wherever they do not depend on when things ran (names, queries, durations, labels, expanded
 * annotations with external labels and URL, states, health, error texts, alert values as
 * strings). Times must have Go's RFC 3339 form.
 */
class PrometheusApiConformanceTest {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Set<String> TIMING_FIELDS = Set.of("activeAt", "lastEvaluation", "evaluationTime", "keepFiringSince");
  private static final Pattern GO_TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d*[1-9])?(Z|[+-]\\d\\d:\\d\\d)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String HIGH = "label_replace(vector(2), \"instance\", \"localhost:3000\", \"\", \"\")";
  private static final String DUP = "label_replace(vector(1), \"x\", \"a\", \"\", \"\") or label_replace(vector(2), \"x\", \"b\", \"\", \"\")";
  private static final Map<String, String> HIGH_LABELS = Map.of("severity", "page", "computed", "{{ $value | humanize }}");
  private static final Map<String, String> HIGH_ANNOTATIONS = Map.of(
      "summary", "value {{ humanize $value }} on {{ $labels.instance }} in {{ $externalLabels.cluster }}, see {{ $externalURL }}",
      "bad", "{{ humanize \"abc\" }}");

  private static final String RULES = """
      groups:
      - name: example
        interval: 1s
        limit: 5
        rules:
        - alert: HighValue
          expr: 'label_replace(vector(2), "instance", "localhost:3000", "", "")'
          keep_firing_for: 5m
          labels:
            severity: page
            computed: '{{ $value | humanize }}'
          annotations:
            summary: 'value {{ humanize $value }} on {{ $labels.instance }} in {{ $externalLabels.cluster }}, see {{ $externalURL }}'
            bad: '{{ humanize "abc" }}'
        - alert: Pending
          expr: vector(2)
          for: 1h
        - record: job:test:sum
          expr: vector(3)
        - record: job:test2
          expr: vector(4)
          labels:
            a: b
      - name: second
        rules:
        - alert: Dup
          expr: 'label_replace(vector(1), "x", "a", "", "") or label_replace(vector(2), "x", "b", "", "")'
          labels:
            x: same
      """;

  @Test
  void rulesAndAlertsAreShapedAsPrometheusShapesThem(@TempDir Path directory) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(PROMETHEUS), "skipped: prometheus not installed");
    Files.writeString(directory.resolve("rules.yml"), RULES);
    Files.writeString(directory.resolve("prometheus.yml"), """
        global:
          evaluation_interval: 1s
          external_labels:
            cluster: eu1
        rule_files: [rules.yml]
        """);
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path log = directory.resolve("prometheus.log");
    Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=prometheus.yml", "--web.listen-address=127.0.0.1:" + port,
        "--storage.tsdb.path=" + directory.resolve("data"), "--web.external-url=http://tonari.example/")
        .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    JsonNode theirRules;
    JsonNode theirAlerts;
    try {
      theirRules = awaitEvaluated(port, log);
      theirAlerts = JSON.readTree(get(port, "/api/v1/alerts"));
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }

    ScriptedQuerier querier = new ScriptedQuerier().answer(HIGH, sample(2, "instance", "localhost:3000")).answer("vector(2)", sample(2))
        .answer("vector(3)", sample(3)).answer("vector(4)", sample(4)).answer(DUP, sample(1, "x", "a"), sample(2, "x", "b"));
    StaticRuleSource source = new StaticRuleSource();
    source.put("t", "rules.yml",
        new RuleGroup("example", Optional.of(Duration.ofSeconds(1)), 5, List.of(
            new AlertingRule("HighValue", HIGH, Duration.ZERO, Duration.ofMinutes(5), HIGH_LABELS, HIGH_ANNOTATIONS),
            new AlertingRule("Pending", "vector(2)", Duration.ofHours(1), Duration.ZERO, Map.of(), Map.of()),
            new RecordingRule("job:test:sum", "vector(3)", Map.of()),
            new RecordingRule("job:test2", "vector(4)", Map.of("a", "b")))),
        new RuleGroup("second", Optional.empty(), 0, List.of(new AlertingRule("Dup", DUP, Duration.ZERO, Duration.ZERO, Map.of("x", "same"), Map.of()))));
    EvaluationSettings settings = EvaluationSettings.defaults("http://tonari.example/").withEvaluationInterval(Duration.ofSeconds(1))
        .withExternalLabels(Map.of("cluster", "eu1"));
    Instant now = Instant.parse("2026-01-05T10:00:00.123456789Z");
    JsonNode ourRules;
    JsonNode ourAlerts;
    try (Ruler ruler = new Ruler(settings, List.of(source), querier, (tenant, alerts) -> {}, (tenant, samples) -> {}, changes -> {},
        new MutableClock(now), directory.resolve("state"))) {
      ruler.evaluateAllAt(now);
      ruler.evaluateAllAt(now.plusSeconds(1));
      ourRules = JSON.readTree(PrometheusRulesJson.rules(ruler.rules("t"), RulesFilter.ALL));
      ourAlerts = JSON.readTree(PrometheusRulesJson.alerts(ruler.alerts("t")));
    }

    List<String> differences = new ArrayList<>();
    compare("rules", ourRules, theirRules, differences);
    compare("alerts", ourAlerts, theirAlerts, differences);
    assertThat(differences).as("ours:\n%s\nPrometheus':\n%s", ourRules.toPrettyString(), theirRules.toPrettyString()).isEmpty();
  }

  /** Polls until every rule of Prometheus has been evaluated twice, bounded to 60 s. */
  private static JsonNode awaitEvaluated(int port, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = get(port, "/api/v1/rules");
        JsonNode rules = JSON.readTree(last);
        boolean evaluated = rules.path("data").path("groups").size() == 2;
        for (JsonNode group : rules.path("data").path("groups")) {
          for (JsonNode rule : group.path("rules")) {
            evaluated &= !rule.path("lastEvaluation").asText().startsWith("0001-");
          }
        }
        if (evaluated) {
          Thread.sleep(1500);
          return JSON.readTree(get(port, "/api/v1/rules"));
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Prometheus did not evaluate its rules within 60 s; last answer: " + last + "\nlog:\n" + Files.readString(log));
  }

  private static String get(int port, String path) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
    connection.setConnectTimeout(2000);
    connection.setReadTimeout(5000);
    try (var in = connection.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      connection.disconnect();
    }
  }

  private static void compare(String path, JsonNode ours, JsonNode theirs, List<String> differences) {
    if (ours.getNodeType() != theirs.getNodeType()) {
      differences.add(path + ": ours is " + ours.getNodeType() + " " + ours + ", Prometheus' " + theirs.getNodeType() + " " + theirs);
      return;
    }
    if (ours.isObject()) {
      List<String> ourFields = new ArrayList<>();
      ours.fieldNames().forEachRemaining(ourFields::add);
      List<String> theirFields = new ArrayList<>();
      theirs.fieldNames().forEachRemaining(theirFields::add);
      boolean labelMap = path.endsWith(".labels") || path.endsWith(".annotations");
      if (!ourFields.equals(theirFields) && !(labelMap && Set.copyOf(ourFields).equals(Set.copyOf(theirFields)))) {
        differences.add(path + ": fields " + ourFields + " against Prometheus' " + theirFields);
        return;
      }
      for (String field : ourFields) {
        String child = path + "." + field;
        if (TIMING_FIELDS.contains(field)) {
          if (ours.get(field).getNodeType() != theirs.get(field).getNodeType()) {
            differences.add(child + ": type " + ours.get(field).getNodeType() + " against " + theirs.get(field).getNodeType());
          } else if (ours.get(field).isTextual() && !GO_TIME.matcher(ours.get(field).asText()).matches()) {
            differences.add(child + ": " + ours.get(field) + " is not Go's RFC 3339 time");
          }
          continue;
        }
        compare(child, ours.get(field), theirs.get(field), differences);
      }
      return;
    }
    if (ours.isArray()) {
      if (ours.size() != theirs.size()) {
        differences.add(path + ": " + ours.size() + " elements against Prometheus' " + theirs.size());
        return;
      }
      Iterator<JsonNode> theirElements = theirs.elements();
      int index = 0;
      for (JsonNode element : ours) {
        compare(path + "[" + index++ + "]", element, theirElements.next(), differences);
      }
      return;
    }
    if (!ours.equals(theirs) && !(ours.isNumber() && ours.asDouble() == theirs.asDouble())) {
      differences.add(path + ": " + ours + " against Prometheus' " + theirs);
    }
  }
}
