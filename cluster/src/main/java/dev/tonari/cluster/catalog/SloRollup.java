package dev.tonari.cluster.catalog;

/**
 * One minute of an SLO's counts for one group of its streams: {@code bad} events out of {@code
 * total}. {@code minuteEpoch} is minutes since the epoch (UTC).
 */
public record SloRollup(String tenant, String slo, String group, long minuteEpoch, long bad, long total) {
  public SloRollup {
    if (bad < 0 || total < 0 || bad > total) {
      throw new IllegalArgumentException("SLO rollup " + slo + " of tenant " + tenant + " group " + group + " minute " + minuteEpoch
          + ": bad (" + bad + ") must be between 0 and total (" + total + ")");
    }
  }
}
