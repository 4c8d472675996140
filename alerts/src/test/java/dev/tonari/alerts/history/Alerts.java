package dev.tonari.alerts.history;

import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.alert.AlertTransition;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** One alert of a test (tenant, rule, labels), and its transitions at given times. */
record Alerts(String tenant, String rule, Map<String, String> labels) {
  static Alerts of(String tenant, String rule, String... labelPairs) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("alertname", rule);
    for (int i = 0; i < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    return new Alerts(tenant, rule, labels);
  }

  AlertTransition change(AlertState from, AlertState to, Instant at, double value) {
    return new AlertTransition(tenant, "errors", "bursts", rule, labels, Map.of("summary", rule + " at " + value), from, to, at, value);
  }

  AlertTransition pending(Instant at) {
    return change(AlertState.INACTIVE, AlertState.PENDING, at, 1);
  }

  AlertTransition fires(Instant at) {
    return change(AlertState.PENDING, AlertState.FIRING, at, 2);
  }

  AlertTransition firesAtOnce(Instant at) {
    return change(AlertState.INACTIVE, AlertState.FIRING, at, 3);
  }

  AlertTransition resolves(Instant at) {
    return change(AlertState.FIRING, AlertState.INACTIVE, at, 0.5);
  }

  AlertTransition stopsPending(Instant at) {
    return change(AlertState.PENDING, AlertState.INACTIVE, at, 0.25);
  }
}
