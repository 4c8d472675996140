package dev.tonari.rules.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RecordingRule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.tenancy.config.ConfigProblem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parser on Loki's documented examples and on each mistake it must place and name. */
class RuleFileParserTest {
  private final RuleFileParser parser = new RuleFileParser();

  private List<String> problems(String text) {
    try {
      parser.parseFile("rules.yaml", text);
    } catch (RuleFileException e) {
      return e.problems().stream().map(p -> p.line() + ":" + p.column() + ": " + p.message()).toList();
    }
    throw new AssertionError("expected problems in:\n" + text);
  }

  private static String file(String rules) {
    return "groups:\n  - name: g\n    rules:\n" + rules;
  }

  @Test
  void readsLokisAlertingExample() throws Exception {
    RuleFile parsed = parser.parseFile("rules.yaml", LokiExamples.ALERTING_FILE);
    assertThat(parsed.namespace()).isEmpty();
    assertThat(parsed.groups()).extracting(RuleGroup::name).containsExactly("should_fire", "credentials_leak");
    AlertingRule first = (AlertingRule) parsed.groups().get(0).rules().get(0);
    assertThat(first.alert()).isEqualTo("HighPercentageError");
    assertThat(first.expr()).startsWith("sum(rate({app=\"foo\", env=\"production\"} |= \"error\" [5m])) by (job)\n  /\n").endsWith("> 0.05\n");
    assertThat(first.forDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(first.labels()).isEqualTo(Map.of("severity", "page"));
    assertThat(first.annotations()).isEqualTo(Map.of("summary", "High request latency"));
    AlertingRule leak = (AlertingRule) parsed.groups().get(1).rules().get(0);
    assertThat(leak.expr()).contains("|~ \"http(s?)://(\\\\w+):(\\\\w+)@\" [5m]");
    assertThat(leak.annotations().get("message")).isEqualTo("{{ $labels.job }} is leaking http basic auth credentials.");
  }

  @Test
  void readsLokisRecordingGroupAsABody() throws Exception {
    RuleGroup group = parser.parseGroup("body", LokiExamples.RECORDING_GROUP);
    assertThat(group.name()).isEqualTo("NginxRules");
    assertThat(group.interval()).contains(Duration.ofMinutes(1));
    RecordingRule rule = (RecordingRule) group.rules().get(0);
    assertThat(rule.record()).isEqualTo("nginx:requests:rate1m");
    assertThat(rule.labels()).isEqualTo(Map.of("cluster", "us-central1"));
  }

  @Test
  void readsAJsonBodyAsGrafanaPostsIt() throws Exception {
    RuleGroup group = parser.parseGroup("body", """
        {"name":"g","interval":"30s","rules":[{"alert":"A","expr":"sum(rate({app=\\"a\\"}[1m])) > 1","for":"1m30s",
        "keep_firing_for":"5m","labels":{"team":"x"},"annotations":{"summary":"{{ $value }}"}}]}""");
    AlertingRule rule = (AlertingRule) group.rules().get(0);
    assertThat(group.interval()).contains(Duration.ofSeconds(30));
    assertThat(rule.forDuration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(rule.keepFiringFor()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void readsCortextoolsNamespaceKeyAndLimit() throws Exception {
    RuleFile parsed = parser.parseFile("x.yaml", "namespace: team/app\ngroups:\n  - name: g\n    limit: 10\n    interval: 0\n    rules: []\n");
    assertThat(parsed.namespace()).contains("team/app");
    assertThat(parsed.groups().get(0).limit()).isEqualTo(10);
    assertThat(parsed.groups().get(0).interval()).as("interval 0 is Prometheus' unset").isEmpty();
  }

  @Test
  void anEmptyFileHasNoGroups() throws Exception {
    assertThat(parser.parseFile("empty.yaml", "").groups()).isEmpty();
    assertThat(parser.parseFile("empty.yaml", "groups: []\n").groups()).isEmpty();
  }

  @Test
  void unknownKeysSuggestTheNearestKnownOne() {
    assertThat(problems(file("      - alert: A\n        expr: sum(rate({a=\"b\"}[1m]))\n        anotations:\n          x: y\n")))
        .containsExactly("6:9: unknown key 'anotations' in group 'g', rules[0]; did you mean 'annotations'?");
    assertThat(problems("groups:\n  - name: g\n    intervall: 1m\n    rules: []\n"))
        .containsExactly("3:5: unknown key 'intervall' in groups[0]; did you mean 'interval'?");
    assertThat(problems("grups: []\n")).contains("1:1: unknown key 'grups' at the top level; did you mean 'groups'?");
  }

  @Test
  void exactlyOneOfAlertAndRecord() {
    assertThat(problems(file("      - expr: sum(rate({a=\"b\"}[1m]))\n")))
        .containsExactly("4:9: group 'g', rule 'rules[0]': one of 'record' or 'alert' must be set");
    assertThat(problems(file("      - alert: A\n        record: a:b\n        expr: sum(rate({a=\"b\"}[1m]))\n")))
        .containsExactly("5:9: group 'g', rule 'A': only one of 'record' and 'alert' must be set");
  }

  @Test
  void exprIsRequiredAndMustBeAMetricQuery() {
    assertThat(problems(file("      - alert: A\n        for: 5m\n")))
        .containsExactly("4:9: group 'g', rule 'A': field 'expr' must be set in rule");
    assertThat(problems(file("      - alert: A\n        expr: '{app=\"a\"} |= \"x\"'\n")))
        .containsExactly("5:15: group 'g', rule 'A': expr is not a valid LogQL metric query: parse error : only sample expression supported");
  }

  @Test
  void placesLogqlSyntaxErrorsInThePlainScalar() {
    // The second '>' is the parser's column 25 within the expression: column 15 + 24 in the file.
    assertThat(problems(file("      - alert: A\n        expr: sum(rate({a=\"b\"}[1m])) >> 1\n")))
        .singleElement().asString().startsWith("5:39: group 'g', rule 'A': expr is not a valid LogQL metric query: syntax error");
  }

  @Test
  void placesLogqlSyntaxErrorsInAQuotedScalar() {
    assertThat(problems(file("      - alert: A\n        expr: 'sum(rate({a=\"b\"}[1m])) >> 1'\n")))
        .singleElement().asString().startsWith("5:40: ");
  }

  @Test
  void placesLogqlSyntaxErrorsOnTheirLineOfABlockScalar() {
    List<String> found = problems(file("      - alert: A\n        expr: |\n          sum(rate({a=\"b\"}[1m]))\n            >> 1\n"));
    assertThat(found).singleElement().asString().startsWith("7:14: group 'g', rule 'A': expr is not a valid LogQL metric query: syntax error");
  }

  @Test
  void foldedBlocksKeepTheScalarsPositionAndTheParsersOwn() {
    List<String> found = problems(file("      - alert: A\n        expr: >-\n          sum(rate({a=\"b\"}[1m]))\n          >> 1\n"));
    assertThat(found).singleElement().asString().startsWith("5:15: ").contains("parse error at line 1, col");
  }

  @Test
  void durationsAreCheckedAndForOnlyOnAlerts() {
    assertThat(problems(file("      - alert: A\n        expr: sum(rate({a=\"b\"}[1m]))\n        for: 5 minutes\n")))
        .singleElement().asString().startsWith("6:14: group 'g', rule 'A': for: unknown unit \" minutes\" in duration \"5 minutes\"");
    assertThat(problems(file("      - record: a:b\n        expr: sum(rate({a=\"b\"}[1m]))\n        for: 5m\n        annotations:\n          x: y\n")))
        .containsExactly("6:9: group 'g', rule 'a:b': invalid field 'for' in recording rule (only alerting rules have it)",
            "7:9: group 'g', rule 'a:b': invalid field 'annotations' in recording rule (only alerting rules have it)");
    assertThat(problems("groups:\n  - name: g\n    interval: 1x\n    rules: []\n"))
        .singleElement().asString().startsWith("3:15: group 'g': interval: unknown unit \"x\"");
  }

  @Test
  void namesAreChecked() {
    assertThat(problems(file("      - record: 1bad-name\n        expr: sum(rate({a=\"b\"}[1m]))\n        labels:\n          bad-label: x\n")))
        .containsExactly("4:17: group 'g', rule '1bad-name': invalid recording rule name: 1bad-name (a metric name: [a-zA-Z_:][a-zA-Z0-9_:]*)",
            "7:11: group 'g', rule '1bad-name': labels: invalid label name: bad-label (a name: [a-zA-Z_][a-zA-Z0-9_]*)");
    assertThat(problems(file("      - alert: A\n        expr: sum(rate({a=\"b\"}[1m]))\n        annotations:\n          \"x y\": z\n")))
        .containsExactly("7:11: group 'g', rule 'A': annotations: invalid annotation name: x y (a name: [a-zA-Z_][a-zA-Z0-9_]*)");
  }

  @Test
  void groupNamesAreUniqueAndRequired() {
    assertThat(problems("groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n  - rules: []\n"))
        .containsExactly("4:11: group 'g' is repeated in the namespace (first at line 2, column 11); group names must be unique per namespace",
            "6:5: groups[2]: missing required key 'name' (a group needs a name)");
  }

  @Test
  void alertTemplatesMustParse() {
    assertThat(problems(file("      - alert: A\n        expr: sum(rate({a=\"b\"}[1m]))\n        annotations:\n          summary: '{{ if }}'\n")))
        .singleElement().asString().startsWith("7:20: group 'g', rule 'A': annotations.summary: invalid template: template: __alert_A:1:");
    assertThat(problems(file("      - alert: A\n        expr: sum(rate({a=\"b\"}[1m]))\n        labels:\n          team: '{{ $undeclared }}'\n")))
        .singleElement().asString().contains("undefined variable \"$undeclared\"");
  }

  @Test
  void prometheusTemplateFunctionsPassTheLighterCheck() throws Exception {
    RuleGroup group = parser.parseGroup("body", """
        name: g
        rules:
          - alert: A
            expr: sum(rate({a="b"}[1m])) > 1
            annotations:
              summary: '{{ $labels.job }} at {{ humanize $value }}'
        """);
    assertThat(((AlertingRule) group.rules().get(0)).annotations()).containsKey("summary");
    assertThatThrownBy(() -> parser.parseGroup("body", "name: g\nrules:\n  - alert: A\n    expr: sum(rate({a=\"b\"}[1m])) > 1\n"
        + "    annotations:\n      summary: '{{ humanize $value '\n"))
        .isInstanceOf(RuleFileException.class).hasMessageContaining("unclosed action");
  }

  @Test
  void recordingRuleLabelsAreNotTemplates() throws Exception {
    RuleGroup group = parser.parseGroup("body", "name: g\nrules:\n  - record: a:b\n    expr: sum(rate({a=\"b\"}[1m]))\n    labels:\n      x: '{{ if }}'\n");
    assertThat(group.rules().get(0).labels()).containsEntry("x", "{{ if }}");
  }

  @Test
  void aGroupBodyIsOneGroup() {
    assertThatThrownBy(() -> parser.parseGroup("body", LokiExamples.ALERTING_FILE)).isInstanceOf(RuleFileException.class)
        .hasMessageStartingWith("body:1:1: expected one rule group");
    assertThatThrownBy(() -> parser.parseGroup("body", "")).isInstanceOf(RuleFileException.class).hasMessage("body:1:1: empty body: expected one rule group (a mapping with name, interval and rules)");
    assertThatThrownBy(() -> parser.parseGroup("body", "name: [unclosed\n")).isInstanceOf(RuleFileException.class).hasMessageContaining("invalid YAML");
  }

  @Test
  void everyProblemOfAFileIsReported() {
    List<String> found = problems(file("      - alert: A\n        expr: count_over_time({a=\"b\"}[1m]\n      - record: a b\n        expr: sum(\n"
        + "  - name: h\n    limit: -1\n    rules: {}\n"));
    assertThat(found).hasSize(5);
  }

  @Test
  void repeatedKeysAreProblems() {
    assertThat(problems("groups:\n  - name: g\n    name: h\n    rules: []\n"))
        .singleElement().asString().startsWith("3:5: key 'name' is repeated");
  }

  @Test
  void problemsCarryTheFile() throws Exception {
    try {
      parser.parseFile("rules/team-a/api.yaml", "groups: 5\n");
    } catch (RuleFileException e) {
      assertThat(e.problems()).extracting(ConfigProblem::format).containsExactly("rules/team-a/api.yaml:1:9: error: groups: expected a list, got the number 5");
      assertThat(e.getMessage()).isEqualTo("rules/team-a/api.yaml:1:9: groups: expected a list, got the number 5");
      return;
    }
    throw new AssertionError("expected a problem");
  }

  @Test
  void looksLikeRuleFile() {
    assertThat(RuleFileParser.looksLikeRuleFile(LokiExamples.ALERTING_FILE)).isTrue();
    assertThat(RuleFileParser.looksLikeRuleFile("tenants:\n  team-a:\n    limits: {}\n")).isFalse();
    assertThat(RuleFileParser.looksLikeRuleFile("version: prometheus/v1\nservice: x\n")).isFalse();
    assertThat(Optional.of(LokiExamples.RECORDING_GROUP).filter(RuleFileParser::looksLikeRuleFile)).as("a single group has no groups:").isEmpty();
  }
}
