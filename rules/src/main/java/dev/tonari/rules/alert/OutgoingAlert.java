package dev.tonari.rules.alert;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One alert as the ruler sends it, in the shape of Alertmanager's v2 {@code postableAlert}: firing
 * alerts are sent again every {@code resend_delay} with {@code endsAt} = now + 4 x max(interval,
 * resend_delay); a resolved alert is sent at once with {@code endsAt} = the time it resolved.
 *
 * @param labels the alert's labels, {@code alertname} included (the identity of the alert)
 * @param annotations its annotations, templates expanded
 * @param startsAt when it started firing (Prometheus sends the time it became active)
 * @param endsAt when Alertmanager may consider it resolved
 * @param generatorUrl a link to the expression in Tonari (Grafana Explore or the query API)
 */
public record OutgoingAlert(Map<String, String> labels, Map<String, String> annotations, Instant startsAt, Instant endsAt, String generatorUrl) {
  public OutgoingAlert {
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    annotations = java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
    Objects.requireNonNull(startsAt, "startsAt");
    Objects.requireNonNull(endsAt, "endsAt");
    Objects.requireNonNull(generatorUrl, "generatorUrl");
  }

  /** Whether the alert is resolved at {@code now}: its {@code endsAt} is not after it. */
  public boolean resolvedAt(Instant now) {
    return !endsAt.isAfter(now);
  }

  public String alertName() {
    return labels.getOrDefault("alertname", "");
  }

  public String fingerprint() {
    return AlertFingerprint.of(labels);
  }
}
