package dev.tonari.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.tenancy.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tonari's alert templates against Prometheus itself: the same rule, with many templates over
 * many values, is evaluated by the ruler, and what it makes of labels and annotations is handed to
 * {@code promtool test rules} as the expected alerts of Prometheus' own evaluation of the rule.
 * promtool passes only if every expanded label and annotation is identical, error texts included
 * ({@code <error expanding template: ...>} with Prometheus' positions). promtool's unit tests have
 * no external labels or URL (Prometheus 2.42), so those are empty here and covered by {@code
 * AlertTemplatesTest} and {@code PrometheusApiConformanceTest}.
 */
class AlertTemplatesPrometheusConformanceTest {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  /** Sample values, in promtool's series notation and as doubles. */
  private static final Map<String, Double> VALUES = new LinkedHashMap<>();

  static {
    VALUES.put("0", 0.0);
    VALUES.put("1234567", 1234567.0);
    VALUES.put("0.1234567", 0.1234567);
    VALUES.put("-0.00012", -0.00012);
    VALUES.put("1048576", 1048576.0);
    VALUES.put("899.99", 899.99);
    VALUES.put("1435065584.128", 1435065584.128);
    VALUES.put("262861", 262861.0);
    VALUES.put("3661.5", 3661.5);
    VALUES.put("59.999", 59.999);
    VALUES.put("-125", -125.0);
    VALUES.put("0.000000002", 0.000000002);
    VALUES.put("1e30", 1e30);
    VALUES.put("1e20", 1e20);
    VALUES.put("NaN", Double.NaN);
    VALUES.put("Inf", Double.POSITIVE_INFINITY);
    VALUES.put("-Inf", Double.NEGATIVE_INFINITY);
  }

  private static final Map<String, String> ANNOTATIONS = new TreeMap<>();

  static {
    String[] templates = {
      "{{ humanize $value }}",
      "{{ humanize1024 $value }}",
      "{{ humanizeDuration $value }}",
      "{{ humanizePercentage $value }}",
      "{{ humanizeTimestamp $value }}",
      "{{ $value }} {{ .Value }} {{ printf \"%.2f|%g|%e\" $value $value $value }}",
      "{{ $value | humanize }} {{ humanize \"1234567\" }} {{ humanizeDuration \"90\" }} {{ humanize 1500 }}",
      "{{ $labels.instance | toUpper }} {{ title \"aa bb CC don't\" }} {{ toLower \"AbC\" }}",
      "{{ reReplaceAll \"localhost:(.*)\" \"my.domain:$1\" $labels.instance }} {{ reReplaceAll \"(?P<port>[0-9]+)\" \"<${port}>\" $labels.instance }}",
      "{{ if match \"^local\" $labels.instance }}local{{ else }}remote{{ end }} {{ match \"x\" \"y\" }}",
      "[{{ $labels.missing }}] [{{ .Labels.instance }}] {{ len $labels }}",
      "{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}",
      "{{ stripPort $labels.instance }} {{ stripPort \"[::1]:80\" }} {{ stripPort \"nohost\" }}",
      "{{ toTime 1435065584.128 }}",
      // externalURL and pathPrefix fail in promtool, which has no external URL; AlertTemplatesTest covers them.
      "{{ args 1 \"a\" }} {{ safeHtml \"<b>\" }} [{{ $externalURL }}] [{{ $externalLabels }}]",
      "{{ $value | toUpper }} {{ \"x\" | printf \"%s%s\" \"y\" | toUpper }}",
      "{{ \"abc\" | humanize }}",
      "é {{ humanize  \"é\" }}",
      "{{ with $labels.instance }}{{ . }}{{ end }} {{ if gt $value 100.0 }}big{{ else }}small{{ end }}",
      "{{ humanize \"abc\" }}",
      "{{ toUpper $value }}",
      "{{ reReplaceAll \"(\" \"x\" \"y\" }}",
      "{{ match \"(\" \"y\" }}",
      "{{ humanizeTimestamp 1e20 }}",
      "line one\n  {{ humanize true }}",
      "{{ index $labels \"instance\" }} {{ printf \"%s=%v\" \"v\" $value }} {{ html \"<a&b>\" }} {{ js \"it's\" }} {{ urlquery \"a b&c\" }}",
      "{{ 1 | printf \"%d\" }} {{ eq $labels.instance \"localhost:3000\" }} {{ and 1 0 }} {{ or 0 \"x\" }} {{ not true }}",
      "{{ humanize 0.000001 }} {{ humanize -1500000 }} {{ humanize1024 1023 }} {{ humanize1024 -2048 }} {{ humanizeDuration -90061 }}",
      "{{ humanizeDuration 0.0015 }} {{ humanizeDuration 1e-10 }} {{ humanizePercentage \"0.5\" }} {{ humanizeTimestamp \"0\" }}",
    };
    for (int i = 0; i < templates.length; i++) {
      ANNOTATIONS.put(String.format("t%02d", i), templates[i]);
    }
  }

  /** Templates that do not parse: Prometheus refuses the rule file, with these messages. */
  private static final List<String> UNPARSABLE = List.of("{{ nosuchfunction $value }}", "{{ if }}", "{{ $undefined }}", "{{ humanize 1 ", "{{ range $labels }}");

  private static final Map<String, String> LABELS = Map.of("size", "{{ if gt $value 1000.0 }}large{{ else }}small{{ end }}",
      "pretty", "{{ humanize $value }}", "instance", "{{ $labels.instance }}", "empty", "{{ if false }}x{{ end }}");

  @Test
  void everyExpandedLabelAndAnnotationIsWhatPrometheusMakesOfIt(@TempDir Path directory) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(PROMTOOL), "skipped: promtool (prometheus) not installed");
    Instant at = Instant.parse("2026-01-05T10:00:00Z");
    ScriptedQuerier querier = new ScriptedQuerier();
    List<Sample> samples = new ArrayList<>();
    List<Map<String, Object>> inputSeries = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, Double> value : VALUES.entrySet()) {
      String instance = index % 2 == 0 ? "localhost:3000" : "db-" + index + ".example.com:9100";
      samples.add(ScriptedQuerier.sample(value.getValue(), "__name__", "m", "case", "c" + index, "instance", instance));
      inputSeries.add(Map.of("series", "m{case=\"c" + index + "\",instance=\"" + instance + "\"}", "values", value.getKey()));
      index++;
    }
    querier.answer("m", samples.toArray(Sample[]::new));
    StaticRuleSource source = new StaticRuleSource();
    source.put("t", "rules.yml", new RuleGroup("g", Optional.empty(), 0, List.of(new AlertingRule("T", "m", Duration.ZERO, Duration.ZERO, LABELS, ANNOTATIONS))));
    List<RuleViews.Alert> alerts;
    try (Ruler ruler = new Ruler(EvaluationSettings.defaults(""), List.of(source), querier, (tenant, sent) -> {}, (tenant, recorded) -> {},
        changes -> {}, new MutableClock(at), directory.resolve("state"))) {
      ruler.evaluateAllAt(at);
      alerts = ruler.alerts("t");
    }
    assertThat(alerts).hasSize(VALUES.size());
    String badNumber = ANNOTATIONS.entrySet().stream().filter(entry -> entry.getValue().equals("{{ humanize \"abc\" }}")).findFirst().orElseThrow().getKey();
    assertThat(alerts.get(0).annotations().get(badNumber)).startsWith("<error expanding template: error executing template __alert_T: template: __alert_T:1:115:");

    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("alert", "T");
    rule.put("expr", "m");
    rule.put("labels", LABELS);
    rule.put("annotations", ANNOTATIONS);
    Files.writeString(directory.resolve("rules.yml"), yaml.writeValueAsString(Map.of("groups", List.of(Map.of("name", "g", "rules", List.of(rule))))));
    List<Map<String, Object>> expected = new ArrayList<>();
    for (RuleViews.Alert alert : alerts) {
      expected.add(Map.of("exp_labels", alert.labels(), "exp_annotations", alert.annotations()));
    }
    Map<String, Object> test = new LinkedHashMap<>();
    test.put("interval", "1m");
    test.put("input_series", inputSeries);
    test.put("alert_rule_test", List.of(Map.of("eval_time", "0m", "alertname", "T", "exp_alerts", expected)));
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("rule_files", List.of("rules.yml"));
    file.put("evaluation_interval", "1m");
    file.put("tests", List.of(test));
    Path testFile = directory.resolve("test.yml");
    Files.writeString(testFile, yaml.writeValueAsString(file));

    String output = run(directory, PROMTOOL.toString(), "test", "rules", testFile.getFileName().toString());
    if (!output.startsWith("0\n")) {
      assertThat(differences(alerts, output)).as("Tonari's expansion (left) against Prometheus' (right)").isEmpty();
    }
    assertThat(output).as("promtool test rules").startsWith("0\n");
  }

  /** Each label and annotation where promtool's "got" differs from ours, as "labels key: ours | Prometheus'". */
  private static List<String> differences(List<RuleViews.Alert> ours, String output) {
    int got = output.indexOf("got:[");
    assertThat(got).as("promtool output has a got section:\n" + output).isPositive();
    List<Map<String, String>> labels = new ArrayList<>();
    List<Map<String, String>> annotations = new ArrayList<>();
    for (String line : output.substring(got).split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("Labels:{")) {
        labels.add(GoLabels.parse(trimmed.substring("Labels:".length())));
      } else if (trimmed.startsWith("Annotations:{")) {
        annotations.add(GoLabels.parse(trimmed.substring("Annotations:".length()).replaceAll("},?$", "}")));
      }
    }
    List<String> differences = new ArrayList<>();
    for (RuleViews.Alert alert : ours) {
      int index = labels.indexOf(new TreeMap<>(alert.labels()));
      if (index < 0) {
        differences.add("no alert " + alert.labels() + " from Prometheus; it has " + labels);
        continue;
      }
      Map<String, String> theirs = annotations.get(index);
      alert.annotations().forEach((key, value) -> {
        if (!value.equals(theirs.get(key))) {
          differences.add(alert.labels().get("case") + " " + key + " " + ANNOTATIONS.get(key) + ": " + value + " | " + theirs.get(key));
        }
      });
    }
    return differences;
  }

  /** Runs a command with its output in a file (so that a long output cannot block it); the exit code, a newline, the output. */
  private static String run(Path directory, String... command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(directory, "promtool", ".log");
    Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = process.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(finished).as("promtool finished within 60 s").isTrue();
    return process.exitValue() + "\n" + Files.readString(log, StandardCharsets.UTF_8);
  }

  @Test
  void templatesThatDoNotParseFailWithPrometheusMessages(@TempDir Path directory) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(PROMTOOL), "skipped: promtool (prometheus) not installed");
    AlertTemplates templates = new AlertTemplates(Map.of(), "");
    Map<String, String> annotations = new TreeMap<>();
    for (int i = 0; i < UNPARSABLE.size(); i++) {
      annotations.put("u" + i, UNPARSABLE.get(i));
    }
    Map<String, String> expanded = templates.compile("T", Map.of(), annotations).annotations(Map.of(), 1);
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("alert", "T");
    rule.put("expr", "vector(1)");
    rule.put("annotations", annotations);
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Files.writeString(directory.resolve("rules.yml"), yaml.writeValueAsString(Map.of("groups", List.of(Map.of("name", "g", "rules", List.of(rule))))));

    String output = run(directory, PROMTOOL.toString(), "check", "rules", "rules.yml");

    for (Map.Entry<String, String> entry : expanded.entrySet()) {
      String prefix = "<error expanding template: error parsing template __alert_T: ";
      assertThat(entry.getValue()).startsWith(prefix).endsWith(">");
      String message = entry.getValue().substring(prefix.length(), entry.getValue().length() - 1);
      assertThat(output).as("our message for %s", annotations.get(entry.getKey())).contains("annotation \"" + entry.getKey() + "\": " + message + "\n");
    }
  }
}
