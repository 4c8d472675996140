package dev.tonari.slo.source;

import dev.tonari.slo.model.Alerting;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeWindow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SLO specs for the source tests: a 99.9 % objective over 30 days, no alerting. */
final class Specs {
  private Specs() {}

  static SloSpec of(Indicator indicator, List<String> groupBy) {
    return new SloSpec("api-requests", "api", "requests", "", Map.of(), indicator, 0.999, new TimeWindow.Rolling(Duration.ofDays(30)),
        BudgetingMethod.OCCURRENCES, Optional.empty(), groupBy, new Alerting("", Map.of(), Map.of(), List.of()), SloSpec.Origin.api());
  }

  static SloSpec logqlErrors(String errorQuery, String totalQuery, String... groupBy) {
    return of(new Indicator.Ratio(SliQuery.logql(errorQuery), SliQuery.logql(totalQuery), false), List.of(groupBy));
  }

  static SloSpec promqlErrors(String errorQuery, String totalQuery, String... groupBy) {
    return of(new Indicator.Ratio(SliQuery.promql(errorQuery, Optional.empty()), SliQuery.promql(totalQuery, Optional.empty()), false),
        List.of(groupBy));
  }
}
