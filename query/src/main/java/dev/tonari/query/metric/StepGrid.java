package dev.tonari.query.metric;

/**
 * The evaluation instants of a metric query, aligned as Loki and Prometheus align them: {@code
 * start, start + step, ...} up to and including {@code end}. An instant query is the grid of the
 * single instant {@code start == end} (its step is zero).
 */
public record StepGrid(long startNanos, long endNanos, long stepNanos) {
  public StepGrid {
    if (endNanos < startNanos) {
      throw new IllegalArgumentException("step grid end " + endNanos + " is before its start " + startNanos);
    }
    if (stepNanos < 0 || (stepNanos == 0 && endNanos != startNanos)) {
      throw new IllegalArgumentException("step grid from " + startNanos + " to " + endNanos + " needs a positive step, got " + stepNanos);
    }
  }

  public static StepGrid instant(long timeNanos) {
    return new StepGrid(timeNanos, timeNanos, 0);
  }

  public int size() {
    return stepNanos == 0 ? 1 : Math.toIntExact((endNanos - startNanos) / stepNanos + 1);
  }

  public long timestamp(int index) {
    return startNanos + index * stepNanos;
  }
}
