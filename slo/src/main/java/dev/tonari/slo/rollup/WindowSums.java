package dev.tonari.slo.rollup;

/**
 * Sums of bad and total events over a run of minutes of a {@link MinuteSeries}: the one loop that
 * every window figure (SLI, burn rate, Sloth's {@code slo:sli_error:ratio_rate<window>}) reads.
 *
 * @param bad bad events in the minutes with data
 * @param total all events in the minutes with data
 * @param minutesWithData how many minutes had data
 */
public record WindowSums(double bad, double total, int minutesWithData) {

  /** Sums minutes {@code [fromMinute, toMinute)}; minutes outside the series count as no data. */
  public static WindowSums of(MinuteSeries series, long fromMinute, long toMinute) {
    long from = Math.max(fromMinute, series.startMinute());
    long to = Math.min(toMinute, series.endMinute());
    double[] bad = series.badArray();
    double[] total = series.totalArray();
    double badSum = 0;
    double totalSum = 0;
    int withData = 0;
    for (int i = (int) (from - series.startMinute()), end = (int) (to - series.startMinute()); i < end; i++) {
      double t = total[i];
      if (!Double.isNaN(t)) {
        badSum += bad[i];
        totalSum += t;
        withData++;
      }
    }
    return new WindowSums(badSum, totalSum, withData);
  }

  /** Whether any event was seen: a window with none is "no data", never 0 % or 100 %. */
  public boolean hasEvents() {
    return total > 0;
  }

  /** {@code bad / total}; NaN without events (callers say "no data"). */
  public double errorRatio() {
    return total > 0 ? bad / total : Double.NaN;
  }
}
