package dev.tonari.alerts.history;

import dev.tonari.rules.alert.AlertState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One episode of one alert: from the evaluation at which it became pending (or firing, for a rule
 * without {@code for}) until the one at which it was inactive again. An episode that stopped while
 * pending never fired: it has no {@code firedAt} and paged nobody.
 *
 * @param id stable identifier, see {@link EpisodeIds}
 * @param tenant the tenant whose rule it is
 * @param namespace the rule's namespace
 * @param group the rule's group
 * @param rule the alert name
 * @param fingerprint {@link dev.tonari.rules.alert.AlertFingerprint} of the labels
 * @param labels the alert's labels at its latest change
 * @param annotations its annotations at its latest change
 * @param state the state after its latest change: pending or firing while open, inactive once over
 * @param startedAt when it became pending or firing
 * @param firedAt when it first fired; empty if it never did
 * @param resolvedAt when it became inactive again; empty while open
 * @param acknowledgement the first acknowledgement, if any
 * @param value the expression's value when it fired (when it started, if it never fired); NaN if none
 */
public record AlertEpisode(String id, String tenant, String namespace, String group, String rule, String fingerprint, Map<String, String> labels,
    Map<String, String> annotations, AlertState state, Instant startedAt, Optional<Instant> firedAt, Optional<Instant> resolvedAt,
    Optional<Acknowledgement> acknowledgement, double value) {
  public AlertEpisode {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(fingerprint, "fingerprint");
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(firedAt, "firedAt");
    Objects.requireNonNull(resolvedAt, "resolvedAt");
    Objects.requireNonNull(acknowledgement, "acknowledgement");
  }

  /** From firing to resolution; empty if it never fired or is still open. */
  public Optional<Duration> timeToResolve() {
    return firedAt.flatMap(fired -> resolvedAt.map(resolved -> Duration.between(fired, resolved)));
  }

  /** From firing to the acknowledgement; empty if it never fired or nobody acknowledged it. */
  public Optional<Duration> timeToAcknowledge() {
    return firedAt.flatMap(fired -> acknowledgement.map(ack -> Duration.between(fired, ack.at())));
  }
}
