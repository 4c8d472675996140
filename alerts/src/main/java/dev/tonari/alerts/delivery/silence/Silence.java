package dev.tonari.alerts.delivery.silence;

import dev.tonari.alerts.delivery.config.LabelMatcher;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One silence, as Alertmanager keeps it: alerts matching all {@code matchers} are not notified
 * from {@code startsAt} until {@code endsAt}.
 */
public record Silence(String id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, Instant updatedAt, String createdBy, String comment) {
  /** Alertmanager's silence states. */
  public enum State {
    PENDING,
    ACTIVE,
    EXPIRED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Silence {
    Objects.requireNonNull(id, "id");
    matchers = List.copyOf(matchers);
    Objects.requireNonNull(startsAt, "startsAt");
    Objects.requireNonNull(endsAt, "endsAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(comment, "comment");
  }

  public State state(Instant now) {
    if (!endsAt.isAfter(now)) {
      return State.EXPIRED;
    }
    return startsAt.isAfter(now) ? State.PENDING : State.ACTIVE;
  }

  /** Whether the silence is active at {@code now} and matches the labels. */
  public boolean silences(Map<String, String> labels, Instant now) {
    return state(now) == State.ACTIVE && LabelMatcher.all(matchers, labels);
  }
}
