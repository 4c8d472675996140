package dev.tonari.query.metric;

import java.util.Arrays;

/**
 * The best {@code k} candidates of every step of a grid, each a row index and its value, kept
 * best first by insertion in a caller's total order: what {@code topk}/{@code bottomk} with a
 * small k keep per step of a group ({@link VectorAggregations}), and what {@link
 * SelectionCandidates} keeps while the values are made. One insertion per offer; a candidate worse
 * than the k-th is turned away after one comparison.
 */
final class BestOfSteps {
  /** A total order of candidates: negative when value {@code x} of row {@code a} comes before value {@code y} of row {@code b}. */
  interface Order {
    int compare(double x, int a, double y, int b);
  }

  private final int k;
  private final int[] rows;
  private final double[] values;
  private final int[] sizes;

  BestOfSteps(int steps, int k) {
    this.k = k;
    this.rows = new int[steps * k];
    this.values = new double[steps * k];
    this.sizes = new int[steps];
  }

  /** Forgets every step's candidates (for the next group). */
  void clear() {
    Arrays.fill(sizes, 0);
  }

  /** Offers row {@code row}'s {@code value} at {@code step}. */
  void offer(int step, int row, double value, Order order) {
    int base = step * k;
    int size = sizes[step];
    int position = size;
    while (position > 0 && order.compare(value, row, values[base + position - 1], rows[base + position - 1]) < 0) {
      position--;
    }
    if (position >= k) {
      return;
    }
    int kept = Math.min(size, k - 1);
    System.arraycopy(rows, base + position, rows, base + position + 1, kept - position);
    System.arraycopy(values, base + position, values, base + position + 1, kept - position);
    rows[base + position] = row;
    values[base + position] = value;
    sizes[step] = kept + 1;
  }

  /** How many candidates {@code step} keeps (at most k). */
  int size(int step) {
    return sizes[step];
  }

  /** The {@code i}-th best row of {@code step}. */
  int row(int step, int i) {
    return rows[step * k + i];
  }

  /** The value of the {@code i}-th best row of {@code step}. */
  double value(int step, int i) {
    return values[step * k + i];
  }
}
