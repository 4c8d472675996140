package dev.tonari.alerts.toil;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The median and 90th percentile of some durations, by the nearest-rank method: of {@code n}
 * sorted values, the p-th percentile is the one at rank {@code ceil(p/100 * n)} (so the median
 * of four is the second). A value that occurred, never an interpolation between two.
 *
 * @param count how many durations
 * @param median empty when there are none
 * @param p90 empty when there are none
 */
public record DurationSummary(int count, Optional<Duration> median, Optional<Duration> p90) {
  public DurationSummary {
    Objects.requireNonNull(median, "median");
    Objects.requireNonNull(p90, "p90");
  }

  public static DurationSummary none() {
    return new DurationSummary(0, Optional.empty(), Optional.empty());
  }

  public static DurationSummary of(Collection<Duration> durations) {
    if (durations.isEmpty()) {
      return none();
    }
    List<Duration> sorted = new ArrayList<>(durations);
    sorted.sort(null);
    return new DurationSummary(sorted.size(), Optional.of(percentile(sorted, 50)), Optional.of(percentile(sorted, 90)));
  }

  /** The nearest-rank percentile of sorted, non-empty values. */
  static Duration percentile(List<Duration> sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(1, rank) - 1);
  }
}
