package dev.tonari.query.metric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.Grouping;
import dev.tonari.logql.VectorOperation;
import dev.tonari.store.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code topk} and {@code bottomk} pick per step and group exactly the rows a full sort by
 * Prometheus's order picks (numbers before NaN, best value first, the earlier row first among
 * equal values, -0.0 equal to 0.0), on seeded random matrices full of ties, NaN and gaps.
 */
class TopkSelectionPropertyTest {
  private static final double[] VALUES = {0.0, -0.0, 1.0, 2.0, 2.0, -3.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 7.25};

  @Test
  void selectionEqualsTheFullSortOfEveryGroupAtEveryStep() {
    Random random = new Random(20261207);
    for (int trial = 0; trial < 2000; trial++) {
      int steps = 1 + random.nextInt(6);
      StepGrid grid = new StepGrid(0, (steps - 1) * 1_000L, 1_000L);
      int rowCount = random.nextInt(12);
      List<StepMatrix.Row> rows = new ArrayList<>();
      for (int r = 0; r < rowCount; r++) {
        StepMatrix.Row row = new StepMatrix.Row(Labels.of(Map.of("group", "g" + random.nextInt(3), "row", "r" + r)), steps);
        for (int step = 0; step < steps; step++) {
          if (random.nextInt(4) != 0) {
            row.set(step, VALUES[random.nextInt(VALUES.length)]);
          }
        }
        rows.add(row);
      }
      StepMatrix input = new StepMatrix(grid, rows);
      boolean top = random.nextBoolean();
      int k = random.nextInt(6);
      Grouping grouping = random.nextBoolean() ? new Grouping(false, List.of("group")) : new Grouping(false, List.of());
      StepMatrix actual = VectorAggregations.aggregate(top ? VectorOperation.TOPK : VectorOperation.BOTTOMK, grouping, k, input);
      assertThat(selected(actual)).as("trial %d, %s k=%d by %s", trial, top ? "topk" : "bottomk", k, grouping.labels()).isEqualTo(reference(top, grouping, k, input));
    }
  }

  /** Row labels to the steps (and values) each was selected at. */
  private static Map<Labels, List<String>> selected(StepMatrix matrix) {
    Map<Labels, List<String>> picked = new HashMap<>();
    for (StepMatrix.Row row : matrix.rows) {
      for (int step = 0; step < row.values.length; step++) {
        if (row.present[step]) {
          picked.computeIfAbsent(row.labels, labels -> new ArrayList<>()).add(step + "=" + row.values[step]);
        }
      }
    }
    return picked;
  }

  private static Map<Labels, List<String>> reference(boolean top, Grouping grouping, int k, StepMatrix input) {
    Map<Labels, List<String>> picked = new HashMap<>();
    for (int step = 0; step < input.steps(); step++) {
      Map<Labels, List<Integer>> groups = new java.util.LinkedHashMap<>();
      for (int r = 0; r < input.rows.size(); r++) {
        if (input.rows.get(r).present[step]) {
          groups.computeIfAbsent(grouping.labels().isEmpty() ? Labels.EMPTY : Labels.of(Map.of("group", input.rows.get(r).labels.get("group"))),
              labels -> new ArrayList<>()).add(r);
        }
      }
      final int at = step;
      Comparator<Integer> order = (a, b) -> {
        double x = input.rows.get(a).values[at];
        double y = input.rows.get(b).values[at];
        if (Double.isNaN(x) != Double.isNaN(y)) {
          return Double.isNaN(x) ? 1 : -1;
        }
        int byValue = Double.isNaN(x) || x == y ? 0 : (top ? Double.compare(y, x) : Double.compare(x, y));
        return byValue != 0 ? byValue : Integer.compare(a, b);
      };
      for (List<Integer> group : groups.values()) {
        Integer[] sorted = group.toArray(Integer[]::new);
        Arrays.sort(sorted, order);
        for (int i = 0; i < Math.min(k, sorted.length); i++) {
          StepMatrix.Row row = input.rows.get(sorted[i]);
          picked.computeIfAbsent(row.labels, labels -> new ArrayList<>()).add(at + "=" + row.values[at]);
        }
      }
    }
    picked.values().forEach(list -> list.sort(Comparator.comparingInt(text -> Integer.parseInt(text.substring(0, text.indexOf('='))))));
    return picked;
  }
}
