package dev.tonari.query.metric;

import dev.tonari.logql.Grouping;
import dev.tonari.logql.VectorOperation;
import dev.tonari.store.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Vector aggregations ({@code sum by (app) (...)}, {@code topk(3, ...)}, ...) evaluated at every
 * step of a matrix, with the arithmetic of Loki's {@code vectorAggEvaluator}: sums in input order,
 * incremental means and Welford variances, NaN replaced by any number in {@code min}/{@code max},
 * and {@code topk}/{@code bottomk} that prefer numbers over NaN and, among equal values, the
 * series that comes first. Groups are computed once per input row, not once per step.
 */
final class VectorAggregations {
  private VectorAggregations() {}

  static StepMatrix aggregate(VectorOperation operator, Grouping grouping, int parameter, StepMatrix input) {
    return switch (operator) {
      case TOPK, BOTTOMK -> selectK(operator == VectorOperation.TOPK, grouping, parameter, input);
      // Sorting changes only the order of an instant result, which the engine applies at the end.
      case SORT, SORT_DESC -> input;
      default -> reduce(operator, grouping, input);
    };
  }

  private static StepMatrix reduce(VectorOperation operator, Grouping grouping, StepMatrix input) {
    int steps = input.steps();
    Map<Labels, Integer> groupIndexes = new HashMap<>();
    List<StepMatrix.Row> groups = new ArrayList<>();
    int[] groupOf = new int[input.rows.size()];
    for (int r = 0; r < input.rows.size(); r++) {
      Labels groupLabels = Matching.groupLabels(grouping, input.rows.get(r).labels);
      Integer index = groupIndexes.get(groupLabels);
      if (index == null) {
        index = groups.size();
        groupIndexes.put(groupLabels, index);
        groups.add(new StepMatrix.Row(groupLabels, steps));
      }
      groupOf[r] = index;
    }
    int groupCount = groups.size();
    double[] value = new double[groupCount];
    double[] mean = new double[groupCount];
    long[] count = new long[groupCount];
    for (int step = 0; step < steps; step++) {
      Arrays.fill(count, 0);
      for (int r = 0; r < input.rows.size(); r++) {
        StepMatrix.Row row = input.rows.get(r);
        if (!row.present[step]) {
          continue;
        }
        double sample = row.values[step];
        int g = groupOf[r];
        if (count[g] == 0) {
          value[g] = operator == VectorOperation.STDVAR || operator == VectorOperation.STDDEV ? 0 : sample;
          mean[g] = sample;
          count[g] = 1;
          continue;
        }
        switch (operator) {
          case SUM -> value[g] += sample;
          case AVG -> {
            count[g]++;
            if (Double.isInfinite(mean[g])) {
              if (Double.isInfinite(sample) && (mean[g] > 0) == (sample > 0)) {
                break;
              }
              if (!Double.isInfinite(sample) && !Double.isNaN(sample)) {
                break;
              }
            }
            // Each side is divided by the count first so that large values do not overflow.
            mean[g] += sample / count[g] - mean[g] / count[g];
          }
          case MAX -> {
            if (value[g] < sample || Double.isNaN(value[g])) {
              value[g] = sample;
            }
          }
          case MIN -> {
            if (value[g] > sample || Double.isNaN(value[g])) {
              value[g] = sample;
            }
          }
          case COUNT -> count[g]++;
          case STDDEV, STDVAR -> {
            count[g]++;
            double delta = sample - mean[g];
            mean[g] += delta / count[g];
            value[g] += delta * (sample - mean[g]);
          }
          default -> throw new IllegalStateException("not a reducing aggregation: " + operator);
        }
      }
      for (int g = 0; g < groupCount; g++) {
        if (count[g] == 0) {
          continue;
        }
        double result =
            switch (operator) {
              case AVG -> mean[g];
              case COUNT -> count[g];
              case STDDEV -> Math.sqrt(value[g] / count[g]);
              case STDVAR -> value[g] / count[g];
              default -> value[g];
            };
        groups.get(g).set(step, result);
      }
    }
    groups.removeIf(StepMatrix.Row::isEmpty);
    groups.sort(StepMatrix.BY_LABELS);
    return new StepMatrix(input.grid, groups);
  }

  /** Up to this k, {@link #selectK} keeps the best rows by insertion; above it, it sorts the step's rows. */
  static final int MAX_SELECTED_K = 32;

  /**
   * Numbers before NaN, best value first, and among equal values the row first in label order (the
   * earlier row, when the input is in label order): a total order of a step's rows.
   */
  private static int compareCandidates(StepMatrix input, boolean top, double x, int a, double y, int b) {
    int byValue = compareValues(top, x, y);
    if (byValue != 0) {
      return byValue;
    }
    return input.labelOrdered ? Integer.compare(a, b) : input.rows.get(a).labels.compareTo(input.rows.get(b).labels);
  }

