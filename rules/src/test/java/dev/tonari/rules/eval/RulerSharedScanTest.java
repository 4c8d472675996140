package dev.tonari.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.query.QueryEngine;
import dev.tonari.query.QueryLimits;
import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RecordingRule;
import dev.tonari.rules.model.Rule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared scans: the rules of one cycle that read the same stream selector read the store once,
 * and get exactly what they get reading it alone: random rule sets over random logs evaluated with
 * and without sharing record the same samples and raise the same alerts, with fewer store scans.
 */
class RulerSharedScanTest {
  private static final Instant AT = Instant.parse("2026-01-05T10:30:00Z");
  private static final long SECOND = 1_000_000_000L;
  private static final String[] SELECTORS = {"{app=\"api\"}", "{env=\"prod\", app=\"api\"}", "{app=\"api\", env=\"prod\"}", "{app=~\"api|web\"}", "{env=\"prod\"}"};
  private static final String[] PIPELINES = {"", " |= \"error\"", " != \"debug\"", " | logfmt | level=\"error\"", " |~ \"took=[0-9]+\""};
  private static final String[] RANGES = {"1m", "5m", "10m", "30s"};

  @TempDir Path directory;

  private static InMemoryLogStore randomLogs(Random random) {
    InMemoryLogStore logs = new InMemoryLogStore();
    String[] levels = {"info", "error", "debug", "warn"};
    for (String app : List.of("api", "web")) {
      for (String env : List.of("prod", "dev")) {
        List<LogEntry> entries = new ArrayList<>();
        long end = AT.getEpochSecond() * SECOND;
        int count = 200 + random.nextInt(400);
        for (int i = 0; i < count; i++) {
          long timestamp = end - (long) (random.nextDouble() * 15 * 60 * SECOND);
          entries.add(new LogEntry(timestamp, "level=" + levels[random.nextInt(levels.length)] + " took=" + random.nextInt(900) + " i=" + i));
        }
        entries.sort((a, b) -> Long.compare(a.timestampNanos(), b.timestampNanos()));
        logs.append("t", List.of(new StreamBatch(Labels.of("app", app, "env", env), entries)));
      }
    }
    return logs;
  }

  private static String randomExpression(Random random) {
    String range = SELECTORS[random.nextInt(SELECTORS.length)] + PIPELINES[random.nextInt(PIPELINES.length)] + " [" + RANGES[random.nextInt(RANGES.length)] + "]"
        + (random.nextInt(4) == 0 ? " offset 2m" : "");
    return switch (random.nextInt(5)) {
      case 0 -> "sum by (app) (count_over_time(" + range + "))";
      case 1 -> "rate(" + range + ")";
      case 2 -> "sum(bytes_over_time(" + range + "))";
      case 3 -> "count_over_time(" + range + ") / count_over_time(" + SELECTORS[random.nextInt(SELECTORS.length)] + " [5m])";
      default -> "max by (env) (count_over_time(" + range + "))";
    };
  }

  private record Outcome(List<dev.tonari.rules.alert.RecordedSample> samples, List<RuleViews.Alert> alerts, List<String> errors) {}

  private Outcome evaluate(InstantQuerier querier, List<Rule> rules, String name) throws Exception {
    StaticRuleSource source = new StaticRuleSource();
    // Two groups, so that sharing spans the groups of one cycle.
    source.put("t", "a", new RuleGroup("first", Optional.empty(), 0, rules.subList(0, rules.size() / 2)));
    source.put("t", "b", new RuleGroup("second", Optional.empty(), 0, rules.subList(rules.size() / 2, rules.size())));
    CollectingSinks sinks = new CollectingSinks();
    try (Ruler ruler = new Ruler(EvaluationSettings.defaults(""), List.of(source), querier, sinks, sinks, sinks, new MutableClock(AT), directory.resolve(name))) {
      ruler.evaluateAllAt(AT);
      List<String> errors = new ArrayList<>();
      ruler.rules("t").forEach(group -> group.rules().forEach(rule -> errors.add(rule.name() + ":" + rule.health() + ":" + rule.lastError())));
      // Groups run concurrently: their samples arrive in either order.
      List<dev.tonari.rules.alert.RecordedSample> samples = new ArrayList<>(sinks.samples);
      samples.sort(java.util.Comparator.comparing(sample -> sample.labels().toString()));
      return new Outcome(samples, ruler.alerts("t"), errors);
    }
  }

