package dev.tonari.slo.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tonari.slo.alert.ConditionState.State;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BurnRateConditionsTest {
  private static final double TARGET = 0.75;
  private static final long START = 1_000;

  private static BurnRateTier tier(String name, Duration alertAfter) {
    return new BurnRateTier(name, "page", Duration.ofMinutes(4), Duration.ofMinutes(2), 2, alertAfter, Map.of(), Map.of());
  }

  private static Instant at(long minute) {
    return Instant.ofEpochSecond(minute * 60);
  }

  /** Steps once per minute over [from, to), collecting every transition. */
  private static List<ConditionState> run(List<ConditionState> states, List<BurnRateTier> tiers, MinuteSeries series, long from, long to,
      List<StateTransition> transitions) {
    List<ConditionState> current = states;
    for (long now = from; now < to; now++) {
      ConditionStep step = BurnRateConditions.step(current, tiers, series, TARGET, now);
      transitions.addAll(step.transitions());
      current = step.states();
    }
    return current;
  }

  @Test
  void withoutAlertAfterAHoldingConditionFiresAtOnce() {
    MinuteSeries series = Series.starting(START, 20).minutes(4, 10, 10).build();
    ConditionStep step = BurnRateConditions.step(List.of(), List.of(tier("fast", Duration.ZERO)), series, TARGET, START + 4);
    ConditionState state = step.states().get(0);
    assertThat(state.state()).isEqualTo(State.FIRING);
    assertThat(state.since()).isEqualTo(at(START + 4));
    assertThat(state.activeSince()).contains(at(START + 4));
    assertThat(state.lastShortBurnRate()).isEqualTo(4.0);
    assertThat(state.lastLongBurnRate()).isEqualTo(4.0);
    assertThat(state.factor()).isEqualTo(2.0);
    assertThat(state.lastEvaluation()).isEqualTo(at(START + 4));
    assertThat(step.transitions()).containsExactly(
        new StateTransition("fast", "page", State.INACTIVE, State.FIRING, at(START + 4), 4.0, 4.0, 2.0));
  }

  @Test
  void pendingUntilItHasHeldForAlertAfterThenFiring() {
    List<BurnRateTier> tiers = List.of(tier("slow", Duration.ofMinutes(5)));
    MinuteSeries series = Series.starting(START, 40).minutes(30, 10, 10).build();
    List<StateTransition> transitions = new ArrayList<>();
    // First holds at START + 2 (both windows all errors): pending from then.
    List<ConditionState> states = run(List.of(), tiers, series, START + 2, START + 7, transitions);
    assertThat(states.get(0).state()).isEqualTo(State.PENDING);
    assertThat(states.get(0).activeSince()).contains(at(START + 2));
    assertThat(states.get(0).since()).isEqualTo(at(START + 2));
    // At START + 6 it has held for 4 minutes: still pending. At START + 7, 5 minutes: firing.
    states = run(states, tiers, series, START + 7, START + 8, transitions);
    assertThat(states.get(0).state()).isEqualTo(State.FIRING);
    assertThat(states.get(0).since()).isEqualTo(at(START + 7));
    assertThat(states.get(0).activeSince()).contains(at(START + 2));
    assertThat(transitions).extracting(StateTransition::from, StateTransition::to, StateTransition::at).containsExactly(
        org.assertj.core.groups.Tuple.tuple(State.INACTIVE, State.PENDING, at(START + 2)),
        org.assertj.core.groups.Tuple.tuple(State.PENDING, State.FIRING, at(START + 7)));
  }

  @Test
  void aBreakWhilePendingGoesInactiveWithoutResolvingAndRestartsTheWait() {
    List<BurnRateTier> tiers = List.of(tier("slow", Duration.ofMinutes(5)));
    // 4 bad minutes, 2 good minutes (the short window recovers), then bad again.
    MinuteSeries series = Series.starting(START, 40).minutes(4, 10, 10).minutes(2, 0, 10).minutes(20, 10, 10).build();
    List<StateTransition> transitions = new ArrayList<>();
    List<ConditionState> states = run(List.of(), tiers, series, START + 2, START + 5, transitions);
    assertThat(states.get(0).state()).isEqualTo(State.PENDING);
    // At START + 5 the short window [3, 5) is half good: burn exactly 2, not above the factor.
    states = run(states, tiers, series, START + 5, START + 6, transitions);
    assertThat(states.get(0).state()).isEqualTo(State.INACTIVE);
    assertThat(states.get(0).lastShortBurnRate()).isEqualTo(2.0);
    assertThat(states.get(0).resolvedAt()).isEmpty();
    assertThat(states.get(0).activeSince()).isEmpty();
    // At START + 8 the short window is bad again but the long window [4, 8) is half good; from
    // START + 9 both are above the factor, and the wait for alertAfter starts over.
    states = run(states, tiers, series, START + 6, START + 9, transitions);
    assertThat(states.get(0).state()).isEqualTo(State.INACTIVE);
    states = run(states, tiers, series, START + 9, START + 10, transitions);
    assertThat(states.get(0).state()).isEqualTo(State.PENDING);
    assertThat(states.get(0).activeSince()).contains(at(START + 9));
    states = run(states, tiers, series, START + 10, START + 14, transitions);
    assertThat(states.get(0).state()).isEqualTo(State.PENDING);
    states = run(states, tiers, series, START + 14, START + 15, transitions);
    assertThat(states.get(0).state()).isEqualTo(State.FIRING);
    assertThat(transitions).extracting(StateTransition::to)
        .containsExactly(State.PENDING, State.INACTIVE, State.PENDING, State.FIRING);
  }

  @Test
  void aFiringConditionThatStopsHoldingIsResolved() {
    List<BurnRateTier> tiers = List.of(tier("fast", Duration.ZERO));
    MinuteSeries series = Series.starting(START, 40).minutes(6, 10, 10).minutes(10, 0, 10).build();
    List<StateTransition> transitions = new ArrayList<>();
    List<ConditionState> states = run(List.of(), tiers, series, START + 4, START + 7, transitions);
    assertThat(states.get(0).state()).isEqualTo(State.FIRING);
    // At START + 7 the short window [5, 7) is half good: burn 2, not above the factor.
    states = run(states, tiers, series, START + 7, START + 8, transitions);
    ConditionState resolved = states.get(0);
    assertThat(resolved.state()).isEqualTo(State.INACTIVE);
    assertThat(resolved.resolvedAt()).contains(at(START + 7));
    assertThat(resolved.since()).isEqualTo(at(START + 7));
    assertThat(resolved.lastShortBurnRate()).isEqualTo(2.0);
    // The long window [3, 7) is still three quarters errors: burn 3; the short window reset it.
    assertThat(resolved.lastLongBurnRate()).isEqualTo(3.0);
    assertThat(transitions.get(transitions.size() - 1).from()).isEqualTo(State.FIRING);
    // Later steps keep the resolution time and the inactive since.
    states = run(states, tiers, series, START + 8, START + 12, transitions);
    assertThat(states.get(0).resolvedAt()).contains(at(START + 7));
    assertThat(states.get(0).since()).isEqualTo(at(START + 7));
  }

  @Test
  void theShortWindowRecoversFirstOnTheFastestPageOfAThirtyDaySlo() {
    BurnRateTier page = BurnRateTiers.sloth(Duration.ofDays(30)).get(0);
    assertThat(page.name()).isEqualTo("page-1h");
    // An hour of total outage, then clean minutes.
    MinuteSeries series = Series.starting(START, 200).minutes(60, 100, 100).minutes(60, 0, 100).build();
    List<StateTransition> transitions = new ArrayList<>();
    List<ConditionState> states = new ArrayList<>();
    ConditionStep firing = BurnRateConditions.step(states, List.of(page), series, 0.999, START + 60);
    assertThat(firing.states().get(0).state()).isEqualTo(State.FIRING);
    List<ConditionState> current = firing.states();
    long resolvedAt = -1;
    for (long now = START + 61; now <= START + 70 && resolvedAt < 0; now++) {
      ConditionStep step = BurnRateConditions.step(current, List.of(page), series, 0.999, now);
      transitions.addAll(step.transitions());
      current = step.states();
      if (current.get(0).state() == State.INACTIVE) {
        resolvedAt = now;
      }
    }
    // The 5-minute window holds errors until 5 clean minutes have passed; then it resets the alert
    // although the hour still burns far above 14.4.
    assertThat(resolvedAt).isEqualTo(START + 65);
    assertThat(current.get(0).lastShortBurnRate()).isEqualTo(0.0);
    assertThat(current.get(0).lastLongBurnRate()).isGreaterThan(14.4 * 2);
  }

  @Test
  void noDataResolvesAFiringConditionAndNeverFiresOne() {
    List<BurnRateTier> tiers = List.of(tier("fast", Duration.ZERO));
    MinuteSeries series = Series.starting(START, 40).minutes(6, 10, 10).build();
    List<StateTransition> transitions = new ArrayList<>();
    List<ConditionState> states = run(List.of(), tiers, series, START + 4, START + 6, transitions);
    assertThat(states.get(0).state()).isEqualTo(State.FIRING);
    states = run(states, tiers, series, START + 8, START + 9, transitions);
    assertThat(states.get(0).state()).isEqualTo(State.INACTIVE);
    assertThat(states.get(0).lastShortBurnRate()).isNaN();
    ConditionStep empty = BurnRateConditions.step(List.of(), tiers, new MinuteSeries(START, 0), TARGET, START + 10);
    assertThat(empty.states().get(0).state()).isEqualTo(State.INACTIVE);
    assertThat(empty.transitions()).isEmpty();
  }

  @Test
  void aRemovedTierThatWasFiringIsClosedByATransition() {
    MinuteSeries series = Series.starting(START, 20).minutes(6, 10, 10).build();
    ConditionStep first = BurnRateConditions.step(List.of(), List.of(tier("a", Duration.ZERO), tier("b", Duration.ZERO)), series, TARGET,
        START + 4);
    ConditionStep second = BurnRateConditions.step(first.states(), List.of(tier("a", Duration.ZERO)), series, TARGET, START + 5);
    assertThat(second.states()).extracting(ConditionState::tierName).containsExactly("a");
    assertThat(second.transitions()).extracting(StateTransition::tierName, StateTransition::to)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("b", State.INACTIVE));
  }

  @Test
  void timeGoingBackwardsAndDuplicateTierNamesAreRefused() {
    MinuteSeries series = Series.starting(START, 20).minutes(6, 10, 10).build();
    ConditionStep first = BurnRateConditions.step(List.of(), List.of(tier("a", Duration.ZERO)), series, TARGET, START + 5);
    assertThatThrownBy(() -> BurnRateConditions.step(first.states(), List.of(tier("a", Duration.ZERO)), series, TARGET, START + 4))
        .hasMessageContaining("precedes").hasMessageContaining("tier a");
    assertThatThrownBy(() -> BurnRateConditions.step(List.of(), List.of(tier("a", Duration.ZERO), tier("a", Duration.ZERO)), series, TARGET,
        START + 4)).hasMessageContaining("two tiers named a");
  }

  @Test
  void eachGroupOfAGroupBySloHasItsOwnStatesAndAVanishedGroupResolvesThenGoes() {
    List<BurnRateTier> tiers = List.of(tier("fast", Duration.ZERO));
    Map<String, String> podA = Map.of("pod", "a");
    Map<String, String> podB = Map.of("pod", "b");
    MinuteSeries failing = Series.starting(START, 20).minutes(10, 10, 10).build();
    MinuteSeries healthy = Series.starting(START, 20).minutes(10, 0, 10).build();
    Map<Map<String, String>, ConditionStep> first = BurnRateConditions.stepGroups(Map.of(), tiers, Map.of(podA, failing, podB, healthy),
        TARGET, START + 4);
    assertThat(first.keySet()).containsExactly(podA, podB);
    assertThat(first.get(podA).states().get(0).state()).isEqualTo(State.FIRING);
    assertThat(first.get(podB).states().get(0).state()).isEqualTo(State.INACTIVE);

    // Pod a goes away: it is evaluated as no data once, resolving its alert.
    Map<Map<String, String>, List<ConditionState>> previous = Map.of(podA, first.get(podA).states(), podB, first.get(podB).states());
    Map<Map<String, String>, ConditionStep> second = BurnRateConditions.stepGroups(previous, tiers, Map.of(podB, healthy), TARGET, START + 5);
    assertThat(second.get(podA).transitions()).extracting(StateTransition::to).containsExactly(State.INACTIVE);
    assertThat(second.get(podA).states().get(0).resolvedAt()).contains(at(START + 5));

    Map<Map<String, String>, ConditionStep> third = BurnRateConditions.stepGroups(
        Map.of(podA, second.get(podA).states(), podB, second.get(podB).states()), tiers, Map.of(podB, healthy), TARGET, START + 6);
    assertThat(third.keySet()).containsExactly(podB);
  }

  @Test
  void slothsFactorsForThirtyAndTwentyEightDays() {
    assertThat(BurnRateTiers.sloth(Duration.ofDays(30))).extracting(BurnRateTier::factor).containsExactly(14.4, 6.0, 3.0, 1.0);
    List<BurnRateTier> fourWeeks = BurnRateTiers.sloth(Duration.ofDays(28));
    // Sloth's generated 28-day rules: 13.44, 5.6000000000000005, 2.8000000000000003, 0.9333333333333333.
    double[] sloth = {13.44, 5.6000000000000005, 2.8000000000000003, 0.9333333333333333};
    for (int i = 0; i < sloth.length; i++) {
      assertThat(fourWeeks.get(i).factor()).isCloseTo(sloth[i], within(1e-12));
    }
    assertThat(fourWeeks).extracting(BurnRateTier::longWindow, BurnRateTier::shortWindow).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Duration.ofHours(1), Duration.ofMinutes(5)),
        org.assertj.core.groups.Tuple.tuple(Duration.ofHours(6), Duration.ofMinutes(30)),
        org.assertj.core.groups.Tuple.tuple(Duration.ofDays(1), Duration.ofHours(2)),
        org.assertj.core.groups.Tuple.tuple(Duration.ofDays(3), Duration.ofHours(6)));
  }

  @Test
  void aStateIsInactiveExactlyWhenItHasNoActiveSince() {
    assertThatThrownBy(() -> new ConditionState("a", "page", State.PENDING, at(1), Optional.empty(), 0, 0, 1, at(1), Optional.empty()))
        .hasMessageContaining("activeSince");
  }
}
