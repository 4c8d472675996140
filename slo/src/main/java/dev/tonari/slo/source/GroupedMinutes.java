package dev.tonari.slo.source;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The per-minute values of one query's result, gathered per group (the values of the SLO's
 * {@code group_by} labels taken from each result series' labels; a label a series lacks counts as
 * empty, as in PromQL). A flat array of doubles per group, NaN where no series had a point.
 *
 * <p>Counted events ({@link Combine#SUM}) of several series in one group are added up: a query
 * that returns one series per pod still yields one count per minute for an SLO without {@code
 * group_by}. A ratio or a measured value ({@link Combine#ONE_SERIES}) cannot be added up, so two
 * different series in one group are refused with a message asking to aggregate in the query.
 */
final class GroupedMinutes {

  /** How the series of one group are combined. */
  enum Combine {
    SUM,
    ONE_SERIES
  }

  private final long fromMinute;
  private final int length;
  private final List<String> groupBy;
  private final Combine combine;
  private final String context;
  private final Map<Map<String, String>, double[]> values = new LinkedHashMap<>();
  /** For {@link Combine#ONE_SERIES}: the series each group came from, to refuse a second one. */
  private final Map<Map<String, String>, Object> seriesOfGroup = new LinkedHashMap<>();

  /**
   * @param context what these values are of (tenant, SLO, query), for error messages
   */
  GroupedMinutes(long fromMinute, long toMinute, List<String> groupBy, Combine combine, String context) {
    this.fromMinute = fromMinute;
    this.length = Math.toIntExact(toMinute - fromMinute);
    this.groupBy = groupBy;
    this.combine = combine;
    this.context = context;
  }

  /**
   * The array that one result series adds its points into, through {@link #add}.
   *
   * @param labelOfSeries the series' label values by name (null or absent when the series lacks it)
   * @param seriesIdentity the series' whole label set, compared to refuse two series in one group
   *     when they cannot be added up; its {@code toString} appears in the message
   */
  double[] seriesTarget(Function<String, String> labelOfSeries, Object seriesIdentity) throws SliUnavailableException {
    Map<String, String> group = groupOf(labelOfSeries);
    if (combine == Combine.ONE_SERIES) {
      Object previous = seriesOfGroup.putIfAbsent(group, seriesIdentity);
      if (previous != null && !previous.equals(seriesIdentity)) {
        throw new SliUnavailableException(context + ": the query returns more than one series"
            + (group.isEmpty() ? "" : " for group " + group) + " (" + previous + " and " + seriesIdentity
            + "), and ratios or values cannot be added up; aggregate them in the query"
            + (groupBy.isEmpty() ? " (for example with max(...))" : " (for example with max by (" + String.join(", ", groupBy) + ") (...))"));
      }
    }
    return values.computeIfAbsent(group, g -> {
      double[] minutes = new double[length];
      Arrays.fill(minutes, Double.NaN);
      return minutes;
    });
  }

  /** Adds one point; a minute outside the range or a value that is not finite ("NaN", "+Inf") is no data. */
  void add(double[] target, long minute, double value) {
    long index = minute - fromMinute;
    if (index < 0 || index >= length || !Double.isFinite(value)) {
      return;
    }
    int i = (int) index;
    double previous = target[i];
    target[i] = Double.isNaN(previous) ? value : previous + value;
  }

  /** Per group, per minute from {@code fromMinute}, the value or NaN; groups in the order first seen. */
  Map<Map<String, String>, double[]> byGroup() {
    return values;
  }

  long fromMinute() {
    return fromMinute;
  }

  int length() {
    return length;
  }

  private Map<String, String> groupOf(Function<String, String> labelOfSeries) {
    if (groupBy.isEmpty()) {
      return Map.of();
    }
    Map<String, String> group = new TreeMap<>();
    for (String name : groupBy) {
      String value = labelOfSeries.apply(name);
      group.put(name, value == null ? "" : value);
    }
    return java.util.Collections.unmodifiableMap(group);
  }
}
