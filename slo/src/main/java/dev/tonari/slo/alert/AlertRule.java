package dev.tonari.slo.alert;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One Prometheus alerting rule ({@code alert}, {@code expr}, {@code for}, {@code labels},
 * {@code annotations}), as a rule file holds it and as the ruler will load it.
 *
 * @param alert the alert name
 * @param expr the PromQL expression; the alert fires for every series it yields
 * @param forDuration Prometheus' {@code for}; zero fires at once and is left out of the file
 * @param labels labels added to the alert, on top of the labels of the series the expression yields
 * @param annotations the alert's annotations (Go templates over {@code $labels} and {@code $value})
 */
public record AlertRule(String alert, String expr, Duration forDuration, Map<String, String> labels, Map<String, String> annotations) {
  public AlertRule {
    Objects.requireNonNull(alert, "alert");
    Objects.requireNonNull(expr, "expr");
    Objects.requireNonNull(forDuration, "forDuration");
    if (forDuration.isNegative()) {
      throw new IllegalArgumentException("alert " + alert + ": for cannot be negative, got " + forDuration);
    }
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
  }
}
