package dev.tonari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.alerts.delivery.config.NotificationConfigLint;
import dev.tonari.cli.generate.GeneratorOptions;
import dev.tonari.cli.generate.LogGenerator;
import dev.tonari.query.QueryEngine;
import dev.tonari.query.QueryLimits;
import dev.tonari.rules.RulerSettings;
import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.rules.alert.OutgoingAlert;
import dev.tonari.rules.eval.EvaluationSettings;
import dev.tonari.rules.eval.LogqlQuerier;
import dev.tonari.rules.eval.Ruler;
import dev.tonari.rules.eval.RuleHealth;
import dev.tonari.rules.eval.RuleViews;
import dev.tonari.rules.file.RuleLint;
import dev.tonari.rules.store.RuleStore;
import dev.tonari.rules.store.RuleStoreLimits;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's rules and notification configs: they lint clean, and over the generator's logs every rule evaluates and error bursts raise alerts. */
class DemoRulesTest {
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path directory;

  @Test
  void theDemoRulesAndNotificationConfigsLintClean() throws Exception {
    Path rules = DemoCommand.writeDemoRules(directory.resolve("rules"));
    Path notifications = DemoCommand.writeDemoNotifications(directory.resolve("notifications"), "http://127.0.0.1:9/alerts");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThat(new RuleLint().run(List.of(rules), print, print)).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(RuleLint.EXIT_VALID);
    try (var files = Files.list(notifications)) {
      List<Path> configs = files.sorted().toList();
      assertThat(configs).hasSize(3);
      assertThat(new NotificationConfigLint().run(configs, print, print)).as(out.toString(StandardCharsets.UTF_8))
          .isEqualTo(NotificationConfigLint.EXIT_VALID);
      assertThat(Files.readString(configs.get(0))).contains("url: \"http://127.0.0.1:9/alerts\"");
    }
  }

  @Test
  void overGeneratedLogsEveryDemoRuleEvaluatesAndABurstRaisesAnAlert() throws Exception {
    InMemoryLogStore logs = new InMemoryLogStore();
    // Bursts far more often than the demo's 40 per million lines, so that ten minutes surely hold some.
    GeneratorOptions options = new GeneratorOptions(List.of("payments", "search", "platform"), 4, List.of("prod", "staging"), 3, 2000);
    LogGenerator generator = new LogGenerator(7, options);
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    int linesPerSecond = 500;
    for (int second = 0; second < 600; second++) {
      Map<String, List<StreamBatch>> byTenant = generator.nextByTenant(linesPerSecond, (start.getEpochSecond() + second) * SECOND, SECOND / linesPerSecond);
      byTenant.forEach(logs::append);
    }
    Path rulesDir = DemoCommand.writeDemoRules(directory.resolve("rules"));
    MutableClock clock = new MutableClock(start.plusSeconds(600));
    List<OutgoingAlert> sent = new CopyOnWriteArrayList<>();
    List<AlertTransition> transitions = new CopyOnWriteArrayList<>();
    try (RuleStore store = new RuleStore(RulerSettings.defaults().withRulesDirectory(rulesDir), directory.resolve("data"), RuleStoreLimits.defaults());
        Ruler ruler = new Ruler(EvaluationSettings.defaults("http://127.0.0.1:3100"), List.of(store),
            new LogqlQuerier(new QueryEngine(logs, QueryLimits.defaults())), (tenant, alerts) -> sent.addAll(alerts), (tenant, samples) -> {},
            transitions::addAll, clock, directory.resolve("state"))) {

      List<String> pendingOrFiring = new ArrayList<>();
      for (int minute = 0; minute < 10; minute++) {
        Instant at = start.plusSeconds(60L * minute + 59);
        clock.set(at);
        ruler.evaluateAllAt(at);
      }
      for (String tenant : List.of("payments", "search", "platform")) {
        List<RuleViews.Group> groups = ruler.rules(tenant);
        assertThat(groups).as(tenant).isNotEmpty();
        for (RuleViews.Group group : groups) {
          for (RuleViews.Rule rule : group.rules()) {
            assertThat(rule.health()).as(tenant + " " + group.name() + " " + rule.name() + ": " + rule.lastError()).isEqualTo(RuleHealth.OK);
          }
        }
      }
      transitions.forEach(transition -> pendingOrFiring.add(transition.tenant() + " " + transition.rule() + " " + transition.to()));
      assertThat(pendingOrFiring).as("alert state changes over ten minutes of bursts").anyMatch(change -> change.contains("ErrorBurst PENDING")
          || change.contains("PlatformErrorBurst PENDING"));
    }
  }
}
