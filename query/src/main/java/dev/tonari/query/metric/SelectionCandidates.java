package dev.tonari.query.metric;

import dev.tonari.logql.Grouping;
import dev.tonari.store.Labels;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The series a {@code topk} or {@code bottomk} could keep, chosen while a counting range
 * aggregation makes its values: at every step of every group of the selection, the best {@code k}
 * in the order of {@link VectorAggregations#selectK} (value, then labels). Only those series become
 * rows; a {@code topk(5, sum by (path) (...))} over thousands of paths then makes a few dozen rows
 * instead of one per path, each a value per step, only for the selection to pass over them.
 *
 * <p>The selection run on the chosen rows keeps what it would keep on all of them: at each step of
 * a group, the best {@code k} are among the chosen (they were offered at that step), and every
 * other chosen row there ranks below all of them.
 */
final class SelectionCandidates {
  private final boolean top;
  private final int k;
  private final Grouping grouping;
  private final int steps;
  private final List<WindowedSeries> offered = new ArrayList<>();
  private final Map<Labels, BestOfSteps> groups = new HashMap<>();
  private final BestOfSteps.Order order = this::compare;

  /** Whether the selection {@code topk}/{@code bottomk(k)} is one this keeps candidates for (a small k, as the selection's insertion takes). */
  static boolean applies(int k) {
    return k >= 1 && k <= VectorAggregations.MAX_SELECTED_K;
  }

  SelectionCandidates(boolean top, int k, Grouping grouping, int steps) {
    this.top = top;
    this.k = k;
    this.grouping = grouping;
    this.steps = steps;
  }

  private int compare(double x, int a, double y, int b) {
    int byValue = VectorAggregations.compareValues(top, x, y);
    return byValue != 0 ? byValue : offered.get(a).labels.compareTo(offered.get(b).labels);
  }

  /** Offers every counted step of a series, its value from {@code value(count, sum)}. */
  void offer(WindowedSeries series, WindowedSeries.CountedValue value) {
    BestOfSteps group = groups.computeIfAbsent(Matching.groupLabels(grouping, series.labels), labels -> new BestOfSteps(steps, k));
    int index = offered.size();
    offered.add(series);
    series.forEachCountedStep(steps, value, (step, stepValue) -> group.offer(step, index, stepValue, order));
  }

  /** The offered series that some step of some group keeps, in the order they were offered. */
  List<WindowedSeries> chosen() {
    BitSet kept = new BitSet(offered.size());
    for (BestOfSteps group : groups.values()) {
      for (int step = 0; step < steps; step++) {
        for (int i = 0; i < group.size(step); i++) {
          kept.set(group.row(step, i));
        }
      }
    }
    List<WindowedSeries> chosen = new ArrayList<>(kept.cardinality());
    for (int i = kept.nextSetBit(0); i >= 0; i = kept.nextSetBit(i + 1)) {
      chosen.add(offered.get(i));
    }
    return chosen;
  }
}
