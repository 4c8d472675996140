package dev.tonari.slo.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tonari.slo.model.Alerting;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.SloSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloAlertRulesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path directory;

  @Test
  void rendersWhatSlothGeneratesForItsGettingStartedExample() throws IOException {
    JsonNode sloth = YAML.readTree(SlothGettingStarted.generatedRules());
    JsonNode slothGroup = null;
    for (JsonNode group : sloth.get("groups")) {
      if (group.get("name").asText().startsWith("sloth-slo-alerts-")) {
        slothGroup = group;
      }
    }
    assertThat(slothGroup).as("the alerts group of the Sloth resource").isNotNull();

    AlertRuleGroup group = SloAlertRules.of(SlothGettingStarted.spec()).orElseThrow();
    assertThat(group.name()).isEqualTo(slothGroup.get("name").asText());
    assertThat(group.rules()).hasSize(slothGroup.get("rules").size());
    for (int i = 0; i < group.rules().size(); i++) {
      AlertRule rule = group.rules().get(i);
      JsonNode expected = slothGroup.get("rules").get(i);
      assertThat(rule.alert()).isEqualTo(expected.get("alert").asText());
      assertThat(rule.expr()).isEqualTo(expected.get("expr").asText());
      assertThat(rule.labels()).isEqualTo(strings(expected.get("labels")));
      assertThat(rule.annotations()).isEqualTo(strings(expected.get("annotations")));
      assertThat(rule.forDuration()).isZero();
      assertThat(expected.has("for")).isFalse();
    }
  }

  @Test
  void theYamlReadsBackAsTheSameRules() throws IOException {
    AlertRuleGroup group = SloAlertRules.of(SlothGettingStarted.spec()).orElseThrow();
    JsonNode read = YAML.readTree(SloAlertRules.toYaml(List.of(group)));
    assertThat(read.get("groups")).hasSize(1);
    JsonNode groupNode = read.get("groups").get(0);
    assertThat(groupNode.get("name").asText()).isEqualTo(group.name());
    List<AlertRule> rules = new ArrayList<>();
    for (JsonNode rule : groupNode.get("rules")) {
      Duration forDuration = rule.has("for") ? Duration.ofMinutes(Long.parseLong(rule.get("for").asText().replace("m", ""))) : Duration.ZERO;
      rules.add(new AlertRule(rule.get("alert").asText(), rule.get("expr").asText(), forDuration, strings(rule.get("labels")),
          strings(rule.get("annotations"))));
    }
    assertThat(rules).isEqualTo(group.rules());
  }

  @Test
  void twentyEightDaysUseSlothsFourWeekFactorsAndWindows() {
    AlertRuleGroup group = SloAlertRules.of(SlothGettingStarted.spec(Duration.ofDays(28))).orElseThrow();
    String page = group.rules().get(0).expr();
    String ticket = group.rules().get(1).expr();
    assertThat(page).contains("slo:sli_error:ratio_rate5m{").contains("slo:sli_error:ratio_rate1h{").contains("(13.44 * 0.0009999999999999432)")
        .contains("slo:sli_error:ratio_rate30m{").contains("slo:sli_error:ratio_rate6h{").contains("(5.6 * 0.0009999999999999432)");
    assertThat(ticket).contains("slo:sli_error:ratio_rate2h{").contains("slo:sli_error:ratio_rate1d{").contains("(2.8 * ")
        .contains("slo:sli_error:ratio_rate3d{").contains("(0.9333333333333333 * ");
  }

  @Test
  void alertAfterBecomesForAndSplitsASeverityByIt() throws IOException, InterruptedException {
    SloSpec base = SlothGettingStarted.spec();
    List<BurnRateTier> tiers = new ArrayList<>();
    for (BurnRateTier tier : base.alerting().tiers()) {
      Duration alertAfter = tier.name().equals("page-6h") ? Duration.ofMinutes(15) : Duration.ZERO;
      tiers.add(new BurnRateTier(tier.name(), tier.severity(), tier.longWindow(), tier.shortWindow(), tier.factor(), alertAfter, tier.labels(),
          tier.annotations()));
    }
    SloSpec spec = withAlerting(base, new Alerting(base.alerting().name(), base.alerting().labels(), base.alerting().annotations(), tiers));
    AlertRuleGroup group = SloAlertRules.of(spec).orElseThrow();
    assertThat(group.rules()).extracting(rule -> rule.labels().get("sloth_severity"), AlertRule::forDuration).containsExactly(
        org.assertj.core.groups.Tuple.tuple("page", Duration.ZERO),
        org.assertj.core.groups.Tuple.tuple("page", Duration.ofMinutes(15)),
        org.assertj.core.groups.Tuple.tuple("ticket", Duration.ZERO));
    assertThat(group.rules().get(1).expr()).contains("ratio_rate30m").doesNotContain("ratio_rate5m").doesNotContain("or ignoring");
    assertThat(group.rules()).extracting(rule -> rule.labels().get(SloAlertRules.TIERS_LABEL))
        .containsExactly("page-1h", "page-6h", null);
    assertThat(SloAlertRules.toYaml(List.of(group))).contains("for: \"15m\"");
    promtoolAccepts(SloAlertRules.toYaml(List.of(group)), 3);
  }

  @Test
  void noAlertNameOrNoTiersMeansNoRules() {
    SloSpec base = SlothGettingStarted.spec();
    assertThat(SloAlertRules.of(withAlerting(base, new Alerting("", Map.of(), Map.of(), base.alerting().tiers())))).isEmpty();
    assertThat(SloAlertRules.of(withAlerting(base, new Alerting("X", Map.of(), Map.of(), List.of())))).isEmpty();
  }

  @Test
  void promtoolAcceptsTheRuleFile() throws IOException, InterruptedException {
    promtoolAccepts(SloAlertRules.toYaml(SloAlertRules.of(List.of(SlothGettingStarted.spec(), renamed(SlothGettingStarted.spec(Duration.ofDays(28)),
        "requests-availability-28d", "MyServiceHighErrorRate28d")))), 4);
  }

  /** Runs {@code promtool check rules} on the file; skipped where promtool is not installed. */
  private void promtoolAccepts(String rules, int ruleCount) throws IOException, InterruptedException {
    Path promtool = Path.of("/usr/bin/promtool");
    Assumptions.assumeTrue(Files.isExecutable(promtool), "skipped: promtool not installed");
    Path file = Files.createTempFile(directory, "rules", ".yml");
    Files.writeString(file, rules, StandardCharsets.UTF_8);
    Process process = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("SUCCESS: " + ruleCount + " rules found");
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    if (node != null) {
      node.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
    }
    return map;
  }

  private static SloSpec renamed(SloSpec spec, String name, String alertName) {
    Alerting alerting = new Alerting(alertName, spec.alerting().labels(), spec.alerting().annotations(), spec.alerting().tiers());
    return new SloSpec(SloSpec.idOf(spec.service(), name), spec.service(), name, spec.description(), spec.labels(), spec.indicator(), spec.target(),
        spec.window(), spec.budgeting(), spec.timeSlices(), spec.groupBy(), alerting, spec.origin());
  }

  static SloSpec withAlerting(SloSpec spec, Alerting alerting) {
    return new SloSpec(spec.id(), spec.service(), spec.name(), spec.description(), spec.labels(), spec.indicator(), spec.target(), spec.window(),
        spec.budgeting(), spec.timeSlices(), spec.groupBy(), alerting, spec.origin());
  }
}
