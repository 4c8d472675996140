package dev.tonari.query.metric;

import dev.tonari.store.Labels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of a vector-typed expression at every instant of a {@link StepGrid}: one row per label
 * set, each a value per step and whether the series has a sample at that step. A row's labels never
 * change between steps, which lets operators compute signatures and groups once per row instead of
 * once per step.
 */
final class StepMatrix implements StepValue {
  /** One series over the grid; {@code present[i]} says whether {@code values[i]} is a sample. */
  static final class Row {
    final Labels labels;
    final double[] values;
    final boolean[] present;

    Row(Labels labels, int steps) {
      this.labels = labels;
      this.values = new double[steps];
      this.present = new boolean[steps];
    }

    void set(int step, double value) {
      values[step] = value;
      present[step] = true;
    }

    boolean isEmpty() {
      for (boolean sample : present) {
        if (sample) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Rows are kept in label order everywhere, so that every operator sees its input in the same
   * order: sums then add in a fixed order and topk breaks ties the same way on every run.
   */
  static final Comparator<Row> BY_LABELS = Comparator.comparing(row -> row.labels);

  final StepGrid grid;
  final List<Row> rows;
  /**
   * Whether {@link #rows} are in label order, as they are everywhere except in the input that a
   * range aggregation hands to {@code topk} or {@code bottomk}: those order ties by labels
   * themselves and keep few rows, so sorting thousands of series first would be wasted.
   */
  final boolean labelOrdered;

  StepMatrix(StepGrid grid, List<Row> rows) {
    this(grid, rows, true);
  }

  private StepMatrix(StepGrid grid, List<Row> rows, boolean labelOrdered) {
    this.grid = grid;
    this.rows = rows;
    this.labelOrdered = labelOrdered;
  }

  /** A matrix whose rows are in no particular order: only for the input of {@code topk} and {@code bottomk}. */
  static StepMatrix unordered(StepGrid grid, List<Row> rows) {
    return new StepMatrix(grid, rows, false);
  }

  int steps() {
    return grid.size();
  }

  /** Builds a matrix whose rows are created on first use of a label set, in order of first use. */
  static final class Builder {
    private final StepGrid grid;
    private final Map<Labels, Row> rows = new LinkedHashMap<>();

    Builder(StepGrid grid) {
      this.grid = grid;
    }

    Row row(Labels labels) {
      return rows.computeIfAbsent(labels, l -> new Row(l, grid.size()));
    }

    /**
     * Sets a sample, refusing a second one for the same labels at the same step, as Prometheus
     * refuses a vector with two equal label sets.
     */
    void setUnique(Labels labels, int step, double value) throws MetricEvaluationException {
      Row row = row(labels);
      if (row.present[step]) {
        throw new MetricEvaluationException("vector cannot contain metrics with the same labelset " + labels);
      }
      row.set(step, value);
    }

    /** The rows that hold a sample, ordered by labels. */
    StepMatrix build() {
      List<Row> nonEmpty = new ArrayList<>(rows.size());
      for (Row row : rows.values()) {
        if (!row.isEmpty()) {
          nonEmpty.add(row);
        }
      }
      nonEmpty.sort(BY_LABELS);
      return new StepMatrix(grid, Collections.unmodifiableList(nonEmpty));
    }
  }
}
