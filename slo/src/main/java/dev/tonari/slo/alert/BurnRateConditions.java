package dev.tonari.slo.alert;

import dev.tonari.slo.alert.ConditionState.State;
import dev.tonari.slo.model.BurnRateTier;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state machine of an SLO's burn-rate conditions, one step per evaluation, with Prometheus'
 * {@code for} semantics so that a condition here and Sloth's alert rule in a Prometheus go through
 * the same states on the same data:
 *
 * <ul>
 *   <li>holds, was inactive: pending, active since now; firing at once when {@code alertAfter} is 0;
 *   <li>holds, was pending: firing once it has held for {@code alertAfter} ({@code now - activeSince
 *       >= alertAfter}), otherwise still pending;
 *   <li>holds, was firing: still firing;
 *   <li>does not hold (or no data): inactive; from firing that is a resolution ({@code resolvedAt}).
 * </ul>
 *
 * Pure functions of the previous states and the series: the caller (the SLO evaluator, later the
 * ruler) persists the states and hands the transitions to the alert history and the notifiers.
 */
public final class BurnRateConditions {
  private BurnRateConditions() {}

  /** {@link #step(List, List, MinuteSeries, double, long)} with the spec's tiers and target. */
  public static ConditionStep step(List<ConditionState> previous, SloSpec spec, MinuteSeries series, long nowMinute) {
    try {
      return step(previous, spec.alerting().tiers(), series, spec.target(), nowMinute);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SLO " + spec.id() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Evaluates every tier on {@code series} at {@code nowMinute} and advances its state.
   *
   * @param previous the states of the last step (any order; matched by tier name); empty at first
   * @param tiers the SLO's tiers; names must be unique
   * @param series the SLO series' minutes, covering at least the longest window before now
   * @param target the SLO's objective as a ratio
   * @param nowMinute the epoch minute now in progress: windows cover the whole minutes before it,
   *     and the evaluation time recorded is its start
   * @return the new states in tier order and the transitions of this step; a previous state whose
   *     tier is gone is dropped, with a transition to inactive if it was pending or firing
   */
  public static ConditionStep step(List<ConditionState> previous, List<BurnRateTier> tiers, MinuteSeries series, double target,
      long nowMinute) {
    Instant now = Instant.ofEpochSecond(Math.multiplyExact(nowMinute, 60L));
    Map<String, ConditionState> previousByTier = new HashMap<>();
    for (ConditionState state : previous) {
      if (previousByTier.put(state.tierName(), state) != null) {
        throw new IllegalArgumentException("two previous states for tier " + state.tierName());
      }
      if (now.isBefore(state.lastEvaluation())) {
        throw new IllegalArgumentException("evaluation at " + now + " precedes the previous evaluation at " + state.lastEvaluation()
            + " of tier " + state.tierName());
      }
    }
    List<ConditionState> states = new ArrayList<>(tiers.size());
    List<StateTransition> transitions = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (BurnRateTier tier : tiers) {
      if (!seen.add(tier.name())) {
        throw new IllegalArgumentException("two tiers named " + tier.name());
      }
      BurnRateCondition.Evaluation evaluation = new BurnRateCondition(tier, target).evaluate(series, nowMinute);
      ConditionState before = previousByTier.get(tier.name());
      states.add(advance(before, tier, evaluation, now, transitions));
    }
    for (ConditionState state : previous) {
      if (!seen.contains(state.tierName()) && state.holding()) {
        transitions.add(new StateTransition(state.tierName(), state.severity(), state.state(), State.INACTIVE, now, Double.NaN, Double.NaN,
            state.factor()));
      }
    }
    return new ConditionStep(states, transitions);
  }

  /**
   * One step for every group of a {@code group_by} SLO: each group has its own set of states. A
   * group that has no series this minute is evaluated as no data (its pending or firing
   * conditions resolve) and is dropped at the next step once all its conditions are inactive, so
   * groups that went away do not pile up.
   *
   * @param previous the states per group of the last step (group labels to states)
   * @param seriesByGroup the series per group now; for an SLO without {@code group_by}, one entry
   *     keyed by the empty map
   * @return per group, sorted by the groups' labels, the step's states and transitions
   */
  public static Map<Map<String, String>, ConditionStep> stepGroups(Map<Map<String, String>, List<ConditionState>> previous,
      List<BurnRateTier> tiers, Map<Map<String, String>, MinuteSeries> seriesByGroup, double target, long nowMinute) {
    Map<Map<String, String>, MinuteSeries> series = new TreeMap<>(BurnRateConditions::compareGroups);
    seriesByGroup.forEach((group, minutes) -> series.put(sortedGroup(group), minutes));
    Map<Map<String, String>, List<ConditionState>> before = new TreeMap<>(BurnRateConditions::compareGroups);
    previous.forEach((group, states) -> before.put(sortedGroup(group), states));

    Map<Map<String, String>, List<ConditionState>> evaluated = new TreeMap<>(BurnRateConditions::compareGroups);
    series.keySet().forEach(group -> evaluated.put(group, before.getOrDefault(group, List.of())));
    before.forEach((group, states) -> {
      if (!series.containsKey(group) && states.stream().anyMatch(ConditionState::holding)) {
        evaluated.put(group, states);
      }
    });

    MinuteSeries noData = new MinuteSeries(nowMinute, 0);
    Map<Map<String, String>, ConditionStep> steps = new LinkedHashMap<>();
    evaluated.forEach((group, states) -> {
      try {
        steps.put(group, step(states, tiers, series.getOrDefault(group, noData), target, nowMinute));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("group " + group + ": " + e.getMessage(), e);
      }
    });
    return Collections.unmodifiableMap(steps);
  }

  private static ConditionState advance(ConditionState before, BurnRateTier tier, BurnRateCondition.Evaluation evaluation, Instant now,
      List<StateTransition> transitions) {
    State previousState = before == null ? State.INACTIVE : before.state();
    Instant previousSince = before == null ? now : before.since();
    Optional<Instant> resolvedAt = before == null ? Optional.empty() : before.resolvedAt();
    State next;
    Optional<Instant> activeSince;
    if (evaluation.holds()) {
      activeSince = previousState == State.INACTIVE ? Optional.of(now) : before.activeSince();
      boolean heldLongEnough = Duration.between(activeSince.get(), now).compareTo(tier.alertAfter()) >= 0;
      next = previousState == State.FIRING || heldLongEnough ? State.FIRING : State.PENDING;
    } else {
      activeSince = Optional.empty();
      next = State.INACTIVE;
      if (previousState == State.FIRING) {
        resolvedAt = Optional.of(now);
      }
    }
    Instant since = next == previousState ? previousSince : now;
    if (next != previousState) {
      transitions.add(new StateTransition(tier.name(), tier.severity(), previousState, next, now, evaluation.shortBurnRate(),
          evaluation.longBurnRate(), tier.factor()));
    }
    return new ConditionState(tier.name(), tier.severity(), next, since, activeSince, evaluation.shortBurnRate(),
        evaluation.longBurnRate(), tier.factor(), now, resolvedAt);
  }

  private static Map<String, String> sortedGroup(Map<String, String> group) {
    return Collections.unmodifiableMap(new TreeMap<>(group));
  }

  /** Orders groups (sorted maps) by their labels, name then value, label by label. */
  private static int compareGroups(Map<String, String> left, Map<String, String> right) {
    var leftLabels = left.entrySet().iterator();
    var rightLabels = right.entrySet().iterator();
    while (leftLabels.hasNext() && rightLabels.hasNext()) {
      Map.Entry<String, String> l = leftLabels.next();
      Map.Entry<String, String> r = rightLabels.next();
      int byName = l.getKey().compareTo(r.getKey());
      if (byName != 0) {
        return byName;
      }
      int byValue = l.getValue().compareTo(r.getValue());
      if (byValue != 0) {
        return byValue;
      }
    }
    return Boolean.compare(leftLabels.hasNext(), rightLabels.hasNext());
  }
}
