package dev.tonari.rules.eval;

import static dev.tonari.rules.eval.ScriptedQuerier.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.rules.model.RuleSource;
import dev.tonari.tenancy.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the ruler follows its rule sources: edits keep the alerts of unchanged rules, removals end alerts, a failing source changes nothing. */
class RuleCatalogTest {
  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

  @TempDir Path stateDirectory;
  private final MutableClock clock = new MutableClock(T0);
  private final ScriptedQuerier querier = new ScriptedQuerier().answer("a", sample(1, "pod", "p")).answer("b", sample(2));
  private final CollectingSinks sinks = new CollectingSinks();

  private static AlertingRule rule(String name, String expr, Duration forDuration) {
    return new AlertingRule(name, expr, forDuration, Duration.ZERO, Map.of(), Map.of());
  }

  @Test
  void anEditedGroupKeepsTheAlertsOfItsUnchangedRules() throws Exception {
    StaticRuleSource source = new StaticRuleSource().put("t", "ns", new RuleGroup("g", Optional.empty(), 0, List.of(rule("A", "a", Duration.ofMinutes(10)))));
    try (Ruler ruler = new Ruler(EvaluationSettings.defaults(""), List.of(source), querier, sinks, sinks, sinks, clock, stateDirectory)) {
      ruler.evaluateAllAt(T0);
      source.put("t", "ns", new RuleGroup("g", Optional.of(Duration.ofSeconds(30)), 0, List.of(rule("B", "b", Duration.ZERO), rule("A", "a", Duration.ofMinutes(5)))));

      ruler.evaluateAllAt(T0.plus(Duration.ofMinutes(5)));

      // A is still the alert that became active at T0, and with the new for of 5m it fires now.
      RuleViews.AlertingRule a = (RuleViews.AlertingRule) ruler.rules("t").get(0).rules().get(1);
      assertThat(a.alerts()).singleElement().satisfies(alert -> {
        assertThat(alert.activeAt()).isEqualTo(T0);
        assertThat(alert.state()).isEqualTo(AlertState.FIRING);
      });
      assertThat(ruler.rules("t").get(0).interval()).isEqualTo(Duration.ofSeconds(30));
    }
  }

  @Test
  void removingARuleOrAGroupEndsItsAlertsAndDeletesTheStateFile() throws Exception {
    StaticRuleSource source = new StaticRuleSource().put("t", "ns", new RuleGroup("g", Optional.empty(), 0, List.of(rule("A", "a", Duration.ZERO), rule("B", "b", Duration.ZERO))));
    try (Ruler ruler = new Ruler(EvaluationSettings.defaults(""), List.of(source), querier, sinks, sinks, sinks, clock, stateDirectory)) {
      ruler.evaluateAllAt(T0);
      Path stateFile = AlertStateFile.pathOf(stateDirectory, new GroupKey("t", "ns", "g"));
      assertThat(stateFile).exists();
      sinks.clear();

      source.put("t", "ns", new RuleGroup("g", Optional.empty(), 0, List.of(rule("A", "a", Duration.ZERO))));
      clock.set(T0.plusSeconds(30));
      ruler.sync();
      assertThat(sinks.transitions).extracting(AlertTransition::rule, AlertTransition::from, AlertTransition::to, AlertTransition::at)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("B", AlertState.FIRING, AlertState.INACTIVE, T0.plusSeconds(30)));

      sinks.clear();
      source.remove("t", "ns");
      ruler.sync();
      assertThat(sinks.transitions).extracting(AlertTransition::rule).containsExactly("A");
      assertThat(ruler.rules("t")).isEmpty();
      assertThat(stateFile).doesNotExist();
    }
  }

  @Test
  void aSourceThatFailsLeavesTheRulesAsTheyWere() throws Exception {
    AtomicBoolean failing = new AtomicBoolean();
    RuleSource flaky = new RuleSource() {
      @Override
      public Set<String> tenants() {
        if (failing.get()) {
          throw new IllegalStateException("rule store unreachable");
        }
        return Set.of("t");
      }

      @Override
      public List<RuleNamespace> namespaces(String tenant) {
        return List.of(new RuleNamespace("ns", List.of(new RuleGroup("g", Optional.empty(), 0, List.of(rule("A", "a", Duration.ZERO)))), RuleNamespace.Origin.FILE));
      }
    };
    try (Ruler ruler = new Ruler(EvaluationSettings.defaults(""), List.of(flaky), querier, sinks, sinks, sinks, clock, stateDirectory)) {
      ruler.evaluateAllAt(T0);
      failing.set(true);

      ruler.evaluateAllAt(T0.plusSeconds(60));

      assertThat(ruler.alerts("t")).hasSize(1);
      assertThat(sinks.transitions).hasSize(1);
      assertThat(ruler.rules("t").get(0).origin()).isEqualTo(RuleNamespace.Origin.FILE);
    }
  }

  @Test
  void anUnreadableStateFileIsReportedAndTheGroupStartsAfresh() throws Exception {
    Files.createDirectories(stateDirectory);
    Files.writeString(AlertStateFile.pathOf(stateDirectory, new GroupKey("t", "ns", "g")), "not a state file");
    StaticRuleSource source = new StaticRuleSource().put("t", "ns", new RuleGroup("g", Optional.empty(), 0, List.of(rule("A", "a", Duration.ofMinutes(1)))));
    try (Ruler ruler = new Ruler(EvaluationSettings.defaults(""), List.of(source), querier, sinks, sinks, sinks, clock, stateDirectory)) {
      ruler.evaluateAllAt(T0);

      assertThat(ruler.alerts("t")).singleElement().extracting(RuleViews.Alert::activeAt).isEqualTo(T0);
      assertThat(AlertStateFile.decode(AlertStateFile.pathOf(stateDirectory, new GroupKey("t", "ns", "g")),
          Files.readAllBytes(AlertStateFile.pathOf(stateDirectory, new GroupKey("t", "ns", "g")))).alertsByRule()).containsKey("A#0");
    }
  }
}
