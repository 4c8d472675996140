package dev.tonari.rules.eval;

import static dev.tonari.rules.eval.ScriptedQuerier.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RuleGroup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler with the system clock: groups run at their aligned slots until the ruler is closed. */
class RulerSchedulerTest {
  @TempDir Path stateDirectory;

  @Test
  @Timeout(30)
  void groupsRunAtTheirSlotsUntilClosed() throws Exception {
    StaticRuleSource source = new StaticRuleSource();
    source.put("t", "ns", new RuleGroup("fast", Optional.of(Duration.ofSeconds(1)), 0, List.of(new AlertingRule("A", "a", Duration.ZERO, Duration.ZERO, Map.of(), Map.of()))));
    ScriptedQuerier querier = new ScriptedQuerier().answer("a", sample(1));
    CollectingSinks sinks = new CollectingSinks();
    List<Instant> evaluations = java.util.Collections.synchronizedList(new ArrayList<>());
    InstantQuerier recording = (tenant, expr, at) -> {
      evaluations.add(at);
      return querier.evaluate(tenant, expr, at);
    };
    Ruler ruler = new Ruler(EvaluationSettings.defaults("").withSyncInterval(Duration.ofMillis(200)), List.of(source), recording, sinks, sinks, sinks,
        Clock.systemUTC(), stateDirectory);
    ruler.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (evaluations.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    ruler.close();
    int afterClose = evaluations.size();

    assertThat(afterClose).as("evaluations within 20 s").isGreaterThanOrEqualTo(3);
    Set<Instant> distinct = new HashSet<>(evaluations);
    assertThat(distinct).hasSameSizeAs(evaluations);
    // A 1s interval has offset 0: slots are whole seconds, one apart (none skipped on an idle machine is not asserted).
    for (Instant at : evaluations) {
      assertThat(at.getNano()).isZero();
    }
    assertThat(ruler.alerts("t")).hasSize(1);
    Thread.sleep(1500);
    assertThat(evaluations).hasSize(afterClose);
  }
}