  @Test
  void sharedScansGiveExactlyTheUnsharedResultsWithFewerScans() throws Exception {
    long sharedSelects = 0;
    long unsharedSelects = 0;
    for (int seed = 0; seed < 25; seed++) {
      Random random = new Random(seed);
      InMemoryLogStore logs = randomLogs(random);
      List<Rule> rules = new ArrayList<>();
      int count = 4 + random.nextInt(12);
      for (int i = 0; i < count; i++) {
        String expr = randomExpression(random);
        rules.add(i % 2 == 0 ? new RecordingRule("r" + i, expr, Map.of()) : new AlertingRule("A" + i, expr + " > 0", Duration.ZERO, Duration.ZERO, Map.of(), Map.of()));
      }
      CountingLogStore unsharedStore = new CountingLogStore(logs);
      CountingLogStore sharedStore = new CountingLogStore(logs);

      Outcome unshared = evaluate(new LogqlQuerier(new QueryEngine(unsharedStore, QueryLimits.defaults())), rules, "unshared-" + seed);
      LogqlQuerier sharing = new LogqlQuerier(sharedStore, QueryLimits.defaults(), EvaluationSettings.DEFAULT_SHARED_SCAN_BYTES);
      Outcome shared = evaluate(sharing, rules, "shared-" + seed);

      assertThat(shared).as("seed %d, rules %s", seed, rules).isEqualTo(unshared);
      assertThat(sharedStore.selects.get()).as("seed %d", seed).isLessThanOrEqualTo(unsharedStore.selects.get());
      LogqlQuerier.ScanCounts counts = sharing.scanCounts();
      assertThat(counts.storeScans()).isEqualTo(sharedStore.selects.get());
      sharedSelects += sharedStore.selects.get();
      unsharedSelects += unsharedStore.selects.get();
    }
    // Five selectors (two of them the same matchers in another order) for up to 30 range reads per cycle.
    assertThat(sharedSelects).isLessThan(unsharedSelects / 2);
  }

  @Test
  void aSelectorReadByManyRulesIsScannedOnce() throws Exception {
    InMemoryLogStore logs = randomLogs(new Random(7));
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rules.add(new RecordingRule("r" + i, "sum(count_over_time({app=\"api\"} |= \"level=" + (i % 2 == 0 ? "error" : "info") + "\" [" + (i + 1) + "m]))", Map.of()));
    }
    CountingLogStore store = new CountingLogStore(logs);
    LogqlQuerier sharing = new LogqlQuerier(store, QueryLimits.defaults(), EvaluationSettings.DEFAULT_SHARED_SCAN_BYTES);

    Outcome shared = evaluate(sharing, rules, "shared");

    assertThat(store.selects.get()).isEqualTo(1);
    assertThat(sharing.scanCounts()).isEqualTo(new LogqlQuerier.ScanCounts(1, 1, 10));
    CountingLogStore alone = new CountingLogStore(logs);
    assertThat(evaluate(new LogqlQuerier(new QueryEngine(alone, QueryLimits.defaults())), rules, "alone")).isEqualTo(shared);
    assertThat(alone.selects.get()).isEqualTo(10);
    // The shared scan read the 10-minute union once; alone, the rules read 1 + 2 + ... + 10 minutes.
    assertThat(store.linesRead.get()).isLessThan(alone.linesRead.get());
  }

  @Test
  void aScanOverTheByteBudgetIsReadPerRuleInstead() throws Exception {
    InMemoryLogStore logs = randomLogs(new Random(11));
    List<Rule> rules = List.of(new RecordingRule("a", "sum(count_over_time({app=\"api\"} [5m]))", Map.of()),
        new RecordingRule("b", "sum(rate({app=\"api\"} [5m]))", Map.of()), new RecordingRule("c", "sum(rate({app=\"api\"} [1m]))", Map.of()));
    CountingLogStore store = new CountingLogStore(logs);
    LogqlQuerier tight = new LogqlQuerier(store, QueryLimits.defaults(), 1000);

    Outcome outcome = evaluate(tight, rules, "tight");

    assertThat(outcome).isEqualTo(evaluate(new LogqlQuerier(new QueryEngine(logs, QueryLimits.defaults())), rules, "alone"));
    assertThat(tight.scanCounts().sharedLoads()).isZero();
    // The abandoned load, then each rule's own scan.
    assertThat(store.selects.get()).isEqualTo(4);
  }
}
