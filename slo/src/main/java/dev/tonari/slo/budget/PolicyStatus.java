package dev.tonari.slo.budget;

import java.time.Instant;
import java.util.Objects;

/**
 * An SLO's policy state and when it began.
 *
 * @param state the state at the evaluated minute
 * @param since the first minute of the run of that state that reaches the evaluated minute, on the
 *     policy's grid; when the state held over the whole lookback, the lookback's first point (the
 *     state may be older)
 * @param heldThroughLookback true when {@code since} is the lookback's start rather than a change
 */
public record PolicyStatus(PolicyState state, Instant since, boolean heldThroughLookback) {
  public PolicyStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
  }
}
