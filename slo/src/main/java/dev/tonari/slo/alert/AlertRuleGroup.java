package dev.tonari.slo.alert;

import java.util.List;
import java.util.Objects;

/**
 * A Prometheus rule group: the unit a rule file lists under {@code groups:} and that a rule engine
 * evaluates together.
 *
 * @param name the group name; for an SLO, Sloth's {@code sloth-slo-alerts-<id>}
 * @param rules the alerting rules, in evaluation order
 */
public record AlertRuleGroup(String name, List<AlertRule> rules) {
  public AlertRuleGroup {
    Objects.requireNonNull(name, "name");
    rules = List.copyOf(rules);
  }
}
