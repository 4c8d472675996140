package dev.tonari.slo.source;

import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the per-minute values of an indicator's queries into bad and total events per minute, the
 * same way for every source:
 *
 * <ul>
 *   <li>{@link Indicator.Ratio}: total = the total query's value; bad = the counted query's value,
 *       or total minus it when it counts good events. A minute without a total point has no data;
 *       a minute with a total but no counted point has none counted (0). Bad is kept within
 *       {@code [0, total]}, since two separately extrapolated Prometheus rates can overshoot.
 *   <li>{@link Indicator.RawErrorRatio}: each minute with a value is one event, bad = the ratio
 *       kept within {@code [0, 1]}.
 *   <li>{@link Indicator.Threshold}: each minute with a value is one event, bad when {@code value
 *       op threshold} does not hold.
 * </ul>
 *
 * An SLO without {@code group_by} always has its one series (keyed by the empty map), all "no
 * data" when nothing was seen; a grouped SLO has one series per group its total query returned.
 */
final class IndicatorEvents {

  /** What a query's values are: counted events (added up per group, scaled to events per minute) or a ratio or measured value. */
  enum Role {
    COUNT,
    VALUE
  }

  /** Runs one query of the indicator over the minutes and gathers its values per group. */
  interface QueryRunner {
    GroupedMinutes run(SliQuery query, Role role) throws SliUnavailableException;
  }

  private IndicatorEvents() {}

  static Map<Map<String, String>, MinuteSeries> evaluate(SloSpec spec, long fromMinute, long toMinute, QueryRunner runner)
      throws SliUnavailableException {
    int length = Math.toIntExact(toMinute - fromMinute);
    Map<Map<String, String>, MinuteSeries> result = new LinkedHashMap<>();
    switch (spec.indicator()) {
      case Indicator.Ratio ratio -> {
        GroupedMinutes total = runner.run(ratio.total(), Role.COUNT);
        GroupedMinutes counted = runner.run(ratio.counted(), Role.COUNT);
        for (Map.Entry<Map<String, String>, double[]> group : total.byGroup().entrySet()) {
          double[] totals = group.getValue();
          double[] counts = counted.byGroup().get(group.getKey());
          MinuteSeries series = new MinuteSeries(fromMinute, length);
          for (int i = 0; i < length; i++) {
            double totalEvents = totals[i];
            if (Double.isNaN(totalEvents)) {
              continue;
            }
            double countedEvents = counts == null || Double.isNaN(counts[i]) ? 0 : counts[i];
            double bad = ratio.countsGood() ? totalEvents - countedEvents : countedEvents;
            series.set(fromMinute + i, Math.clamp(bad, 0, Math.max(0, totalEvents)), totalEvents);
          }
          result.put(group.getKey(), series);
        }
      }
      case Indicator.RawErrorRatio raw -> {
        GroupedMinutes ratios = runner.run(raw.errorRatio(), Role.VALUE);
        for (Map.Entry<Map<String, String>, double[]> group : ratios.byGroup().entrySet()) {
          double[] values = group.getValue();
          MinuteSeries series = new MinuteSeries(fromMinute, length);
          for (int i = 0; i < length; i++) {
            if (!Double.isNaN(values[i])) {
              series.set(fromMinute + i, Math.clamp(values[i], 0, 1), 1);
            }
          }
          result.put(group.getKey(), series);
        }
      }
      case Indicator.Threshold threshold -> {
        GroupedMinutes measured = runner.run(threshold.metric(), Role.VALUE);
        for (Map.Entry<Map<String, String>, double[]> group : measured.byGroup().entrySet()) {
          double[] values = group.getValue();
          MinuteSeries series = new MinuteSeries(fromMinute, length);
          for (int i = 0; i < length; i++) {
            if (!Double.isNaN(values[i])) {
              series.set(fromMinute + i, threshold.op().holds(values[i], threshold.threshold()) ? 0 : 1, 1);
            }
          }
          result.put(group.getKey(), series);
        }
      }
    }
    if (spec.groupBy().isEmpty() && result.isEmpty()) {
      result.put(Map.of(), new MinuteSeries(fromMinute, length));
    }
    return result;
  }

  /** Checks the range of one call: from before to, at most {@link SliSource#MAX_MINUTES_PER_CALL} minutes. */
  static void checkRange(SloSpec spec, long fromMinute, long toMinute) {
    if (toMinute <= fromMinute || toMinute - fromMinute > SliSource.MAX_MINUTES_PER_CALL) {
      throw new IllegalArgumentException("SLO " + spec.id() + ": minutes [" + fromMinute + ", " + toMinute + ") are not a range of 1 to "
          + SliSource.MAX_MINUTES_PER_CALL + " minutes");
    }
  }

  /** The words that start every error message about one query: tenant, SLO and the query as sent. */
  static String context(String tenant, SloSpec spec, String query) {
    return "tenant " + tenant + ", SLO " + spec.id() + ", query " + query;
  }
}
