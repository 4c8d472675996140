package dev.tonari.rules.eval;

import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RecordingRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Copies a group's runtime state into the API's view records, under the group's lock. */
final class ViewBuilder {
  private ViewBuilder() {}

  static RuleViews.Group group(GroupRuntime group) {
    group.lock.lock();
    try {
      List<RuleViews.Rule> rules = new ArrayList<>(group.rules.size());
      for (RuleRuntime rule : group.rules) {
        rules.add(switch (rule) {
          case AlertingRuleRuntime alerting -> alertingRule(alerting);
          case RecordingRuleRuntime recording -> recordingRule(recording);
        });
      }
      return new RuleViews.Group(group.key.group(), group.key.namespace(), group.origin, rules, group.interval, group.definition.limit(),
          Duration.ofNanos(group.evaluationNanos()), group.lastEvaluation());
    } finally {
      group.lock.unlock();
    }
  }

  private static RuleViews.AlertingRule alertingRule(AlertingRuleRuntime runtime) {
    AlertingRule rule = runtime.rule();
    List<RuleViews.Alert> alerts = new ArrayList<>();
    for (ActiveAlert alert : runtime.shownAlerts()) {
      alerts.add(new RuleViews.Alert(alert.labels, alert.annotations, alert.state, alert.activeAt, Optional.ofNullable(alert.keepFiringSince),
          alert.value));
    }
    return new RuleViews.AlertingRule(runtime.state(), rule.alert(), rule.expr(), rule.forDuration(), rule.keepFiringFor(), rule.labels(),
        rule.annotations(), alerts, runtime.health(), runtime.lastError(), Duration.ofNanos(runtime.evaluationNanos()), runtime.lastEvaluation());
  }

  private static RuleViews.RecordingRule recordingRule(RecordingRuleRuntime runtime) {
    RecordingRule rule = runtime.rule();
    return new RuleViews.RecordingRule(rule.record(), rule.expr(), rule.labels(), runtime.health(), runtime.lastError(),
        Duration.ofNanos(runtime.evaluationNanos()), runtime.lastEvaluation());
  }
}
