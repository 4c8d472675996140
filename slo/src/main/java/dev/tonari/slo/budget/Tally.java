package dev.tonari.slo.budget;

/**
 * What a range of minutes holds in an SLO's budgeting method: events for Occurrences; slices with
 * data for Timeslices (good and bad slices) and RatioTimeslices (good = the sum of the slices' good
 * ratios, bad = the sum of their bad ratios). Every figure is a ratio of these, so one set of
 * formulas serves the three methods.
 *
 * @param good good events, good slices, or the sum of slice good ratios
 * @param bad bad events, bad slices, or the sum of slice bad ratios
 * @param total all events, or slices with data
 */
record Tally(double good, double bad, double total) {
  static final Tally EMPTY = new Tally(0, 0, 0);

  boolean hasData() {
    return total > 0;
  }

  /** {@code bad / total}, NaN without data (callers turn it into "no data"). */
  double errorRatio() {
    return total > 0 ? bad / total : Double.NaN;
  }

  Tally plus(Tally other) {
    return new Tally(good + other.good, bad + other.bad, total + other.total);
  }
}
