package dev.tonari.alerts.history;

import dev.tonari.rules.alert.AlertTransition;
import java.util.Objects;

/**
 * One state change as the history keeps it: the ruler's transition and the episode it belongs to.
 *
 * @param episodeId the {@link AlertEpisode#id()} of its episode
 */
public record HistoryEntry(String episodeId, AlertTransition transition) {
  public HistoryEntry {
    Objects.requireNonNull(episodeId, "episodeId");
    Objects.requireNonNull(transition, "transition");
  }
}
