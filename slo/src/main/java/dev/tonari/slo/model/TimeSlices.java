package dev.tonari.slo.model;

import java.time.Duration;

/**
 * OpenSLO's {@code timeSliceTarget} and {@code timeSliceWindow}.
 *
 * @param target the ratio a slice must meet to be good, in (0, 1] (ignored by RatioTimeslices)
 * @param window the slice length, a whole number of minutes (the rollup resolution)
 */
public record TimeSlices(double target, Duration window) {
  public TimeSlices {
    if (window.isNegative() || window.isZero() || window.toSeconds() % 60 != 0) {
      throw new IllegalArgumentException("timeSliceWindow must be a positive whole number of minutes, got " + window);
    }
  }
}
