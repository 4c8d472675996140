package dev.tonari.slo.budget;

import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The remaining budget at every point of a grid ({@code fromMinute}, {@code fromMinute + step}, ...
 * up to {@code toMinute}), each point being {@link BudgetCalculator#remainingAt} that minute: the
 * "budget over the window" graph, and the history the {@link BudgetPolicy} walks back for "since
 * when". Computed in O(minutes + points) rather than O(points x window): prefix sums over the
 * minutes give any window's events in O(1), and, for the slice methods, prefix sums over the slices
 * of each slice grid the windows use (one per residue of the window start modulo the slice length)
 * give any run of whole slices in O(1); only the window's last, unfinished slice is judged per point.
 */
public final class BudgetHistory {
  private final long firstMinute;
  private final int stepMinutes;
  private final double[] remaining;

  private BudgetHistory(long firstMinute, int stepMinutes, double[] remaining) {
    this.firstMinute = firstMinute;
    this.stepMinutes = stepMinutes;
    this.remaining = remaining;
  }

  /**
   * @param fromMinute the first point
   * @param toMinute the last point is the last grid point not after it
   * @param stepMinutes the distance between points (10 for a graph, 1 for the policy)
   */
  public static BudgetHistory compute(SloSpec spec, MinuteSeries series, long fromMinute, long toMinute, int stepMinutes) {
    if (stepMinutes <= 0) {
      throw new IllegalArgumentException("a history step must be positive, got " + stepMinutes + " for SLO " + spec.id());
    }
    if (toMinute < fromMinute) {
      throw new IllegalArgumentException("a history range must not end before it starts: [" + fromMinute + ", " + toMinute + "] for SLO " + spec.id());
    }
    long count = (toMinute - fromMinute) / stepMinutes + 1;
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(count + " history points are too many for SLO " + spec.id());
    }
    double[] remaining = new double[(int) count];
    Sums sums = new Sums(spec, series);
    double errorBudget = spec.errorBudget();
    WindowBounds period = null;
    for (int k = 0; k < remaining.length; k++) {
      long point = fromMinute + (long) k * stepMinutes;
      WindowBounds window;
      if (spec.window() instanceof TimeWindow.Calendar calendar) {
        if (period == null || !period.contains(point)) {
          period = WindowBounds.periodContaining(calendar, WindowBounds.instantOf(point));
        }
        window = period;
      } else {
        window = WindowBounds.endingAt(spec.window(), point);
      }
      Tally tally = sums.window(window.startMinute(), Math.min(window.endMinute(), point));
      OptionalDouble value = BudgetCalculator.remaining(BudgetCalculator.consumed(tally, errorBudget));
      remaining[k] = value.isPresent() ? value.getAsDouble() : Double.NaN;
    }
    return new BudgetHistory(fromMinute, stepMinutes, remaining);
  }

  public int size() {
    return remaining.length;
  }

  public int stepMinutes() {
    return stepMinutes;
  }

  public long minuteAt(int index) {
    return firstMinute + (long) index * stepMinutes;
  }

  public Instant instantAt(int index) {
    return WindowBounds.instantOf(minuteAt(index));
  }

  /** The remaining budget at point {@code index}; empty when its window had no data. */
  public OptionalDouble remainingAt(int index) {
    double value = remaining[index];
    return Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  /** Prefix sums of one series, and of the slice grids built on demand. */
  private static final class Sums {
    private final long start;
    private final long end;
    private final double[] prefixBad;
    private final double[] prefixTotal;
    private final boolean slices;
    private final boolean ratios;
    private final long sliceMinutes;
    private final double sliceTarget;
    private final Map<Long, SliceGrid> grids = new HashMap<>();

    Sums(SloSpec spec, MinuteSeries series) {
      this.start = series.startMinute();
      this.end = series.endMinute();
      double[] bad = series.badArray();
      double[] total = series.totalArray();
      prefixBad = new double[total.length + 1];
      prefixTotal = new double[total.length + 1];
      for (int i = 0; i < total.length; i++) {
        boolean data = !Double.isNaN(total[i]);
        prefixBad[i + 1] = prefixBad[i] + (data ? bad[i] : 0);
        prefixTotal[i + 1] = prefixTotal[i] + (data ? total[i] : 0);
      }
      this.slices = spec.budgeting() != BudgetingMethod.OCCURRENCES;
      this.ratios = spec.budgeting() == BudgetingMethod.RATIO_TIMESLICES;
      this.sliceMinutes = slices ? spec.timeSlices().orElseThrow().window().toMinutes() : 1;
      this.sliceTarget = slices ? spec.timeSlices().orElseThrow().target() : 0;
    }

    private int index(long minute) {
      return (int) (Math.max(start, Math.min(end, minute)) - start);
    }

    double bad(long from, long to) {
      return prefixBad[index(to)] - prefixBad[index(from)];
    }

    double total(long from, long to) {
      return prefixTotal[index(to)] - prefixTotal[index(from)];
    }

    /** The window {@code [origin, to)} with slices aligned to its start. */
    Tally window(long origin, long to) {
      if (to <= origin) {
        return Tally.EMPTY;
      }
      if (!slices) {
        double bad = bad(origin, to);
        double total = total(origin, to);
        return new Tally(total - bad, bad, total);
      }
      long wholeSlices = (to - origin) / sliceMinutes;
      long tailStart = origin + wholeSlices * sliceMinutes;
      Tally whole = grids.computeIfAbsent(Math.floorMod(origin, sliceMinutes), this::grid).between(origin, tailStart);
      return whole.plus(BudgetCalculator.judgeSlice(bad(tailStart, to), total(tailStart, to), ratios, sliceTarget));
    }

    private SliceGrid grid(long residue) {
      long gridStart = start - Math.floorMod(start - residue, sliceMinutes);
      int count = (int) ((end - gridStart + sliceMinutes - 1) / sliceMinutes);
      double[] good = new double[count + 1];
      double[] bad = new double[count + 1];
      double[] withData = new double[count + 1];
      for (int j = 0; j < count; j++) {
        long sliceStart = gridStart + (long) j * sliceMinutes;
        double sliceBad = bad(sliceStart, sliceStart + sliceMinutes);
        double sliceTotal = total(sliceStart, sliceStart + sliceMinutes);
        double sliceGood = 0;
        double sliceBadShare = 0;
        double sliceData = 0;
        if (sliceTotal > 0) {
          sliceData = 1;
          double goodRatio = (sliceTotal - sliceBad) / sliceTotal;
          if (ratios) {
            sliceGood = goodRatio;
            sliceBadShare = sliceBad / sliceTotal;
          } else if (goodRatio >= sliceTarget) {
            sliceGood = 1;
          } else {
            sliceBadShare = 1;
          }
        }
        good[j + 1] = good[j] + sliceGood;
        bad[j + 1] = bad[j] + sliceBadShare;
        withData[j + 1] = withData[j] + sliceData;
      }
      return new SliceGrid(gridStart, sliceMinutes, good, bad, withData);
    }
  }

  /** Prefix sums over the slices {@code [gridStart + j*L, gridStart + (j+1)*L)} of one grid. */
  private record SliceGrid(long gridStart, long sliceMinutes, double[] good, double[] bad, double[] withData) {
    /** The whole slices in {@code [from, to)}, both on this grid. */
    Tally between(long from, long to) {
      int last = withData.length - 1;
      int a = (int) Math.max(0, Math.min(last, Math.floorDiv(from - gridStart, sliceMinutes)));
      int b = (int) Math.max(0, Math.min(last, Math.floorDiv(to - gridStart, sliceMinutes)));
      if (b <= a) {
        return Tally.EMPTY;
      }
      return new Tally(good[b] - good[a], bad[b] - bad[a], withData[b] - withData[a]);
    }
  }
}
