package dev.tonari.alerts.history;

import dev.tonari.rules.alert.AlertTransition;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which transitions a history query returns: those of one rule (alert name) and with these labels.
 *
 * @param rule the alert name, or empty for every rule
 * @param labels labels the alert must carry with exactly these values; empty for any
 */
public record TransitionFilter(Optional<String> rule, Map<String, String> labels) {
  public TransitionFilter {
    Objects.requireNonNull(rule, "rule");
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  public static TransitionFilter all() {
    return new TransitionFilter(Optional.empty(), Map.of());
  }

  public boolean matches(AlertTransition transition) {
    if (rule.isPresent() && !rule.get().equals(transition.rule())) {
      return false;
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!label.getValue().equals(transition.labels().get(label.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
