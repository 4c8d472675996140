package dev.tonari.rules.eval;

import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RecordingRule;
import dev.tonari.rules.model.Rule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.rules.model.RuleNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One rule group as the ruler runs it: the definition, its rules' state, when it runs next and
 * what its last evaluation took. {@link #lock} guards the state: an evaluation holds it while it
 * advances the state machines (not while it queries), and views hold it while they copy.
 */
final class GroupRuntime {
  final GroupKey key;
  final RuleNamespace.Origin origin;
  final RuleGroup definition;
  final Duration interval;
  final List<RuleRuntime> rules;
  /** The namespace's own evaluator, or empty for LogQL. */
  final Optional<InstantQuerier> ownQuerier;
  final ReentrantLock lock = new ReentrantLock();
  /** Set while an evaluation runs, so that a slow group is not started twice. */
  final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
  /** The next slot to evaluate; written by the scheduler only. */
  volatile Instant nextEvaluation;
  private Optional<Instant> lastEvaluation = Optional.empty();
  private long evaluationNanos;
  /**
   * The state last written to the file, encoded without its save time, to skip writing the same
   * again; null when no file is known. Only the evaluating thread writes it.
   */
  volatile byte[] persisted;
  /** When the state file was last written. */
  volatile Instant savedAt;
  /** Replaced or removed by a sync: an evaluation still running must not apply its results. Guarded by {@link #lock}. */
  boolean retired;
  /** The {@code TenantAssignment.tenure} of the tenant when this group's state was taken from the store; another tenure means it is stale. */
  long tenure;

  GroupRuntime(GroupKey key, RuleNamespace.Origin origin, RuleGroup definition, Duration defaultInterval, Optional<InstantQuerier> ownQuerier,
      AlertTemplates templates) {
    this.key = key;
    this.origin = origin;
    this.definition = definition;
    this.interval = definition.interval().orElse(defaultInterval);
    this.ownQuerier = ownQuerier;
    List<RuleRuntime> runtimes = new ArrayList<>(definition.rules().size());
    for (Rule rule : definition.rules()) {
      runtimes.add(switch (rule) {
        case AlertingRule alerting -> new AlertingRuleRuntime(alerting, templates);
        case RecordingRule recording -> new RecordingRuleRuntime(recording);
      });
    }
    this.rules = List.copyOf(runtimes);
  }

  /**
   * Rules by a key that survives edits of the group: the name and the how-manieth rule of that
   * name it is (Prometheus matches rules the same way when it reloads a group).
   */
  Map<String, AlertingRuleRuntime> alertingRulesByKey() {
    Map<String, AlertingRuleRuntime> byKey = new HashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    for (RuleRuntime rule : rules) {
      if (rule instanceof AlertingRuleRuntime alerting) {
        int occurrence = seen.merge(alerting.rule().alert(), 1, Integer::sum) - 1;
        byKey.put(ruleKey(alerting.rule().alert(), occurrence), alerting);
      }
    }
    return byKey;
  }

  static String ruleKey(String name, int occurrence) {
    return name + "#" + occurrence;
  }

  /** Takes over the alerts of the group this one replaces (same key, changed definition). */
  void takeStateFrom(GroupRuntime previous) {
    Map<String, AlertingRuleRuntime> mine = alertingRulesByKey();
    previous.lock.lock();
    try {
      previous.alertingRulesByKey().forEach((ruleKey, old) -> {
        AlertingRuleRuntime same = mine.get(ruleKey);
        if (same != null) {
          same.restore(old.allAlerts());
        }
      });
      previous.retired = true;
      this.tenure = previous.tenure;
      this.persisted = previous.persisted;
      this.savedAt = previous.savedAt;
      this.lastEvaluation = previous.lastEvaluation;
      this.evaluationNanos = previous.evaluationNanos;
    } finally {
      previous.lock.unlock();
    }
  }

  /** Whether the definition (and so the state machines' rules) differs from {@code other}'s. */
  boolean sameDefinition(RuleGroup other, RuleNamespace.Origin otherOrigin, Optional<InstantQuerier> otherQuerier) {
    return definition.equals(other) && origin == otherOrigin && ownQuerier.isPresent() == otherQuerier.isPresent();
  }

  void evaluated(Instant at, long nanos) {
    lastEvaluation = Optional.of(at);
    evaluationNanos = nanos;
  }

  Optional<Instant> lastEvaluation() {
    return lastEvaluation;
  }

  long evaluationNanos() {
    return evaluationNanos;
  }
}
