package dev.tonari.rules.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RecordingRule;
import dev.tonari.rules.model.Rule;
import dev.tonari.rules.model.RuleGroup;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Golden renderings in the shapes of Loki's rules API, and parse, write, parse round trips. */
class RuleFileRoundTripTest {
  private final RuleFileParser parser = new RuleFileParser();

  @Test
  void rendersAGroupAsLokiAnswersIt() throws Exception {
    RuleGroup group = parser.parseGroup("body", LokiExamples.RECORDING_GROUP);
    assertThat(RuleFileWriter.group(group)).isEqualTo("""
        name: NginxRules
        interval: 1m
        rules:
          - record: nginx:requests:rate1m
            expr: |
              sum(
                rate({container="nginx"}[1m])
              )
            labels:
              cluster: us-central1
        """);
  }

  @Test
  void rendersNamespacesAsLokiAnswersThem() throws Exception {
    RuleFile parsed = parser.parseFile("rules.yaml", LokiExamples.ALERTING_FILE);
    String expected = """
        team/app:
          - name: should_fire
            rules:
              - alert: HighPercentageError
                expr: |
                  sum(rate({app="foo", env="production"} |= "error" [5m])) by (job)
                    /
                  sum(rate({app="foo", env="production"}[5m])) by (job)
                    > 0.05
                for: 10m
                labels:
                  severity: page
                annotations:
                  summary: High request latency
          - name: credentials_leak
            rules:
              - alert: http-credentials-leaked
                expr: 'sum by (cluster, job, pod) (count_over_time({namespace="prod"} |~ "http(s?)://(\\\\w+):(\\\\w+)@" [5m]) > 0)'
                for: 10m
                labels:
                  severity: critical
                annotations:
                  message: '{{ $labels.job }} is leaking http basic auth credentials.'
        """;
    assertThat(RuleFileWriter.namespace("team/app", parsed.groups())).isEqualTo(expected);
    Map<String, List<RuleGroup>> all = new LinkedHashMap<>();
    all.put("team/app", parsed.groups());
    all.put("other", List.of(new RuleGroup("1", Optional.of(Duration.ofMinutes(90)), 5, List.of())));
    assertThat(RuleFileWriter.namespaces(all)).isEqualTo(expected + "other:\n  - name: '1'\n    interval: 1h30m\n    limit: 5\n    rules: []\n");
  }

  @Test
  void lokisExamplesSurviveARoundTrip() throws Exception {
    RuleFile parsed = parser.parseFile("rules.yaml", LokiExamples.ALERTING_FILE);
    String written = RuleFileWriter.file(Optional.of("ns"), parsed.groups());
    assertThat(parser.parseFile("written.yaml", written)).isEqualTo(new RuleFile(Optional.of("ns"), parsed.groups()));
    RuleGroup group = parser.parseGroup("body", LokiExamples.RECORDING_GROUP);
    assertThat(parser.parseGroup("written", RuleFileWriter.group(group))).isEqualTo(group);
    Map<String, List<RuleGroup>> one = Map.of("ns", parsed.groups());
    assertThat(parser.parseFile("all", "groups:\n" + RuleFileWriter.namespaces(one).lines().skip(1).map(line -> line + "\n")
        .reduce("", String::concat)).groups()).isEqualTo(parsed.groups());
  }

  /** Strings YAML could misread if written plain: numbers, booleans, indicators, quotes, blank lines, control characters. */
  private static final List<String> AWKWARD = List.of("true", "no", "~", "null", "123", "1e3", "0x1F", "- dash", "? q", ": colon", "a: b",
      "a #b", "#c", "'quoted'", "\"double\"", "trailing ", " leading", "tab\there", "line\n\nafter blank\n", "two\nlines", "ends\n\n",
      "\u0001ctl", "emoji \uD83D\uDE00", "{{ $labels.job }}", "[x]", "*alias", "&anchor", "!tag", "%p", "@a", "`b", "|pipe", ">fold",
      "back\\slash", "caf\u00e9", "", "x:", "1:20", ".5", "-1", "+1", "=", "<<");

  @Test
  void awkwardStringsSurviveARoundTrip() throws Exception {
    for (String text : AWKWARD) {
      RuleGroup group = new RuleGroup("g " + text, Optional.empty(), 0,
          List.of(new RecordingRule("r", "sum(rate({a=\"b\"}[1m]))", Map.of("v", text))));
      assertThat(parser.parseGroup("written", RuleFileWriter.group(group))).as("round trip of %s", text).isEqualTo(group);
      assertThat(parser.parseFile("written", RuleFileWriter.namespace(text.isEmpty() ? "x" : text, List.of(group)).replaceFirst("(?s)^.*?\n", "groups:\n")).groups())
          .as("namespace key %s", text).containsExactly(group);
    }
  }

  @Test
  void randomGroupsSurviveARoundTrip() throws Exception {
    Random random = new Random(20240501);
    List<String> exprs = List.of("sum(rate({app=\"a\"}[5m])) > 0", "count_over_time({job=~\"x|y\"} |= \"err\" [1m])",
        "sum by (pod) (rate({a=\"b\"} | json | status >= 500 [10m]))\n  /\nsum by (pod) (rate({a=\"b\"}[10m]))\n");
    for (int round = 0; round < 200; round++) {
      List<Rule> rules = new java.util.ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(4); i++) {
        String expr = exprs.get(random.nextInt(exprs.size()));
        Map<String, String> labels = Map.of("k" + random.nextInt(3), AWKWARD.get(random.nextInt(AWKWARD.size())).replace("{{", "{ {"));
        rules.add(random.nextBoolean()
            ? new RecordingRule("rec:" + i, expr, labels)
            : new AlertingRule("Alert" + i, expr, Duration.ofSeconds(random.nextInt(4000)), Duration.ofMinutes(random.nextInt(3)), labels,
                Map.of("summary", AWKWARD.get(random.nextInt(AWKWARD.size())).replace("{{", "{ {"))));
      }
      Optional<Duration> interval = random.nextBoolean() ? Optional.empty() : Optional.of(Duration.ofSeconds(1 + random.nextInt(100_000)));
      RuleGroup group = new RuleGroup("group-" + round, interval, random.nextInt(3), rules);
      String written = RuleFileWriter.group(group);
      assertThat(parser.parseGroup("written", written)).as(written).isEqualTo(group);
    }
  }
}
