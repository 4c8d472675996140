package dev.tonari.query.metric;

import dev.tonari.logql.BinaryOperator;
import dev.tonari.logql.Grouping;
import dev.tonari.logql.VectorMatching;
import dev.tonari.store.Labels;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The label and value rules shared by aggregations and binary operations. */
final class Matching {
  private Matching() {}

  /**
   * The labels a series contributes to its group: those named by {@code by (...)}, or all but those
   * named by {@code without (...)}; no grouping (null) groups everything together, like {@code by ()}.
   */
  static Labels groupLabels(Grouping grouping, Labels series) {
    if (grouping == null || (!grouping.without() && grouping.labels().isEmpty())) {
      return Labels.EMPTY;
    }
    return keepOrDrop(series, grouping.labels(), !grouping.without());
  }

  /** The labels two series must share to be paired; null matching compares all labels. */
  static Labels signature(VectorMatching matching, Labels labels) {
    if (matching == null) {
      return labels;
    }
    return keepOrDrop(labels, matching.matchingLabels(), matching.on());
  }

  private static Labels keepOrDrop(Labels labels, List<String> names, boolean keepNamed) {
    Set<String> named = new HashSet<>(names);
    Map<String, String> kept = new TreeMap<>();
    for (int i = 0; i < labels.size(); i++) {
      if (named.contains(labels.name(i)) == keepNamed) {
        kept.put(labels.name(i), labels.value(i));
      }
    }
    return kept.size() == labels.size() ? labels : Labels.of(kept);
  }

  static VectorMatching.Cardinality cardinality(VectorMatching matching) {
    return matching == null ? VectorMatching.Cardinality.ONE_TO_ONE : matching.cardinality();
  }

  /**
   * Loki's {@code resultMetric}: the "many" side's labels, reduced to the matching labels for a
   * one-to-one {@code on}, without the ignored ones for a one-to-one {@code ignoring}, plus the
   * {@code group_x} labels taken from the "one" side (removed when the one side lacks them).
   */
  static Labels resultLabels(VectorMatching matching, Labels many, Labels one) {
    if (matching == null) {
      return many;
    }
    Map<String, String> result = many.toMap();
    if (matching.cardinality() == VectorMatching.Cardinality.ONE_TO_ONE) {
      if (matching.on()) {
        result.keySet().retainAll(new HashSet<>(matching.matchingLabels()));
      } else {
        matching.matchingLabels().forEach(result::remove);
      }
    }
    for (String name : matching.include()) {
      String value = one.get(name);
      if (value != null && !value.isEmpty()) {
        result.put(name, value);
      } else {
        result.remove(name);
      }
    }
    return Labels.of(result);
  }

  /**
   * Arithmetic as Loki's {@code MergeBinOp}: division and modulo by zero give NaN (not Go's
   * infinities); comparisons give 1 or 0. Java's {@code %} on doubles is Go's {@code math.Mod}.
   */
  static double apply(BinaryOperator operator, double left, double right) {
    return switch (operator) {
      case ADD -> left + right;
      case SUBTRACT -> left - right;
      case MULTIPLY -> left * right;
      case DIVIDE -> right == 0 ? Double.NaN : left / right;
      case MODULO -> right == 0 ? Double.NaN : left % right;
      case POWER -> Math.pow(left, right);
      case EQUAL -> left == right ? 1 : 0;
      case NOT_EQUAL -> left != right ? 1 : 0;
      case GREATER -> left > right ? 1 : 0;
      case GREATER_OR_EQUAL -> left >= right ? 1 : 0;
      case LESS -> left < right ? 1 : 0;
      case LESS_OR_EQUAL -> left <= right ? 1 : 0;
      case AND, OR, UNLESS -> throw new IllegalStateException("set operator " + operator.symbol() + " has no arithmetic");
    };
  }
}
