package dev.tonari.slo.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Worked examples of the error-budget policy (docs/slo-maths.md, "Error-budget policy"). */
class BudgetPolicyTest {
  /**
   * The case {@code BudgetPropertiesTest#policyEqualsTheReference} found (scenario seed 8574938):
   * RatioTimeslices, target 0.9, 2-minute slices, 2-day calendar periods from 2024-03-06T03:10:58Z
   * in UTC, now 2024-03-14T08:29:00Z, at-risk share 0.4239213991131509, step 1. At 06:15 and 06:16
   * the period holds 146 slices whose bad shares add up to 14.6: exactly the budget of 14.6 slices,
   * remaining 0, exhausted. From 06:17 (147 slices, still 14.6 bad) it is at risk. The history's
   * prefix sums put the remaining at 06:15 at 1.4e-14 instead of 0, which compared exactly made the
   * at-risk run reach back to 06:15.
   */
  @Test
  void aBudgetSpentExactlyIsExhaustedWhateverTheRoundingOfTheHistory() {
    BudgetPropertiesTest.Scenario scenario = BudgetPropertiesTest.scenario(8_574_938L);
    assertThat(scenario.toString()).isEqualTo("Scenario[seed=8574938, RATIO_TIMESLICES target 0.9 Calendar[unit=DAY, count=2, "
        + "startTime=2024-03-06T03:10:58Z, zone=UTC] Optional[TimeSlices[target=0.5, window=PT2M]], 5750 events over "
        + "MinuteSeries[28500390..28506752), now 2024-03-14T08:29:00Z]");
    BudgetPolicy policy = new BudgetPolicy(0.4239213991131509, 1);

    long spentExactly = WindowBounds.minuteOf(Instant.parse("2024-03-14T06:15:00Z"));
    BudgetStatus atSpent = BudgetCalculator.status(scenario.spec(), scenario.series(), spentExactly);
    assertThat(atSpent.total()).isEqualTo(146);
    assertThat(atSpent.bad()).isCloseTo(14.6, within(1e-12));
    BudgetHistory history = BudgetHistory.compute(scenario.spec(), scenario.series(), spentExactly, spentExactly + 2, 1);
    assertThat(policy.stateOf(history.remainingAt(0))).isEqualTo(PolicyState.EXHAUSTED);
    assertThat(policy.stateOf(history.remainingAt(1))).isEqualTo(PolicyState.EXHAUSTED);
    assertThat(policy.stateOf(history.remainingAt(2))).isEqualTo(PolicyState.AT_RISK);

    PolicyStatus status = policy.evaluate(scenario.spec(), scenario.series(), scenario.now());
    assertThat(status).isEqualTo(new PolicyStatus(PolicyState.AT_RISK, Instant.parse("2024-03-14T06:17:00Z"), false));
  }

  @Test
  void roundingNoiseAtAThresholdCountsAsOnIt() {
    BudgetPolicy policy = new BudgetPolicy(0.25, 1);
    // The history's figure for a budget spent exactly, and the direct sum's.
    assertThat(policy.stateOf(OptionalDouble.of(1.3766765505351941E-14))).isEqualTo(PolicyState.EXHAUSTED);
    assertThat(policy.stateOf(OptionalDouble.of(-2.220446049250313E-16))).isEqualTo(PolicyState.EXHAUSTED);
    assertThat(policy.stateOf(OptionalDouble.of(0))).isEqualTo(PolicyState.EXHAUSTED);
    // On the at-risk share is healthy, from either side of it.
    assertThat(policy.stateOf(OptionalDouble.of(0.25 - 1e-14))).isEqualTo(PolicyState.HEALTHY);
    assertThat(policy.stateOf(OptionalDouble.of(0.25))).isEqualTo(PolicyState.HEALTHY);
    // A real difference, however small a team would care about, is not noise.
    assertThat(policy.stateOf(OptionalDouble.of(1e-6))).isEqualTo(PolicyState.AT_RISK);
    assertThat(policy.stateOf(OptionalDouble.of(0.25 - 1e-6))).isEqualTo(PolicyState.AT_RISK);
    assertThat(policy.stateOf(OptionalDouble.of(Double.NEGATIVE_INFINITY))).isEqualTo(PolicyState.EXHAUSTED);
    assertThat(policy.stateOf(OptionalDouble.empty())).isEqualTo(PolicyState.NO_DATA);
  }
}
