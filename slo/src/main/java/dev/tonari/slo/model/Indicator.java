package dev.tonari.slo.model;

import java.util.Objects;

/**
 * How an SLO counts its events. Each query is a template holding {@code {{.window}}} (Sloth's
 * placeholder), which the source replaces with the rollup resolution (one minute) or an alert
 * window.
 */
public sealed interface Indicator permits Indicator.Ratio, Indicator.RawErrorRatio, Indicator.Threshold {

  /**
   * Events counted by two queries (Sloth {@code sli.events}, OpenSLO {@code ratioMetric}).
   *
   * @param counted the error query (Sloth's {@code error_query}, OpenSLO {@code bad}) or the good
   *     query (OpenSLO {@code good}), see {@code countsGood}
   * @param total all events
   * @param countsGood true when {@code counted} counts good events (OpenSLO {@code good})
   */
  record Ratio(SliQuery counted, SliQuery total, boolean countsGood) implements Indicator {
    public Ratio {
      Objects.requireNonNull(counted, "counted");
      Objects.requireNonNull(total, "total");
    }
  }

  /**
   * A query that already yields the error ratio over the window (Sloth {@code sli.raw}, OpenSLO
   * {@code ratioMetric.raw}); each minute with data weighs one event.
   */
  record RawErrorRatio(SliQuery errorRatio) implements Indicator {}

  /**
   * A metric compared with a threshold (OpenSLO {@code thresholdMetric} with the objective's
   * {@code op} and {@code value}): each minute with data is one event, good when
   * {@code value op threshold} holds.
   */
  record Threshold(SliQuery metric, Operator op, double threshold) implements Indicator {}

  /** OpenSLO's {@code op}. */
  enum Operator {
    LT("lt"),
    LTE("lte"),
    GT("gt"),
    GTE("gte");

    private final String openSloName;

    Operator(String openSloName) {
      this.openSloName = openSloName;
    }

    public String openSloName() {
      return openSloName;
    }

    public boolean holds(double value, double threshold) {
      return switch (this) {
        case LT -> value < threshold;
        case LTE -> value <= threshold;
        case GT -> value > threshold;
        case GTE -> value >= threshold;
      };
    }
  }
}
