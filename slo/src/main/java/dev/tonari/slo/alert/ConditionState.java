package dev.tonari.slo.alert;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one burn-rate condition of one SLO series stands after an evaluation: the figures the API
 * and /metrics show (state, since when, the short and long burn), and the memory the next
 * evaluation needs to apply Prometheus' {@code for} (when the condition began to hold). It holds no
 * delivery concern: a notifier reads the {@link StateTransition}s instead.
 *
 * @param tierName the tier's name within the SLO ({@code page-1h})
 * @param severity the tier's severity ({@code page}, {@code ticket})
 * @param state inactive, pending (holding, not yet for {@code alertAfter}) or firing
 * @param since when the current state began
 * @param activeSince when the condition began to hold without a break (Prometheus' {@code ActiveAt});
 *     empty while inactive
 * @param lastShortBurnRate the short window's burn rate at the last evaluation; NaN without data
 * @param lastLongBurnRate the long window's burn rate at the last evaluation; NaN without data
 * @param factor the tier's threshold at the last evaluation
 * @param lastEvaluation when the condition was last evaluated
 * @param resolvedAt when it last went from firing to inactive; empty if it never fired
 */
public record ConditionState(
    String tierName,
    String severity,
    State state,
    Instant since,
    Optional<Instant> activeSince,
    double lastShortBurnRate,
    double lastLongBurnRate,
    double factor,
    Instant lastEvaluation,
    Optional<Instant> resolvedAt) {

  public ConditionState {
    Objects.requireNonNull(tierName, "tierName");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(activeSince, "activeSince");
    Objects.requireNonNull(lastEvaluation, "lastEvaluation");
    Objects.requireNonNull(resolvedAt, "resolvedAt");
    if ((state == State.INACTIVE) != activeSince.isEmpty()) {
      throw new IllegalArgumentException("tier " + tierName + ": activeSince must be set exactly while pending or firing, state " + state
          + " with activeSince " + activeSince);
    }
  }

  /** Whether the condition held at the last evaluation. */
  public boolean holding() {
    return state != State.INACTIVE;
  }

  /** Prometheus' alert states; a resolved alert is inactive with {@link #resolvedAt()} set. */
  public enum State {
    INACTIVE,
    PENDING,
    FIRING;

    /** Lower case, as the API and the {@code state} label spell it. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
