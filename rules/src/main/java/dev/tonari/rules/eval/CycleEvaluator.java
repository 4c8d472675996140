package dev.tonari.rules.eval;

import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.rules.alert.OutgoingAlert;
import dev.tonari.rules.alert.RecordedSample;
import dev.tonari.rules.alert.SampleSink;
import dev.tonari.rules.alert.TransitionListener;
import dev.tonari.tenancy.TenantAssignment;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates one cycle: the groups of one tenant due at the same instant, concurrently, each
 * group's rules in order, as Prometheus' {@code Group.Eval} does. The cycle's LogQL
 * rules share one {@link InstantQuerier#forCycle} querier, so that they can share scans; a
 * namespace with its own evaluator uses that. A rule whose query fails is marked unhealthy with
 * its error and the group goes on. After each group: its alerts that need sending go to the
 * {@link AlertSink}, recorded samples to the {@link SampleSink}, state changes to the {@link
 * TransitionListener} (none of them may block; a failing one is logged and does not stop the
 * ruler), then the group's alerts are saved ({@link AlertStateStore}). A group whose tenant left
 * this process during its evaluation drops the result.
 */
final class CycleEvaluator {
  private static final Logger log = LoggerFactory.getLogger(CycleEvaluator.class);

  private final EvaluationSettings settings;
  private final InstantQuerier querier;
  private final AlertSink alertSink;
  private final SampleSink sampleSink;
  private final TransitionListener transitionListener;
  private final AlertStateStore stateStore;
  private final TenantAssignment assignment;
  private final ExecutorService workers;
  private final Semaphore evaluations;

  /**
   * @param workers runs the groups of a cycle concurrently (virtual threads)
   * @param evaluations bounds how many groups are evaluated at once, over all cycles
   */
  CycleEvaluator(EvaluationSettings settings, InstantQuerier querier, AlertSink alertSink, SampleSink sampleSink, TransitionListener transitionListener,
      AlertStateStore stateStore, TenantAssignment assignment, ExecutorService workers, Semaphore evaluations) {
    this.settings = settings;
    this.querier = querier;
    this.alertSink = alertSink;
    this.sampleSink = sampleSink;
    this.transitionListener = transitionListener;
    this.stateStore = stateStore;
    this.assignment = assignment;
    this.workers = workers;
    this.evaluations = evaluations;
  }

  /**
   * Evaluates the groups at {@code at}, each group's rules in order and the groups concurrently
   * (as Prometheus runs every group on its own), and returns when all are done.
   */
  void evaluateCycle(String tenant, List<GroupRuntime> groups, Instant at) {
    List<GroupRuntime> ordered = new ArrayList<>(groups);
    ordered.sort(Comparator.comparing(group -> group.key));
    List<String> logqlExpressions = new ArrayList<>();
    for (GroupRuntime group : ordered) {
      if (group.ownQuerier.isEmpty()) {
        group.rules.forEach(rule -> logqlExpressions.add(rule.rule().expr()));
      }
    }
    InstantQuerier cycleQuerier = logqlExpressions.isEmpty() ? querier : forCycle(tenant, at, logqlExpressions);
    if (ordered.size() == 1) {
      evaluateBounded(ordered.get(0), at, cycleQuerier);
      return;
    }
    List<Future<?>> running = new ArrayList<>(ordered.size());
    for (GroupRuntime group : ordered) {
      running.add(workers.submit(() -> evaluateBounded(group, at, cycleQuerier)));
    }
    for (int i = 0; i < running.size(); i++) {
      try {
        running.get(i).get();
      } catch (InterruptedException e) {
        running.forEach(future -> future.cancel(true));
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        log.error("ruler: {}: evaluation failed", ordered.get(i).key, e.getCause());
      }
    }
  }

  private void evaluateBounded(GroupRuntime group, Instant at, InstantQuerier cycleQuerier) {
    try {
      evaluations.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      evaluateGroup(group, at, group.ownQuerier.orElse(cycleQuerier));
    } finally {
      evaluations.release();
    }
  }

  private InstantQuerier forCycle(String tenant, Instant at, List<String> expressions) {
    try {
      return querier.forCycle(tenant, at, expressions);
    } catch (RuntimeException e) {
      log.error("ruler: planning shared scans for tenant {} at {} failed; evaluating without", tenant, at, e);
      return querier;
    }
  }

  private void evaluateGroup(GroupRuntime group, Instant at, InstantQuerier groupQuerier) {
    long started = System.nanoTime();
    String tenant = group.key.tenant();
    List<OutgoingAlert> outgoing = new ArrayList<>();
    List<RecordedSample> recorded = new ArrayList<>();
    List<AlertTransition> transitions = new ArrayList<>();
    for (RuleRuntime rule : group.rules) {
      long ruleStarted = System.nanoTime();
      List<Sample> samples = null;
      String error = null;
      try {
        samples = groupQuerier.evaluate(tenant, rule.rule().expr(), at);
      } catch (RuleQueryException e) {
        error = e.getMessage();
        log.debug("ruler: {}, rule {}: {}", group.key, rule.rule().name(), error);
      } catch (RuntimeException e) {
        error = "internal error evaluating the rule: " + e;
        log.error("ruler: {}, rule {}: evaluation failed", group.key, rule.rule().name(), e);
      }
      group.lock.lock();
      try {
        if (group.retired) {
          return;
        }
        long nanos = System.nanoTime() - ruleStarted;
        if (error != null) {
          rule.failed(at, nanos, error);
          continue;
        }
        switch (rule) {
          case AlertingRuleRuntime alerting -> {
            AlertingRuleRuntime.Step step = alerting.step(samples, at, group.definition.limit());
            for (AlertingRuleRuntime.Change change : step.changes()) {
              transitions.add(new AlertTransition(tenant, group.key.namespace(), group.key.group(), alerting.rule().alert(), change.labels(),
                  change.annotations(), change.from(), change.to(), at, change.value()));
            }
            if (step.failed()) {
              alerting.failed(at, nanos, step.failure());
            } else {
              alerting.succeeded(at, nanos);
              String generatorUrl = GeneratorUrls.explore(settings.externalUrl(), settings.grafanaDatasourceUid(), alerting.rule().expr(),
                  group.ownQuerier.isEmpty());
              for (ActiveAlert alert : alerting.takeAlertsToSend(at, settings.resendDelay(), group.interval)) {
                Instant startsAt = alert.firedAt != null ? alert.firedAt : alert.activeAt;
                Instant endsAt = alert.resolvedAt != null ? alert.resolvedAt : alert.validUntil;
                outgoing.add(new OutgoingAlert(alert.labels, alert.annotations, startsAt, endsAt, generatorUrl));
              }
            }
          }
          case RecordingRuleRuntime recording -> {
            RecordingRuleRuntime.Result result = recording.record(samples, at, group.definition.limit());
            if (result.failure().isEmpty()) {
              recording.succeeded(at, nanos);
              recorded.addAll(result.samples());
            } else {
              recording.failed(at, nanos, result.failure());
            }
          }
        }
      } finally {
        group.lock.unlock();
      }
    }
    byte[] state;
    boolean queuesAlerts = stateStore.queuesAlerts();
    group.lock.lock();
    try {
      if (group.retired || !assignment.evaluates(tenant) || assignment.tenure(tenant) != group.tenure) {
        // The tenant moved to another ruler during the evaluation (or left and came back): the
        // holder evaluates it from the saved state; sending or saving this result would page twice.
        return;
      }
      group.evaluated(at, System.nanoTime() - started);
      // Alerts queued with the state need a state to go with, even an unchanged one.
      state = stateToSave(group, at, queuesAlerts && !outgoing.isEmpty());
    } finally {
      group.lock.unlock();
    }
    if (!queuesAlerts) {
      deliver(group, outgoing, recorded, transitions);
      if (state != null) {
        save(group, state);
      }
      return;
    }
    if (state != null && !saveWithAlerts(group, state, outgoing)) {
      return;
    }
    deliver(group, List.of(), recorded, transitions);
  }

  /** Saves the state and queues the alerts in one step; false when the tenant is another ruler's now (nothing of this evaluation may leave). */
  private boolean saveWithAlerts(GroupRuntime group, byte[] state, List<OutgoingAlert> outgoing) {
    try {
      stateStore.saveWithAlerts(group.key, group.tenure, state, List.copyOf(outgoing));
      return true;
    } catch (AlertStateStore.OwnershipLostException e) {
      group.persisted = null;
      log.warn("ruler: {}: not saving nor sending {} alerts: {}", group.key, outgoing.size(), e.getMessage());
      return false;
    } catch (IOException | RuntimeException e) {
      // Neither the state nor the alerts were written: the next evaluation saves again, and a
      // firing alert is queued again at its next resend.
      group.persisted = null;
      log.error("ruler: {}: saving the alert state with {} alerts in {} failed: {}", group.key, outgoing.size(), stateStore, e.getMessage(), e);
      return true;
    }
  }

  private void deliver(GroupRuntime group, List<OutgoingAlert> outgoing, List<RecordedSample> recorded, List<AlertTransition> transitions) {
    String tenant = group.key.tenant();
    if (!outgoing.isEmpty()) {
      try {
        alertSink.send(tenant, List.copyOf(outgoing));
      } catch (RuntimeException e) {
        log.error("ruler: {}: the alert sink failed on {} alerts", group.key, outgoing.size(), e);
      }
    }
    if (!recorded.isEmpty()) {
      try {
        sampleSink.write(tenant, List.copyOf(recorded));
      } catch (RuntimeException e) {
        log.error("ruler: {}: the sample sink failed on {} samples", group.key, recorded.size(), e);
      }
    }
    if (!transitions.isEmpty()) {
      notifyTransitions(group.key.toString(), transitions);
    }
  }

  void notifyTransitions(String context, List<AlertTransition> transitions) {
    try {
      transitionListener.onTransitions(List.copyOf(transitions));
    } catch (RuntimeException e) {
      log.error("ruler: {}: the transition listener failed on {} transitions", context, transitions.size(), e);
    }
  }

  /**
   * The file content to write now, or null when the saved state is the same and fresh enough
   * (unless {@code always}). A
   * state unchanged for a quarter of the outage tolerance is written again anyway, so that its
   * {@code savedAt} tells at restart how long the ruler was down.
   */
  private byte[] stateToSave(GroupRuntime group, Instant at, boolean always) {
    Map<String, List<ActiveAlert>> alerts = alertsByRule(group);
    boolean empty = alerts.values().stream().allMatch(List::isEmpty);
    if (empty && group.persisted == null && !always) {
      return null;
    }
    byte[] comparable = AlertStateFile.encode(group.key, Instant.EPOCH, alerts);
    Duration refresh = settings.outageTolerance().dividedBy(4);
    if (!always && group.persisted != null && java.util.Arrays.equals(comparable, group.persisted) && group.savedAt != null
        && Duration.between(group.savedAt, at).compareTo(refresh) < 0) {
      return null;
    }
    group.persisted = comparable;
    group.savedAt = at;
    return AlertStateFile.encode(group.key, at, alerts);
  }

  static Map<String, List<ActiveAlert>> alertsByRule(GroupRuntime group) {
    Map<String, List<ActiveAlert>> byRule = new LinkedHashMap<>();
    group.alertingRulesByKey().forEach((ruleKey, rule) -> byRule.put(ruleKey, rule.allAlerts()));
    return byRule;
  }

  private void save(GroupRuntime group, byte[] state) {
    try {
      stateStore.save(group.key, state);
    } catch (IOException | RuntimeException e) {
      // The next evaluation writes again; until then a restart would restore the previous state.
      group.persisted = null;
      log.error("ruler: {}: saving the alert state in {} failed: {}", group.key, stateStore, e.getMessage(), e);
    }
  }
}
