package dev.tonari.slo.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BurnRateConditionTest {
  // A target of 0.75 leaves a budget of exactly 0.25, so burn rates are exact binary fractions and
  // the comparison at the threshold is tested without rounding noise.
  private static final double TARGET = 0.75;
  private static final BurnRateTier TIER = new BurnRateTier("t", "page", Duration.ofMinutes(4), Duration.ofMinutes(2), 2,
      Duration.ZERO, Map.of(), Map.of());

  @Test
  void holdsOnlyWhenBothBurnRatesAreStrictlyAboveTheFactorAsInSlothsRules() {
    BurnRateCondition condition = new BurnRateCondition(TIER, TARGET);
    // error ratio 0.5 over budget 0.25 is a burn rate of exactly 2: Sloth's "> (2 * 0.25)" is false.
    assertThat(condition.evaluate(0.5, 0.5).holds()).isFalse();
    assertThat(condition.evaluate(0.5, 0.5).longBurnRate()).isEqualTo(2.0);
    assertThat(condition.evaluate(0.5 + 0x1p-20, 0.5 + 0x1p-20).holds()).isTrue();
    assertThat(condition.evaluate(0.75, 0.5).holds()).isFalse();
    assertThat(condition.evaluate(0.5, 0.75).holds()).isFalse();
    assertThat(condition.evaluate(0.75, 0.75).holds()).isTrue();
  }

  @Test
  void noDataInEitherWindowDoesNotHold() {
    BurnRateCondition condition = new BurnRateCondition(TIER, TARGET);
    assertThat(condition.evaluate(Double.NaN, 1.0).holds()).isFalse();
    assertThat(condition.evaluate(1.0, Double.NaN).holds()).isFalse();
    // Two minutes of total failure, then two minutes of no data: the short window has no data.
    MinuteSeries series = Series.starting(100, 10).minutes(2, 10, 10).gap(2).build();
    BurnRateCondition.Evaluation evaluation = condition.evaluate(series, 104);
    assertThat(evaluation.longBurnRate()).isEqualTo(4.0);
    assertThat(evaluation.shortBurnRate()).isNaN();
    assertThat(evaluation.holds()).isFalse();
    // Minutes with data but no events are no data too.
    series.set(102, 0, 0);
    series.set(103, 0, 0);
    assertThat(condition.evaluate(series, 104).holds()).isFalse();
  }

  @Test
  void windowsEndBeforeTheMinuteInProgress() {
    MinuteSeries series = Series.starting(0, 10).minutes(5, 0, 10).minutes(1, 10, 10).build();
    // Minute 5 is all errors; at now = 5 it is the minute in progress and not counted.
    assertThat(BurnRateCondition.errorRatio(series, Duration.ofMinutes(2), 5)).isEqualTo(0.0);
    assertThat(BurnRateCondition.errorRatio(series, Duration.ofMinutes(2), 6)).isEqualTo(0.5);
    assertThat(BurnRateCondition.errorRatio(series, Duration.ofMinutes(1), 6)).isEqualTo(1.0);
    assertThat(BurnRateCondition.burnRate(0.01, 0.999)).isEqualTo(0.01 / (1 - 0.999));
  }

  @Test
  void aWindowThatIsNotWholeMinutesIsRefusedWithTheTierName() {
    BurnRateTier odd = new BurnRateTier("odd", "page", Duration.ofSeconds(90), Duration.ofSeconds(30), 2, Duration.ZERO, Map.of(), Map.of());
    assertThatThrownBy(() -> new BurnRateCondition(odd, TARGET).evaluate(new MinuteSeries(0, 10), 5))
        .hasMessageContaining("tier odd").hasMessageContaining("whole number of minutes");
  }

  @Test
  void aHundredPercentObjectiveHoldsOnAnyError() {
    BurnRateCondition condition = new BurnRateCondition(TIER, 1.0);
    assertThat(condition.evaluate(0.001, 0.001).holds()).isTrue();
    assertThat(condition.evaluate(0.0, 0.0).holds()).isFalse();
  }
}
