package dev.tonari.slo.model;

import java.time.Duration;

/**
 * Durations as SLO tooling writes them: one whole unit, the largest that divides exactly
 * ({@code 30d}, {@code 6h}, {@code 90m}, {@code 45s}), which is how Sloth names its windows
 * ({@code slo:sli_error:ratio_rate30d}, {@code sloth_window="30d"}) and how OpenSLO writes them.
 * Parsing is {@link dev.tonari.tenancy.config.LokiUnits#parseDuration}'s.
 */
public final class SloDurations {
  private SloDurations() {}

  public static String format(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds == 0) {
      return "0s";
    }
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
