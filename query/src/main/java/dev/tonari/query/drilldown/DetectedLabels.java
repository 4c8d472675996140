package dev.tonari.query.drilldown;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import com.google.re2j.Pattern;

/**
 * Which stream labels Loki's {@code detected_labels} offers Logs Drilldown to break down by, and
 * their cardinality: the static labels ({@code cluster}, {@code namespace}, {@code instance},
 * {@code pod}) whenever they have values; any other label unless it has no values or all its
 * values are identifiers (numbers or UUIDs), except that a label of at most two values that are
 * all {@code 0} or {@code 1} is a flag and kept. Breaking down by an identifier would make a panel
 * per request, which is why Loki leaves them out. Cardinality is the exact number of values.
 */
public final class DetectedLabels {
  private static final Set<String> STATIC_LABELS = Set.of("cluster", "namespace", "instance", "pod");
  private static final Pattern UUID = Pattern.compile(
      "(?i)(urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}|[0-9a-f]{32}");
  private static final Pattern DECIMAL_FLOAT = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?|(?i)[+-]?(inf|infinity)|nan");

  /** One label Drilldown may break down by. */
  public record DetectedLabel(String label, int cardinality) {}

  private DetectedLabels() {}

  /** The labels to offer, by name, from each label's distinct values. */
  public static List<DetectedLabel> select(Map<String, ? extends Collection<String>> valuesByLabel) {
    List<DetectedLabel> detected = new ArrayList<>();
    for (Map.Entry<String, ? extends Collection<String>> label : new TreeMap<>(valuesByLabel).entrySet()) {
      Collection<String> values = label.getValue();
      boolean keep = STATIC_LABELS.contains(label.getKey()) ? !values.isEmpty() : !isRejected(values);
      if (keep) {
        detected.add(new DetectedLabel(label.getKey(), values.size()));
      }
    }
    return detected;
  }

  static boolean isRejected(Collection<String> values) {
    if (values.isEmpty()) {
      return true;
    }
    if (values.size() > 2) {
      return allIdentifiers(values);
    }
    for (String value : values) {
      if (!value.equals("0") && !value.equals("1")) {
        return allIdentifiers(values);
      }
    }
    return false;
  }

  private static boolean allIdentifiers(Collection<String> values) {
    for (String value : values) {
      if (!DECIMAL_FLOAT.matcher(value).matches() && !UUID.matcher(value).matches()) {
        return false;
      }
    }
    return true;
  }
}
