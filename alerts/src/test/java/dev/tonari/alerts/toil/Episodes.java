package dev.tonari.alerts.toil;

import dev.tonari.alerts.history.Acknowledgement;
import dev.tonari.alerts.history.AlertEpisode;
import dev.tonari.alerts.history.EpisodeIds;
import dev.tonari.rules.alert.AlertFingerprint;
import dev.tonari.rules.alert.AlertState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Hand-built episodes of one alert (a rule and its labels) for the toil tests. */
record Episodes(String rule, Map<String, String> labels) {
  static Episodes alert(String rule, String... labelPairs) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("alertname", rule);
    for (int i = 0; i < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    return new Episodes(rule, labels);
  }

  /** An episode that fired at {@code fired} after {@code pending}, and resolved {@code firing} later (null: still open). */
  AlertEpisode fired(Instant fired, Duration pending, Duration firing) {
    return episode(fired.minus(pending), fired, firing == null ? null : fired.plus(firing), null);
  }

  AlertEpisode episode(Instant started, Instant fired, Instant resolved, Instant acknowledged) {
    String fingerprint = AlertFingerprint.of(labels);
    AlertState state = resolved != null ? AlertState.INACTIVE : fired != null ? AlertState.FIRING : AlertState.PENDING;
    return new AlertEpisode(EpisodeIds.of("team-a", fingerprint, started), "team-a", "payments", "errors", rule, fingerprint, labels, Map.of(), state,
        started, Optional.ofNullable(fired), Optional.ofNullable(resolved),
        Optional.ofNullable(acknowledged).map(at -> new Acknowledgement(at, "alice", "")), 1);
  }

  static Instant at(String text) {
    return Instant.parse(text);
  }

  static Duration minutes(long minutes) {
    return Duration.ofMinutes(minutes);
  }
}
