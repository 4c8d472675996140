package dev.tonari.rules.model;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An alerting rule as Prometheus' rule-file format writes it.
 *
 * @param alert the alert name ({@code alertname} label of its alerts)
 * @param expr the LogQL metric query; the alert is active for every series it yields
 * @param forDuration {@code for}: how long the expression must yield a series before the alert
 *     fires; zero fires at once
 * @param keepFiringFor {@code keep_firing_for}: how long a firing alert stays firing after the
 *     expression stopped yielding its series; zero resolves at once
 * @param labels labels added to the alert (Go templates over {@code $labels} and {@code $value})
 * @param annotations the alert's annotations (Go templates over {@code $labels} and {@code $value})
 */
public record AlertingRule(String alert, String expr, Duration forDuration, Duration keepFiringFor, Map<String, String> labels,
    Map<String, String> annotations) implements Rule {
  public AlertingRule {
    Objects.requireNonNull(alert, "alert");
    Objects.requireNonNull(expr, "expr");
    if (forDuration.isNegative() || keepFiringFor.isNegative()) {
      throw new IllegalArgumentException("alert " + alert + ": for and keep_firing_for must not be negative");
    }
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    annotations = java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
  }

  @Override
  public String name() {
    return alert;
  }
}
