package dev.tonari.query.metric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.Grouping;
import dev.tonari.logql.VectorOperation;
import dev.tonari.store.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@code topk}/{@code bottomk} with a small k keep the best k rows of a step by insertion instead of
 * sorting all of them; the rows kept at each step must be exactly those of sorting the step's rows
 * (numbers before NaN, best first, earlier row first among equal values, -0 equal to 0), with
 * many ties, NaN, signed zeros, absent steps, groupings and k both small and above the selection's
 * bound.
 */
class TopkSelectionPropertyTest {
  private static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1, 1, 2};

  @Property(tries = 1500)
  void keepsWhatSortingKeeps(@ForAll long seed) {
    Random random = new Random(seed);
    int steps = 1 + random.nextInt(6);
    StepGrid grid = new StepGrid(0, (steps - 1) * 10L, 10);
    int rowCount = random.nextInt(random.nextBoolean() ? 8 : 80);
    List<StepMatrix.Row> rows = new ArrayList<>();
    for (int r = 0; r < rowCount; r++) {
      StepMatrix.Row row = new StepMatrix.Row(Labels.of("path", "/p" + r, "app", "a" + random.nextInt(3)), steps);
      for (int step = 0; step < steps; step++) {
        if (random.nextInt(5) > 0) {
          row.set(step, random.nextInt(4) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : random.nextInt(6));
        }
      }
      rows.add(row);
    }
    StepMatrix input = new StepMatrix(grid, rows);
    int k = random.nextInt(4) == 0 ? 1 + random.nextInt(60) : 1 + random.nextInt(6);
    boolean top = random.nextBoolean();
    Grouping grouping = random.nextBoolean() ? null : new Grouping(false, List.of("app"));
    StepMatrix selected = VectorAggregations.aggregate(top ? VectorOperation.TOPK : VectorOperation.BOTTOMK, grouping, k, input);
    assertThat(render(selected)).isEqualTo(render(bySorting(top, grouping, k, input)));
  }

  /** The rows kept as sorting every step's rows of each group keeps them (the algorithm before the selection). */
  private static StepMatrix bySorting(boolean top, Grouping grouping, int k, StepMatrix input) {
    int steps = input.grid.size();
    List<StepMatrix.Row> out = new ArrayList<>();
    for (StepMatrix.Row row : input.rows) {
      out.add(new StepMatrix.Row(row.labels, steps));
    }
    Map<Labels, List<Integer>> groups = new LinkedHashMap<>();
    for (int r = 0; r < input.rows.size(); r++) {
      groups.computeIfAbsent(Matching.groupLabels(grouping, input.rows.get(r).labels), g -> new ArrayList<>()).add(r);
    }
    for (int step = 0; step < steps; step++) {
      int at = step;
      for (List<Integer> group : groups.values()) {
        Integer[] candidates = group.stream().filter(r -> input.rows.get(r).present[at]).toArray(Integer[]::new);
        Comparator<Integer> order = (a, b) -> {
          double x = input.rows.get(a).values[at];
          double y = input.rows.get(b).values[at];
          if (Double.isNaN(x) != Double.isNaN(y)) {
            return Double.isNaN(x) ? 1 : -1;
          }
          int byValue = x == y || (Double.isNaN(x) && Double.isNaN(y)) ? 0 : (top ? Double.compare(y, x) : Double.compare(x, y));
          return byValue != 0 ? byValue : Integer.compare(a, b);
        };
        Arrays.sort(candidates, order);
        for (int i = 0; i < Math.min(k, candidates.length); i++) {
          out.get(candidates[i]).set(at, input.rows.get(candidates[i]).values[at]);
        }
      }
    }
    return new StepMatrix(input.grid, out.stream().filter(row -> !row.isEmpty()).toList());
  }

  /** A matrix as text, a line per row: its labels and each step's value or "-" (shared with {@code CountedSeriesPropertyTest}). */
  static List<String> render(StepMatrix matrix) {
    List<String> rendered = new ArrayList<>();
    for (StepMatrix.Row row : matrix.rows) {
      StringBuilder text = new StringBuilder(row.labels.toString());
      for (int step = 0; step < row.values.length; step++) {
        text.append(' ').append(row.present[step] ? Double.toString(row.values[step]) : "-");
      }
      rendered.add(text.toString());
    }
    return rendered;
  }
}
