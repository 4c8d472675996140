package dev.tonari.rules.alert;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One sample of a recording rule's result, as remote write sends it.
 *
 * @param labels the series' labels, {@code __name__} (the rule's {@code record}) included
 * @param timestampMillis the evaluation time, in milliseconds since the epoch (remote write's unit)
 * @param value the sample value
 */
public record RecordedSample(Map<String, String> labels, long timestampMillis, double value) {
  public RecordedSample {
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    Objects.requireNonNull(labels.get("__name__"), "a recorded sample needs __name__");
  }
}
