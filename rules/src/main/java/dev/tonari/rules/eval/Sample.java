package dev.tonari.rules.eval;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One element of the instant vector a rule's expression yields: the series' labels and its value.
 *
 * @param labels the series' labels, sorted by name
 * @param value the value at the evaluation instant
 */
public record Sample(Map<String, String> labels, double value) {
  public Sample {
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
  }
}
