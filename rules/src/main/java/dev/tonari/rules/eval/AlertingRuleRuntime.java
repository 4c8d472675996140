package dev.tonari.rules.eval;

import dev.tonari.rules.alert.AlertFingerprint;
import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.model.AlertingRule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An alerting rule's alerts and their state machine, step for step Prometheus' {@code
 * AlertingRule.Eval}:
 *
 * <ul>
 *   <li>every series of the result is an alert: its labels minus {@code __name__}, the rule's
 *       labels (templated; an empty value removes the label) and {@code alertname}; two series
 *       with the same alert labels fail the evaluation;
 *   <li>a new alert is pending, active since now; it fires once {@code now - activeAt >= for}
 *       (at once for {@code for: 0}); an alert that is still there keeps its state and takes the
 *       new value and annotations;
 *   <li>an alert whose series is gone: a pending one is dropped; a firing one stays firing while
 *       {@code now - keepFiringSince < keep_firing_for}, else it resolves (inactive,
 *       {@code resolvedAt = now}) and is kept {@link #RESOLVED_RETENTION} so that its resolution
 *       is sent again;
 *   <li>more pending and firing alerts than the group's {@code limit} fail the evaluation and
 *       drop every alert, as Prometheus does.
 * </ul>
 *
 * State changes are reported by comparing each alert's state before and after the step, so a new
 * alert that fires at once is one change (inactive to firing).
 */
final class AlertingRuleRuntime extends RuleRuntime {
  /** Prometheus' {@code resolvedRetention}. */
  static final Duration RESOLVED_RETENTION = Duration.ofMinutes(15);

  private final AlertingRule rule;
  private final AlertTemplates.Compiled templates;
  /** By fingerprint, in creation order. */
  private final Map<String, ActiveAlert> active = new LinkedHashMap<>();

  AlertingRuleRuntime(AlertingRule rule, AlertTemplates templates) {
    this.rule = rule;
    this.templates = templates.compile(rule.alert(), rule.labels(), rule.annotations());
  }

  @Override
  AlertingRule rule() {
    return rule;
  }

  /** One alert's change of state in a step. */
  record Change(Map<String, String> labels, Map<String, String> annotations, AlertState from, AlertState to, double value) {}

  /**
   * The outcome of a step.
   *
   * @param changes the state changes, in alert order
   * @param failure empty when the evaluation succeeded, else its error (the rule becomes unhealthy)
   */
  record Step(List<Change> changes, String failure) {
    boolean failed() {
      return !failure.isEmpty();
    }
  }

  private record Before(AlertState state, Map<String, String> labels, Map<String, String> annotations, double value) {}

  /** Advances the alerts with the expression's result at {@code now}. */
  Step step(List<Sample> samples, Instant now, int limit) {
    Map<String, ActiveAlert> fresh = new LinkedHashMap<>();
    for (Sample sample : samples) {
      Map<String, String> labels = new TreeMap<>(sample.labels());
      labels.remove("__name__");
      templates.labels(sample.labels(), sample.value()).forEach((name, value) -> {
        if (value.isEmpty()) {
          labels.remove(name);
        } else {
          labels.put(name, value);
        }
      });
      labels.put("alertname", rule.alert());
      Map<String, String> annotations = templates.annotations(sample.labels(), sample.value());
      String fingerprint = AlertFingerprint.of(labels);
      if (fresh.containsKey(fingerprint)) {
        return new Step(List.of(), "vector contains metrics with the same labelset after applying alert labels");
      }
      fresh.put(fingerprint, new ActiveAlert(labels, annotations, AlertState.PENDING, now, sample.value()));
    }
    Map<String, Before> before = new HashMap<>();
    active.forEach((fingerprint, alert) -> before.put(fingerprint, new Before(alert.state, alert.labels, alert.annotations, alert.value)));

    fresh.forEach((fingerprint, candidate) -> {
      ActiveAlert existing = active.get(fingerprint);
      if (existing != null && existing.state != AlertState.INACTIVE) {
        existing.value = candidate.value;
        existing.annotations = candidate.annotations;
      } else {
        // A resolved alert kept for retention is replaced: its series is back, so it starts anew.
        active.remove(fingerprint);
        active.put(fingerprint, candidate);
      }
    });

    int activeOrPending = 0;
    for (var iterator = active.entrySet().iterator(); iterator.hasNext(); ) {
      var entry = iterator.next();
      ActiveAlert alert = entry.getValue();
      if (!fresh.containsKey(entry.getKey())) {
        boolean keepFiring = false;
        if (alert.state == AlertState.FIRING && !rule.keepFiringFor().isZero()) {
          if (alert.keepFiringSince == null) {
            alert.keepFiringSince = now;
          }
          keepFiring = Duration.between(alert.keepFiringSince, now).compareTo(rule.keepFiringFor()) < 0;
        }
        if (alert.state == AlertState.PENDING
            || (alert.resolvedAt != null && Duration.between(alert.resolvedAt, now).compareTo(RESOLVED_RETENTION) > 0)) {
          iterator.remove();
        }
        if (alert.state != AlertState.INACTIVE && !keepFiring) {
          alert.state = AlertState.INACTIVE;
          alert.resolvedAt = now;
        }
        if (!keepFiring) {
          continue;
        }
      } else {
        alert.keepFiringSince = null;
      }
      activeOrPending++;
      if (alert.state == AlertState.PENDING && Duration.between(alert.activeAt, now).compareTo(rule.forDuration()) >= 0) {
        alert.state = AlertState.FIRING;
        alert.firedAt = now;
      }
    }
    String failure = "";
    if (limit > 0 && activeOrPending > limit) {
      active.clear();
      failure = "exceeded limit of " + limit + " with " + activeOrPending + " alerts";
    }
    return new Step(changes(before), failure);
  }

  private List<Change> changes(Map<String, Before> before) {
    List<Change> changes = new ArrayList<>();
    before.forEach((fingerprint, previous) -> {
      ActiveAlert now = active.get(fingerprint);
      AlertState after = now == null ? AlertState.INACTIVE : now.state;
      if (after != previous.state()) {
        changes.add(now == null
            ? new Change(previous.labels(), previous.annotations(), previous.state(), after, previous.value())
            : new Change(now.labels, now.annotations, previous.state(), after, now.value));
      }
    });
    active.forEach((fingerprint, alert) -> {
      if (!before.containsKey(fingerprint) && alert.state != AlertState.INACTIVE) {
        changes.add(new Change(alert.labels, alert.annotations, AlertState.INACTIVE, alert.state, alert.value));
      }
    });
    changes.sort(Comparator.comparing(change -> AlertFingerprint.of(change.labels())));
    return changes;
  }

  /**
   * Prometheus' {@code sendAlerts}: the alerts that need sending at {@code now}, marked as sent,
   * each valid until {@code now + 4 x max(interval, resendDelay)} (two lost evaluations or sends
   * do not resolve it at the receiver).
   */
  List<ActiveAlert> takeAlertsToSend(Instant now, Duration resendDelay, Duration interval) {
    List<ActiveAlert> sending = new ArrayList<>();
    Duration delta = interval.compareTo(resendDelay) > 0 ? interval : resendDelay;
    for (ActiveAlert alert : active.values()) {
      if (alert.needsSending(now, resendDelay)) {
        alert.lastSentAt = now;
        alert.validUntil = now.plus(delta.multipliedBy(4));
        sending.add(alert);
      }
    }
    return sending;
  }

  /** The alerts Prometheus shows: pending and firing (resolved ones kept for retention are not). */
  List<ActiveAlert> shownAlerts() {
    List<ActiveAlert> shown = new ArrayList<>();
    for (ActiveAlert alert : active.values()) {
      if (alert.resolvedAt == null || alert.state != AlertState.INACTIVE) {
        shown.add(alert);
      }
    }
    shown.sort(Comparator.comparing(alert -> new TreeMap<>(alert.labels).toString()));
    return shown;
  }

  /** Every alert held, resolved ones included, for persistence. */
  List<ActiveAlert> allAlerts() {
    return List.copyOf(active.values());
  }

  /** The highest state of its alerts, the rule's {@code state} in the API. */
  AlertState state() {
    AlertState highest = AlertState.INACTIVE;
    for (ActiveAlert alert : active.values()) {
      if (alert.state.compareTo(highest) > 0) {
        highest = alert.state;
      }
    }
    return highest;
  }

  /** Takes over alerts saved before a restart, or held by the rule before its group changed. */
  void restore(List<ActiveAlert> alerts) {
    for (ActiveAlert alert : alerts) {
      active.put(alert.fingerprint, alert);
    }
  }

  /** Drops every alert, reporting those that were pending or firing (the rule is gone). */
  List<Change> dropAll() {
    List<Change> changes = new ArrayList<>();
    for (ActiveAlert alert : active.values()) {
      if (alert.state != AlertState.INACTIVE) {
        changes.add(new Change(alert.labels, alert.annotations, alert.state, AlertState.INACTIVE, alert.value));
      }
    }
    active.clear();
    return changes;
  }
}
