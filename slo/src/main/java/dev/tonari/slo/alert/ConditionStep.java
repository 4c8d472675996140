package dev.tonari.slo.alert;

import java.util.List;

/**
 * The outcome of evaluating every condition of one SLO series at one minute: the new states, in
 * tier order, to keep for the next step, and the transitions that happened, for the alert history.
 */
public record ConditionStep(List<ConditionState> states, List<StateTransition> transitions) {
  public ConditionStep {
    states = List.copyOf(states);
    transitions = List.copyOf(transitions);
  }
}
