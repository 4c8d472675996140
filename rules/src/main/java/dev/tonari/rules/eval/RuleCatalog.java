package dev.tonari.rules.eval;

import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.rules.model.RuleSource;
import dev.tonari.tenancy.TenantAssignment;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups the ruler runs, kept in step with its rule sources. A sync reads every source: a new
 * group starts with the alerts saved before a restart (if any, see {@link #restore}) and runs at
 * its next slot; a changed group keeps the alerts of its unchanged rules (matched by name, as
 * Prometheus does on reload); a removed group's pending and firing alerts end (reported as
 * transitions to inactive) and its state file is deleted. A source that fails leaves the catalog
 * as it was, so that a passing failure does not drop every alert.
 */
final class RuleCatalog {
  private static final Logger log = LoggerFactory.getLogger(RuleCatalog.class);

  private final EvaluationSettings settings;
  private final List<RuleSource> sources;
  private final AlertTemplates templates;
  private final AlertStateStore stateStore;
  private final TenantAssignment assignment;
  private final Map<GroupKey, GroupRuntime> groups = new ConcurrentHashMap<>();
  /** Saved states not yet taken by a group, by group. */
  private final Map<GroupKey, AlertStateFile.Saved> saved = new ConcurrentHashMap<>();
  /**
   * Whether the store listed its states at start (files): then {@link #saved} is all there is, as
   * a single node always did. A store that cannot list (a catalog) is asked for each new group.
   */
  private final boolean listed;

  RuleCatalog(EvaluationSettings settings, List<RuleSource> sources, AlertTemplates templates, AlertStateStore stateStore, TenantAssignment assignment)
      throws IOException {
    this.settings = settings;
    this.sources = List.copyOf(sources);
    this.templates = templates;
    this.stateStore = stateStore;
    this.assignment = assignment;
    List<String> problems = new ArrayList<>();
    Optional<List<AlertStateStore.Stored>> all = stateStore.listAll(problems);
    this.listed = all.isPresent();
    for (AlertStateStore.Stored stored : all.orElse(List.of())) {
      try {
        AlertStateFile.Saved state = AlertStateFile.decode(stored.where(), stored.content());
        saved.put(state.key(), state);
      } catch (IOException e) {
        problems.add(e.getMessage());
      }
    }
    for (String problem : problems) {
      log.error("ruler: {} (its alerts start afresh; the file is replaced at the next evaluation)", problem);
    }
  }

  Map<GroupKey, GroupRuntime> groups() {
    return groups;
  }

  private record Wanted(RuleNamespace.Origin origin, RuleGroup group, Optional<InstantQuerier> querier) {}

  /**
   * Brings the catalog in line with the sources.
   *
   * @return the transitions of alerts that ended because their group or rule went away
   */
  synchronized List<AlertTransition> sync(Instant now) {
    // Groups of an earlier tenure go first, so that the loop below restores them from the store.
    releaseUnassigned();
    Map<GroupKey, Wanted> wanted = new LinkedHashMap<>();
    try {
      for (RuleSource source : sources) {
        for (String tenant : new java.util.TreeSet<>(source.tenants())) {
          if (!assignment.evaluates(tenant)) {
            continue;
          }
          for (RuleNamespace namespace : source.namespaces(tenant)) {
            Optional<InstantQuerier> own = source instanceof EvaluatingRuleSource evaluating ? evaluating.querierFor(tenant, namespace) : Optional.empty();
            for (RuleGroup group : namespace.groups()) {
              GroupKey key = new GroupKey(tenant, namespace.name(), group.name());
              if (wanted.putIfAbsent(key, new Wanted(namespace.origin(), group, own)) != null) {
                log.warn("ruler: {} comes from two rule sources; the first one's is evaluated", key);
              }
            }
          }
        }
      }
    } catch (RuntimeException e) {
      log.error("ruler: reading the rule sources failed; the rules evaluated stay as they were", e);
      return List.of();
    }
    List<AlertTransition> ended = new ArrayList<>();
    wanted.forEach((key, want) -> {
      GroupRuntime existing = groups.get(key);
      if (existing != null && existing.sameDefinition(want.group(), want.origin(), want.querier())) {
        return;
      }
      GroupRuntime created = new GroupRuntime(key, want.origin(), want.group(), settings.evaluationInterval(), want.querier(), templates);
      if (existing == null) {
        created.tenure = assignment.tenure(key.tenant());
        restore(created, now);
        created.nextEvaluation = GroupSchedule.slotAfter(key, created.interval, now);
      } else {
        ended.addAll(endRemovedRules(existing, created, now));
        created.takeStateFrom(existing);
        created.nextEvaluation = created.interval.equals(existing.interval) ? existing.nextEvaluation : GroupSchedule.slotAfter(key, created.interval, now);
      }
      groups.put(key, created);
    });
    for (GroupKey key : List.copyOf(groups.keySet())) {
      if (!wanted.containsKey(key)) {
        if (!assignment.evaluates(key.tenant())) {
          // Another ruler evaluates the tenant now: its alerts go on there, from the saved state.
          release(key);
          continue;
        }
        GroupRuntime removed = groups.remove(key);
        ended.addAll(retire(removed, now));
        try {
          stateStore.delete(key);
        } catch (IOException e) {
          log.error("ruler: {}: deleting the saved alert state of the removed group from {} failed", key, stateStore, e);
        }
      }
    }
    forgetStaleSavedStates(now);
    return ended;
  }

  /**
   * Stops evaluating the groups of tenants this process no longer evaluates, or evaluates in
   * another tenure than their state is of (lost and regained), at once (the
   * scheduler calls it every round, so a lost lease stops evaluations before the next sync). The
   * alerts neither end nor are deleted: the tenant's next ruler restores them from the store.
   *
   * @return the tenants released
   */
  synchronized java.util.Set<String> releaseUnassigned() {
    java.util.Set<String> released = new java.util.TreeSet<>();
    for (GroupKey key : List.copyOf(groups.keySet())) {
      GroupRuntime group = groups.get(key);
      if (released.contains(key.tenant()) || !ownedNow(group)) {
        release(key);
        released.add(key.tenant());
      }
    }
    return released;
  }

  /** Whether the group's tenant is this process's now, in the tenure the group's state is of. */
  boolean ownedNow(GroupRuntime group) {
    String tenant = group.key.tenant();
    return assignment.evaluates(tenant) && assignment.tenure(tenant) == group.tenure;
  }

  private void release(GroupKey key) {
    GroupRuntime released = groups.remove(key);
    if (released != null) {
      released.lock.lock();
      try {
        // An evaluation still running drops its results (see CycleEvaluator), so it neither sends nor saves.
        released.retired = true;
      } finally {
        released.lock.unlock();
      }
    }
    saved.remove(key);
  }

  /** Pending and firing alerts of rules that the new definition no longer has. */
  private static List<AlertTransition> endRemovedRules(GroupRuntime existing, GroupRuntime created, Instant now) {
    Map<String, AlertingRuleRuntime> kept = created.alertingRulesByKey();
    List<AlertTransition> ended = new ArrayList<>();
    existing.lock.lock();
    try {
      existing.alertingRulesByKey().forEach((ruleKey, rule) -> {
        if (!kept.containsKey(ruleKey)) {
          ended.addAll(transitions(existing.key, rule, rule.dropAll(), now));
        }
      });
    } finally {
      existing.lock.unlock();
    }
    return ended;
  }

  private static List<AlertTransition> retire(GroupRuntime group, Instant now) {
    List<AlertTransition> ended = new ArrayList<>();
    group.lock.lock();
    try {
      group.retired = true;
      for (RuleRuntime rule : group.rules) {
        if (rule instanceof AlertingRuleRuntime alerting) {
          ended.addAll(transitions(group.key, alerting, alerting.dropAll(), now));
        }
      }
    } finally {
      group.lock.unlock();
    }
    return ended;
  }

  private static List<AlertTransition> transitions(GroupKey key, AlertingRuleRuntime rule, List<AlertingRuleRuntime.Change> changes, Instant at) {
    List<AlertTransition> transitions = new ArrayList<>(changes.size());
    for (AlertingRuleRuntime.Change change : changes) {
      transitions.add(new AlertTransition(key.tenant(), key.namespace(), key.group(), rule.rule().alert(), change.labels(), change.annotations(),
          change.from(), change.to(), at, change.value()));
    }
    return transitions;
  }

  /**
   * Gives a new group the alerts saved for it before a restart. Within the outage tolerance every
   * alert comes back as it was (so {@code for} goes on and nothing pages again); after a longer
   * outage only resolved alerts do (so their resolution is still sent), as Prometheus does not
   * restore the {@code for} state then.
   */
  private void restore(GroupRuntime group, Instant now) {
    AlertStateFile.Saved state = saved.remove(group.key);
    if (state == null && !listed) {
      state = loadSaved(group.key);
    }
    if (state == null) {
      return;
    }
    boolean withinTolerance = Duration.between(state.savedAt(), now).compareTo(settings.outageTolerance()) <= 0;
    Map<String, AlertingRuleRuntime> rules = group.alertingRulesByKey();
    int restored = 0;
    for (Map.Entry<String, List<ActiveAlert>> entry : state.alertsByRule().entrySet()) {
      AlertingRuleRuntime rule = rules.get(entry.getKey());
      if (rule == null) {
        continue;
      }
      List<ActiveAlert> alerts = new ArrayList<>();
      for (ActiveAlert alert : entry.getValue()) {
        if (withinTolerance || alert.state == AlertState.INACTIVE) {
          alerts.add(alert);
        }
      }
      rule.restore(alerts);
      restored += alerts.size();
    }
    group.persisted = AlertStateFile.encode(group.key, Instant.EPOCH, CycleEvaluator.alertsByRule(group));
    group.savedAt = state.savedAt();
    log.info("ruler: {}: restored {} alerts saved at {}{}", group.key, restored, state.savedAt(),
        withinTolerance ? "" : " (down longer than for_outage_tolerance " + settings.outageTolerance() + ": pending and firing alerts start afresh)");
  }

  /**
   * The state saved for a group this catalog has not seen since it started (a store that cannot
   * list, or a tenant taken over from another ruler); null when none or unreadable.
   */
  private AlertStateFile.Saved loadSaved(GroupKey key) {
    try {
      Optional<AlertStateStore.Stored> stored = stateStore.load(key);
      if (stored.isEmpty()) {
        return null;
      }
      AlertStateFile.Saved state = AlertStateFile.decode(stored.get().where(), stored.get().content());
      if (!state.key().equals(key)) {
        log.error("ruler: {}: the saved alert state in {} is of {}; its alerts start afresh", key, stored.get().where(), state.key());
        return null;
      }
      return state;
    } catch (IOException | RuntimeException e) {
      log.error("ruler: {}: loading the saved alert state from {} failed; its alerts start afresh: {}", key, stateStore, e.getMessage(), e);
      return null;
    }
  }

  /** Saved states whose groups have not come back within the tolerance and retention can restore nothing any more. */
  private void forgetStaleSavedStates(Instant now) {
    Duration useless = settings.outageTolerance().plus(AlertingRuleRuntime.RESOLVED_RETENTION);
    Map<GroupKey, AlertStateFile.Saved> stale = new HashMap<>();
    saved.forEach((key, state) -> {
      if (Duration.between(state.savedAt(), now).compareTo(useless) > 0) {
        stale.put(key, state);
      }
    });
    stale.keySet().forEach(key -> {
      saved.remove(key);
      try {
        stateStore.delete(key);
      } catch (IOException e) {
        log.warn("ruler: deleting the stale saved state of {} from {} failed", key, stateStore, e);
      }
    });
  }
}
