package dev.tonari.rules.eval;

import dev.tonari.rules.alert.AlertFingerprint;
import dev.tonari.rules.alert.AlertState;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One alert of an alerting rule as Prometheus keeps it: pending or firing while its series is
 * there (or while {@code keep_firing_for} holds it), then inactive with {@code resolvedAt} for
 * the retention time so that the resolution is sent (again) even if a send was lost. Mutable,
 * guarded by its group's lock; instants are null where Prometheus has the zero time.
 */
final class ActiveAlert {
  final Map<String, String> labels;
  final String fingerprint;
  Map<String, String> annotations;
  AlertState state;
  Instant activeAt;
  double value;
  Instant firedAt;
  Instant resolvedAt;
  Instant lastSentAt;
  Instant validUntil;
  Instant keepFiringSince;

  ActiveAlert(Map<String, String> labels, Map<String, String> annotations, AlertState state, Instant activeAt, double value) {
    this.labels = Map.copyOf(labels);
    this.fingerprint = AlertFingerprint.of(labels);
    this.annotations = Objects.requireNonNull(annotations);
    this.state = state;
    this.activeAt = activeAt;
    this.value = value;
  }

  /**
   * Prometheus' {@code needsSending}: never while pending; at once when it resolved after the last
   * send; otherwise when the last send is more than {@code resendDelay} before {@code now}
   * (strictly: with a delay equal to the interval, an alert is sent every other evaluation).
   */
  boolean needsSending(Instant now, java.time.Duration resendDelay) {
    if (state == AlertState.PENDING) {
      return false;
    }
    if (resolvedAt != null && (lastSentAt == null || resolvedAt.isAfter(lastSentAt))) {
      return true;
    }
    return lastSentAt == null || lastSentAt.plus(resendDelay).isBefore(now);
  }
}
