package dev.tonari.rules.eval;

import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.rules.model.RuleSource;
import java.util.Optional;

/**
 * A rule source some of whose namespaces are evaluated by an evaluator of their own instead of
 * LogQL, such as the SLO burn-rate rules (Sloth's PromQL, answered from the SLO rollups). The
 * ruler still applies its own {@code for}, {@code keep_firing_for}, templates, sending and state
 * to their results, so every rule goes through one delivery path.
 */
public interface EvaluatingRuleSource extends RuleSource {
  /** The querier for the expressions of {@code namespace} of {@code tenant}; empty to use LogQL. */
  Optional<InstantQuerier> querierFor(String tenant, RuleNamespace namespace);
}