  /** The order of {@link #compareCandidates} by value alone: numbers before NaN, the best first; 0 for values that tie. */
  static int compareValues(boolean top, double x, double y) {
    boolean xNaN = Double.isNaN(x);
    boolean yNaN = Double.isNaN(y);
    if (xNaN != yNaN) {
      return xNaN ? 1 : -1;
    }
    if (xNaN || x == y) {
      return 0; // -0.0 and 0.0 are equal values here, as in Go
    }
    return top ? Double.compare(y, x) : Double.compare(x, y);
  }

  private static StepMatrix selectK(boolean top, Grouping grouping, int k, StepMatrix input) {
    if (k < 1) {
      return new StepMatrix(input.grid, List.of());
    }
    int steps = input.steps();
    int rowCount = input.rows.size();
    Map<Labels, List<Integer>> members = new HashMap<>();
    List<List<Integer>> groups = new ArrayList<>();
    for (int r = 0; r < rowCount; r++) {
      List<Integer> group = members.computeIfAbsent(Matching.groupLabels(grouping, input.rows.get(r).labels), labels -> new ArrayList<>());
      if (group.isEmpty()) {
        groups.add(group);
      }
      group.add(r);
    }
    // Rows are made only for the series that some step keeps: a topk(5) of thousands of paths keeps few.
    StepMatrix.Row[] out = new StepMatrix.Row[rowCount];
    if (k <= MAX_SELECTED_K) {
      selectByInsertion(top, Math.min(k, rowCount), groups, input, out);
    } else {
      selectBySorting(top, k, groups, input, out);
    }
    List<StepMatrix.Row> nonEmpty = new ArrayList<>();
    for (StepMatrix.Row row : out) {
      if (row != null) {
        nonEmpty.add(row);
      }
    }
    if (!input.labelOrdered) {
      nonEmpty.sort(StepMatrix.BY_LABELS); // the few rows kept, not the thousands read
    }
    return new StepMatrix(input.grid, nonEmpty);
  }

  /**
   * A small k keeps the best k of every step in sorted arrays, one insertion per row and step (a
   * topk(5) of thousands of paths no longer sorts them all at every step). Rows are read one after
   * the other, each along its steps, so the rows' arrays stream through the cache instead of being
   * visited across all rows at each step. The order of {@link #compareCandidates} is total, so the
   * rows kept do not depend on the order the rows are taken in.
   */
  private static void selectByInsertion(boolean top, int k, List<List<Integer>> groups, StepMatrix input, StepMatrix.Row[] out) {
    int steps = input.steps();
    BestOfSteps best = new BestOfSteps(steps, k);
    BestOfSteps.Order order = (x, a, y, b) -> compareCandidates(input, top, x, a, y, b);
    for (List<Integer> group : groups) {
      best.clear();
      for (int r : group) {
        StepMatrix.Row row = input.rows.get(r);
        boolean[] present = row.present;
        double[] values = row.values;
        for (int step = 0; step < steps; step++) {
          if (present[step]) {
            best.offer(step, r, values[step], order);
          }
        }
      }
      for (int step = 0; step < steps; step++) {
        for (int i = 0; i < best.size(step); i++) {
          outRow(out, best.row(step, i), input).set(step, best.value(step, i));
        }
      }
    }
  }

  /** A large k sorts each step's present rows of a group and keeps the first k. */
  private static void selectBySorting(boolean top, int k, List<List<Integer>> groups, StepMatrix input, StepMatrix.Row[] out) {
    int steps = input.steps();
    Integer[] candidates = new Integer[input.rows.size()];
    for (List<Integer> group : groups) {
      for (int step = 0; step < steps; step++) {
        final int at = step;
        int size = 0;
        for (int r : group) {
          if (input.rows.get(r).present[at]) {
            candidates[size++] = r;
          }
        }
        Arrays.sort(candidates, 0, size, (a, b) -> compareCandidates(input, top, input.rows.get(a).values[at], a, input.rows.get(b).values[at], b));
        for (int i = 0; i < Math.min(k, size); i++) {
          int r = candidates[i];
          outRow(out, r, input).set(at, input.rows.get(r).values[at]);
        }
      }
    }
  }

  private static StepMatrix.Row outRow(StepMatrix.Row[] out, int r, StepMatrix input) {
    StepMatrix.Row row = out[r];
    if (row == null) {
      row = new StepMatrix.Row(input.rows.get(r).labels, input.steps());
      out[r] = row;
    }
    return row;
  }
}
