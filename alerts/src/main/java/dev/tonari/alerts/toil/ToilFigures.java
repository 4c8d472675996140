package dev.tonari.alerts.toil;

import java.util.Objects;

/**
 * The toil of a team over some time, counted over the episodes that fired in it (an episode that
 * stopped while pending reached nobody).
 *
 * @param pages fired episodes of {@link Severity#PAGE}
 * @param tickets fired episodes of {@link Severity#TICKET}
 * @param other fired episodes of neither
 * @param pagesOutsideWorkingHours pages that fired outside the team's working hours or days
 * @param flapping fired episodes that fired within the flapping window of the same alert's
 *     previous episode resolving
 * @param noise fired episodes that resolved on their own: no acknowledgement within
 *     {@code noise_ack_within} of firing
 * @param acknowledged fired episodes with an acknowledgement
 * @param timeToAcknowledge from firing to the acknowledgement (zero if acknowledged while pending)
 * @param timeToResolve from firing to resolution, for those resolved
 */
public record ToilFigures(int pages, int tickets, int other, int pagesOutsideWorkingHours, int flapping, int noise, int acknowledged,
    DurationSummary timeToAcknowledge, DurationSummary timeToResolve) {
  public ToilFigures {
    Objects.requireNonNull(timeToAcknowledge, "timeToAcknowledge");
    Objects.requireNonNull(timeToResolve, "timeToResolve");
  }

  public int fired() {
    return pages + tickets + other;
  }
}
