package dev.tonari.alerts.history;

import dev.tonari.rules.alert.AlertTransition;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What one record of a history file holds; the byte layout is in {@link AlertHistory}. */
sealed interface HistoryRecord {
  /** The time the record is about, which picks its day file. */
  Instant at();

  /**
   * The tenant's open episodes when the file was started: the first record of every file, so that
   * reopening the history reads only the newest file to know what is open.
   */
  record OpenEpisodes(Instant at, List<AlertEpisode> episodes) implements HistoryRecord {
    public OpenEpisodes {
      Objects.requireNonNull(at, "at");
      episodes = List.copyOf(episodes);
    }
  }

  /** One state change, with the episode it belongs to. */
  record Transition(String episodeId, Instant episodeStart, AlertTransition transition) implements HistoryRecord {
    public Transition {
      Objects.requireNonNull(episodeId, "episodeId");
      Objects.requireNonNull(episodeStart, "episodeStart");
      Objects.requireNonNull(transition, "transition");
    }

    @Override
    public Instant at() {
      return transition.at();
    }
  }

  /** An acknowledgement of an episode, open or over. */
  record Acknowledged(String episodeId, Instant episodeStart, Acknowledgement acknowledgement) implements HistoryRecord {
    public Acknowledged {
      Objects.requireNonNull(episodeId, "episodeId");
      Objects.requireNonNull(episodeStart, "episodeStart");
      Objects.requireNonNull(acknowledgement, "acknowledgement");
    }

    @Override
    public Instant at() {
      return acknowledgement.at();
    }
  }
}
