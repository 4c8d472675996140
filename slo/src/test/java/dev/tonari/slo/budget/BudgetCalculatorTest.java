package dev.tonari.slo.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.slo.alert.BurnRateTiers;
import dev.tonari.slo.model.Alerting;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeSlices;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Worked examples of docs/slo-maths.md, small enough to check by hand. */
class BudgetCalculatorTest {
  private static final long NOW = WindowBounds.minuteOf(Instant.parse("2024-03-10T12:00:00Z"));

  static SloSpec spec(double target, TimeWindow window, BudgetingMethod method, Optional<TimeSlices> slices) {
    return new SloSpec("api-availability", "api", "availability", "", Map.of(),
        new Indicator.Ratio(SliQuery.logql("sum(count_over_time({app=\"api\"} |= \"error\" [{{.window}}]))"),
            SliQuery.logql("sum(count_over_time({app=\"api\"} [{{.window}}]))"), false),
        target, window, method, slices, List.of(), new Alerting("", Map.of(), Map.of(), BurnRateTiers.sloth(Duration.ofDays(30))), SloSpec.Origin.api());
  }

  @Test
  void occurrencesOverARollingDay() {
    // One day, 1000 events a minute for 1440 minutes, 1440 bad over the day: error ratio 0.001.
    MinuteSeries series = new MinuteSeries(NOW - 1440, 1441);
    for (long minute = NOW - 1440; minute < NOW; minute++) {
      series.set(minute, minute >= NOW - 60 ? 12 : 0.5, 1000);
    }
    series.set(NOW, 1000, 1000); // the current minute is not counted
    SloSpec spec = spec(0.999, new TimeWindow.Rolling(Duration.ofDays(1)), BudgetingMethod.OCCURRENCES, Optional.empty());
    BudgetStatus status = BudgetCalculator.status(spec, series, NOW);
    double bad = 60 * 12 + 1380 * 0.5;
    assertThat(status.total()).isEqualTo(1_440_000);
    assertThat(status.bad()).isEqualTo(bad);
    assertThat(status.sli().getAsDouble()).isEqualTo((1_440_000 - bad) / 1_440_000);
    assertThat(status.consumed().getAsDouble()).isCloseTo(bad / 1440.0, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(status.remaining().getAsDouble()).isCloseTo(1 - bad / 1440.0, org.assertj.core.data.Offset.offset(1e-12));
    // The last hour: 12 bad per 1000 is a burn of 12.
    assertThat(status.burn(Duration.ofHours(1)).orElseThrow().burnRate().getAsDouble()).isCloseTo(12, org.assertj.core.data.Offset.offset(1e-9));
    // remaining x period / burn = (1 - 1410/1440) x 24h / 12 = 30/1440 x 2h = 150 s
    assertThat(status.timeToExhaustion()).contains(Duration.ofSeconds(150));
    assertThat(BudgetPolicy.defaults().stateOf(status.remaining())).isEqualTo(PolicyState.AT_RISK);
  }

  @Test
  void noEventsIsNoDataNeverAHundredPercent() {
    MinuteSeries series = new MinuteSeries(NOW - 100, 100);
    series.set(NOW - 50, 0, 0); // evaluated, zero events
    SloSpec spec = spec(0.99, new TimeWindow.Rolling(Duration.ofHours(1)), BudgetingMethod.OCCURRENCES, Optional.empty());
    BudgetStatus status = BudgetCalculator.status(spec, series, NOW);
    assertThat(status.hasData()).isFalse();
    assertThat(status.sli()).isEmpty();
    assertThat(status.consumed()).isEmpty();
    assertThat(status.remaining()).isEmpty();
    assertThat(status.periodBurnRate()).isEmpty();
    assertThat(status.timeToExhaustion()).isEmpty();
    assertThat(status.burns()).allSatisfy(burn -> assertThat(burn.burnRate()).isEmpty());
    assertThat(BudgetPolicy.defaults().evaluate(spec, series, NOW).state()).isEqualTo(PolicyState.NO_DATA);
  }

  @Test
  void timeslicesCountSlicesWithDataOnly() {
    // Four 5-minute slices in a 20-minute window; the second has no event, the fourth is bad.
    MinuteSeries series = new MinuteSeries(NOW - 20, 20);
    for (long minute = NOW - 20; minute < NOW; minute++) {
      boolean empty = minute >= NOW - 15 && minute < NOW - 10;
      if (!empty) {
        series.set(minute, minute >= NOW - 5 ? 1 : 0, 10);
      }
    }
    TimeSlices slices = new TimeSlices(0.95, Duration.ofMinutes(5));
    BudgetStatus status = BudgetCalculator.status(spec(0.5, new TimeWindow.Rolling(Duration.ofMinutes(20)), BudgetingMethod.TIMESLICES, Optional.of(slices)),
        series, NOW);
    assertThat(status.total()).isEqualTo(3);
    assertThat(status.good()).isEqualTo(2);
    assertThat(status.bad()).isEqualTo(1);
    assertThat(status.sli().getAsDouble()).isEqualTo(2.0 / 3);
    assertThat(status.consumed().getAsDouble()).isEqualTo(1 / (3 * 0.5));
    BudgetStatus ratios = BudgetCalculator.status(
        spec(0.5, new TimeWindow.Rolling(Duration.ofMinutes(20)), BudgetingMethod.RATIO_TIMESLICES, Optional.of(slices)), series, NOW);
    assertThat(ratios.sli().getAsDouble()).isCloseTo((1 + 1 + 0.9) / 3, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void aTargetOfOneHasNoBudget() {
    MinuteSeries series = new MinuteSeries(NOW - 10, 10);
    series.set(NOW - 5, 0, 10);
    SloSpec spec = spec(1.0, new TimeWindow.Rolling(Duration.ofMinutes(10)), BudgetingMethod.OCCURRENCES, Optional.empty());
    assertThat(BudgetCalculator.status(spec, series, NOW).remaining()).hasValue(1);
    series.set(NOW - 4, 1, 10);
    BudgetStatus spent = BudgetCalculator.status(spec, series, NOW);
    assertThat(spent.remaining()).hasValue(Double.NEGATIVE_INFINITY);
    assertThat(spent.timeToExhaustion()).contains(Duration.ZERO);
    assertThat(BudgetPolicy.defaults().stateOf(spent.remaining())).isEqualTo(PolicyState.EXHAUSTED);
  }
}
