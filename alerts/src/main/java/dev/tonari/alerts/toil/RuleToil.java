package dev.tonari.alerts.toil;

import java.util.List;
import java.util.Objects;

/**
 * One rule's share of the toil, with what to change about it.
 *
 * @param severity the severity of its latest episode
 * @param episodes its fired episodes
 */
public record RuleToil(String namespace, String group, String rule, Severity severity, int episodes, int pages, int flapping, int noise,
    int acknowledged, DurationSummary timeToResolve, List<Suggestion> suggestions) {
  public RuleToil {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(timeToResolve, "timeToResolve");
    suggestions = List.copyOf(suggestions);
  }
}
