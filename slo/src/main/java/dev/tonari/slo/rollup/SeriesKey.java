package dev.tonari.slo.rollup;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One rolled-up series: an SLO of a tenant, and for a {@code group_by} SLO the values of its group
 * labels (empty for an SLO without {@code group_by}).
 */
public record SeriesKey(String tenant, String sloId, Map<String, String> group) {
  public SeriesKey {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(sloId, "sloId");
    // Sorted, so that the same group is one key whatever order the source gave its labels in.
    group = java.util.Collections.unmodifiableMap(new TreeMap<>(group));
  }

  public static SeriesKey of(String tenant, String sloId) {
    return new SeriesKey(tenant, sloId, Map.of());
  }
}
