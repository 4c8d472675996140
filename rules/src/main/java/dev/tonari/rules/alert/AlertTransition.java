package dev.tonari.rules.alert;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One change of an alert's state, as the alert history keeps it: inactive to pending, pending to
 * firing, firing to inactive (resolved), pending to inactive (stopped before it fired), or
 * inactive to firing for a rule without {@code for}.
 *
 * @param tenant the tenant whose rule it is
 * @param namespace the rule's namespace ({@code slo} for SLO burn-rate rules)
 * @param group the rule's group
 * @param rule the alert name
 * @param labels the alert's labels ({@code alertname} included), which identify it
 * @param annotations its annotations at the change, templates expanded
 * @param from the state before
 * @param to the state after
 * @param at the evaluation at which it changed
 * @param value the expression's value then (at a resolution, the last value seen); NaN if none
 */
public record AlertTransition(String tenant, String namespace, String group, String rule, Map<String, String> labels,
    Map<String, String> annotations, AlertState from, AlertState to, Instant at, double value) {
  public AlertTransition {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(rule, "rule");
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    annotations = java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(at, "at");
    if (from == to) {
      throw new IllegalArgumentException("a transition changes the state, got " + from + " -> " + to + " for " + rule);
    }
  }

  public String fingerprint() {
    return AlertFingerprint.of(labels);
  }
}
