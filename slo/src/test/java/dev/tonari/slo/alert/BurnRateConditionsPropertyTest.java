package dev.tonari.slo.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.slo.alert.ConditionState.State;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;

/**
 * The state machine against a brute-force reading of Prometheus' rules over raw minutes: the
 * condition holds at t when both windows' summed error ratios burn above the factor; with one
 * evaluation a minute, the state at t is inactive when it does not hold, firing when it has held at
 * every evaluation over the last {@code alertAfter} (including t), and pending otherwise.
 */
class BurnRateConditionsPropertyTest {
  private static final long START = 50_000;

  @Provide
  Arbitrary<List<int[]>> minutes() {
    // Per minute: {kind, bad, total}; kind 0 is no data, kind 1 is a minute with events.
    Arbitrary<int[]> minute = Arbitraries.integers().between(0, 4).flatMap(kind -> kind == 0
        ? Arbitraries.just(new int[] {0, 0, 0})
        : Arbitraries.integers().between(0, 20).flatMap(total -> Arbitraries.integers().between(0, total).map(bad -> new int[] {1, bad, total})));
    return minute.list().ofMinSize(1).ofMaxSize(150);
  }

  @Property(tries = 300)
  void statesMatchABruteForceReadingOfTheRules(@ForAll("minutes") List<int[]> minutes, @ForAll @IntRange(min = 1, max = 6) int shortMinutes,
      @ForAll @IntRange(min = 0, max = 20) int extraLongMinutes, @ForAll @DoubleRange(min = 0.5, max = 15) double factor,
      @ForAll @IntRange(min = 0, max = 8) int alertAfterMinutes, @ForAll @DoubleRange(min = 0.5, max = 0.999) @Scale(3) double target) {
    int longMinutes = shortMinutes + extraLongMinutes;
    BurnRateTier tier = new BurnRateTier("t", "page", Duration.ofMinutes(longMinutes), Duration.ofMinutes(shortMinutes), factor,
        Duration.ofMinutes(alertAfterMinutes), Map.of(), Map.of());
    MinuteSeries series = new MinuteSeries(START, minutes.size());
    for (int i = 0; i < minutes.size(); i++) {
      int[] minute = minutes.get(i);
      if (minute[0] == 1) {
        series.set(START + i, minute[1], minute[2]);
      }
    }
    List<ConditionState> states = List.of();
    int run = 0;
    int firings = 0;
    int resolutions = 0;
    for (long now = START; now <= START + minutes.size(); now++) {
      ConditionStep step = BurnRateConditions.step(states, List.of(tier), series, target, now);
      ConditionState state = step.states().get(0);
      boolean holds = holds(minutes, now, longMinutes, shortMinutes, factor, target);
      State before = states.isEmpty() ? State.INACTIVE : states.get(0).state();
      run = holds ? run + 1 : 0;
      State expected = run == 0 ? State.INACTIVE : run - 1 >= alertAfterMinutes ? State.FIRING : State.PENDING;
      assertThat(state.state()).as("state at minute %d", now - START).isEqualTo(expected);
      assertThat(step.transitions()).hasSize(expected == before ? 0 : 1);
      if (expected != State.INACTIVE) {
        assertThat(state.activeSince()).contains(Instant.ofEpochSecond((now - run + 1) * 60));
      }
      if (before == State.FIRING && expected == State.INACTIVE) {
        resolutions++;
        assertThat(state.resolvedAt()).contains(Instant.ofEpochSecond(now * 60));
      }
      if (before != State.FIRING && expected == State.FIRING) {
        firings++;
      }
      states = step.states();
    }
    // Every resolution closes a firing.
    assertThat(resolutions).isLessThanOrEqualTo(firings);
  }

  /** The rule over raw minutes: both windows have events and burn strictly above the factor. */
  private static boolean holds(List<int[]> minutes, long now, int longMinutes, int shortMinutes, double factor, double target) {
    double longBurn = burn(minutes, now, longMinutes, target);
    double shortBurn = burn(minutes, now, shortMinutes, target);
    return !Double.isNaN(longBurn) && !Double.isNaN(shortBurn) && longBurn > factor && shortBurn > factor;
  }

  private static double burn(List<int[]> minutes, long now, int window, double target) {
    long bad = 0;
    long total = 0;
    for (long minute = now - window; minute < now; minute++) {
      int index = (int) (minute - START);
      if (index >= 0 && index < minutes.size() && minutes.get(index)[0] == 1) {
        bad += minutes.get(index)[1];
        total += minutes.get(index)[2];
      }
    }
    return total == 0 ? Double.NaN : ((double) bad / total) / (1 - target);
  }

  @Property(tries = 100)
  void holdingSequencesGiveTheirStatesWhateverTheSeries(@ForAll @Size(min = 1, max = 60) List<Boolean> holding,
      @ForAll @IntRange(min = 0, max = 5) int alertAfterMinutes) {
    // Drive the condition directly by the sequence: all errors where it holds, none where not.
    BurnRateTier tier = new BurnRateTier("t", "ticket", Duration.ofMinutes(1), Duration.ofMinutes(1), 1,
        Duration.ofMinutes(alertAfterMinutes), Map.of(), Map.of());
    MinuteSeries series = new MinuteSeries(START, holding.size());
    for (int i = 0; i < holding.size(); i++) {
      series.set(START + i, holding.get(i) ? 10 : 0, 10);
    }
    List<ConditionState> states = List.of();
    int run = 0;
    for (int i = 0; i < holding.size(); i++) {
      ConditionStep step = BurnRateConditions.step(states, List.of(tier), series, 0.9, START + i + 1);
      run = holding.get(i) ? run + 1 : 0;
      State expected = run == 0 ? State.INACTIVE : run - 1 >= alertAfterMinutes ? State.FIRING : State.PENDING;
      assertThat(step.states().get(0).state()).isEqualTo(expected);
      states = step.states();
    }
  }
}
