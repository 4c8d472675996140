package dev.tonari.rules.model;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A recording rule: the expression's result, renamed to {@code record} and labelled, is written to
 * the remote-write clients at every evaluation.
 *
 * @param record the metric name of the samples written
 * @param expr the LogQL metric query
 * @param labels labels added to every sample (replacing those of the same name)
 */
public record RecordingRule(String record, String expr, Map<String, String> labels) implements Rule {
  public RecordingRule {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(expr, "expr");
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  @Override
  public String name() {
    return record;
  }
}
