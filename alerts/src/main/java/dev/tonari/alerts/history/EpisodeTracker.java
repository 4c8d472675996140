package dev.tonari.alerts.history;

import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.alert.AlertTransition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one tenant's records, in file order, into episodes: the one home of episode semantics,
 * used alike by the writer (which keeps only the open episodes, to know which episode a new
 * transition belongs to) and by queries (which keep what they read).
 *
 * <p>A transition from inactive starts a new episode; any other continues the alert's open episode
 * (or starts one at that transition, when the history missed its start); a transition to inactive
 * ends it. A transition from inactive while the alert still has an open episode (the ruler lost
 * its state, say) ends that episode at the same instant.
 */
final class EpisodeTracker {
  private final String tenant;
  private final boolean keepClosed;
  private final Map<String, Episode> byId = new LinkedHashMap<>();
  private final Map<String, Episode> openByFingerprint = new HashMap<>();

  /**
   * @param keepClosed whether episodes are kept once over (queries) or forgotten (the writer's index)
   */
  EpisodeTracker(String tenant, boolean keepClosed) {
    this.tenant = tenant;
    this.keepClosed = keepClosed;
  }

  /** The id and start of the episode a transition about to be written belongs to. */
  HistoryRecord.Transition recordOf(AlertTransition transition) {
    Episode open = openByFingerprint.get(transition.fingerprint());
    if (open != null && transition.from() != AlertState.INACTIVE) {
      return new HistoryRecord.Transition(open.id, open.startedAt, transition);
    }
    return new HistoryRecord.Transition(EpisodeIds.of(tenant, transition.fingerprint(), transition.at()), transition.at(), transition);
  }

  void apply(HistoryRecord record) {
    switch (record) {
      case HistoryRecord.OpenEpisodes open -> open.episodes().forEach(this::seed);
      case HistoryRecord.Transition transition -> applyTransition(transition);
      case HistoryRecord.Acknowledged acknowledged -> {
        Episode episode = byId.get(acknowledged.episodeId());
        if (episode != null && episode.acknowledgement == null) {
          episode.acknowledgement = acknowledged.acknowledgement();
        }
      }
    }
  }

  /**
   * As {@link #apply}, for a query that reads past the end of its range: episodes that started
   * after {@code latestStart} are not kept; their transitions only end the alert's earlier open
   * episode, as they would have.
   */
  void applyStartedBy(HistoryRecord record, Instant latestStart) {
    switch (record) {
      case HistoryRecord.OpenEpisodes open -> {
        for (AlertEpisode episode : open.episodes()) {
          if (!episode.startedAt().isAfter(latestStart)) {
            seed(episode);
          }
        }
      }
      case HistoryRecord.Transition transition when transition.episodeStart().isAfter(latestStart) -> {
        Episode earlier = openByFingerprint.get(transition.transition().fingerprint());
        if (earlier != null && !earlier.id.equals(transition.episodeId())) {
          close(earlier, transition.at());
        }
      }
      default -> apply(record);
    }
  }

  /** The ids of the episodes still open after the records applied so far. */
  List<String> openIds() {
    List<String> ids = new ArrayList<>(openByFingerprint.size());
    openByFingerprint.values().forEach(episode -> ids.add(episode.id));
    return ids;
  }

  /** Adds an episode known to be open (from a file's first record) unless it is known already. */
  void seed(AlertEpisode open) {
    if (byId.containsKey(open.id()) || open.resolvedAt().isPresent()) {
      return;
    }
    Episode episode = new Episode(open);
    byId.put(episode.id, episode);
    Episode previous = openByFingerprint.put(episode.fingerprint, episode);
    if (previous != null && previous != episode) {
      close(previous, open.startedAt());
    }
  }

  private void applyTransition(HistoryRecord.Transition record) {
    AlertTransition transition = record.transition();
    String fingerprint = transition.fingerprint();
    Episode episode = byId.get(record.episodeId());
    Episode open = openByFingerprint.get(fingerprint);
    if (open != null && open != episode) {
      close(open, transition.at());
    }
    if (episode == null) {
      episode = new Episode(record.episodeId(), tenant, record.episodeStart(), transition);
      byId.put(episode.id, episode);
    }
    episode.apply(transition);
    if (episode.resolvedAt == null) {
      openByFingerprint.put(fingerprint, episode);
    } else {
      openByFingerprint.remove(fingerprint, episode);
      if (!keepClosed) {
        byId.remove(episode.id);
      }
    }
  }

  private void close(Episode episode, Instant at) {
    episode.state = AlertState.INACTIVE;
    episode.resolvedAt = at;
    openByFingerprint.remove(episode.fingerprint, episode);
    if (!keepClosed) {
      byId.remove(episode.id);
    }
  }

  Optional<AlertEpisode> episode(String id) {
    return Optional.ofNullable(byId.get(id)).map(Episode::snapshot);
  }

  /** Every episode kept, in the order first seen. */
  List<AlertEpisode> episodes() {
    List<AlertEpisode> all = new ArrayList<>(byId.size());
    byId.values().forEach(episode -> all.add(episode.snapshot()));
    return all;
  }

  List<AlertEpisode> openEpisodes() {
    List<AlertEpisode> open = new ArrayList<>(openByFingerprint.size());
    for (Episode episode : byId.values()) {
      if (episode.resolvedAt == null) {
        open.add(episode.snapshot());
      }
    }
    return open;
  }

  /** The mutable state of one episode while its records are read. */
  private static final class Episode {
    final String id;
    final String tenant;
    final String fingerprint;
    final Instant startedAt;
    String namespace;
    String group;
    String rule;
    Map<String, String> labels;
    Map<String, String> annotations;
    AlertState state;
    Instant firedAt;
    Instant resolvedAt;
    Acknowledgement acknowledgement;
    double value;

    Episode(String id, String tenant, Instant startedAt, AlertTransition first) {
      this.id = id;
      this.tenant = tenant;
      this.fingerprint = first.fingerprint();
      this.startedAt = startedAt;
      this.value = first.value();
      this.state = first.from();
      if (first.from() == AlertState.FIRING) {
        // The history missed this episode's start while it was firing already.
        this.firedAt = startedAt;
      }
    }

    Episode(AlertEpisode open) {
      this.id = open.id();
      this.tenant = open.tenant();
      this.fingerprint = open.fingerprint();
      this.startedAt = open.startedAt();
      this.namespace = open.namespace();
      this.group = open.group();
      this.rule = open.rule();
      this.labels = open.labels();
      this.annotations = open.annotations();
      this.state = open.state();
      this.firedAt = open.firedAt().orElse(null);
      this.acknowledgement = open.acknowledgement().orElse(null);
      this.value = open.value();
    }

    void apply(AlertTransition transition) {
      namespace = transition.namespace();
      group = transition.group();
      rule = transition.rule();
      labels = transition.labels();
      annotations = transition.annotations();
      state = transition.to();
      if (transition.to() == AlertState.FIRING && firedAt == null) {
        firedAt = transition.at();
        value = transition.value();
      }
      if (transition.to() == AlertState.INACTIVE) {
        resolvedAt = transition.at();
      }
    }

    AlertEpisode snapshot() {
      return new AlertEpisode(id, tenant, namespace, group, rule, fingerprint, labels, annotations, state, startedAt, Optional.ofNullable(firedAt),
          Optional.ofNullable(resolvedAt), Optional.ofNullable(acknowledgement), value);
    }
  }
}
