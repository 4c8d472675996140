package dev.tonari.slo.alert;

import dev.tonari.slo.alert.ConditionState.State;
import java.time.Instant;
import java.util.Objects;

/**
 * One change of a condition's state, emitted by {@link BurnRateConditions#step}: the record an
 * alert history stores and a notifier acts on (pending to firing pages someone; firing to inactive
 * resolves the page). Pending to inactive is a condition that stopped holding before it fired.
 *
 * @param tierName the tier's name within the SLO
 * @param severity the tier's severity
 * @param from the state before
 * @param to the state after
 * @param at the evaluation at which it changed
 * @param shortBurnRate the short window's burn rate then; NaN without data
 * @param longBurnRate the long window's burn rate then; NaN without data
 * @param factor the tier's threshold
 */
public record StateTransition(String tierName, String severity, State from, State to, Instant at, double shortBurnRate,
    double longBurnRate, double factor) {
  public StateTransition {
    Objects.requireNonNull(tierName, "tierName");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(at, "at");
    if (from == to) {
      throw new IllegalArgumentException("a transition changes the state, got " + from + " to " + to + " for tier " + tierName);
    }
  }
}
