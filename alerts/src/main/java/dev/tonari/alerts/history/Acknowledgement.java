package dev.tonari.alerts.history;

import java.time.Instant;
import java.util.Objects;

/**
 * Someone saying "I have this" about an alert episode.
 *
 * @param at when it was acknowledged
 * @param by who: the name given, or the token's name when authentication is on
 * @param comment free text, empty when none was given
 */
public record Acknowledgement(Instant at, String by, String comment) {
  public Acknowledgement {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(comment, "comment");
  }
}
