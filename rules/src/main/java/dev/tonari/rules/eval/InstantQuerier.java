package dev.tonari.rules.eval;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Evaluates rule expressions as instant queries of one tenant's data. The ruler's LogQL
 * implementation is {@link LogqlQuerier}; a namespace with its own evaluator (the SLO rules) brings
 * another through {@link EvaluatingRuleSource}.
 */
public interface InstantQuerier {
  /**
   * The instant vector of {@code expr} at {@code at}, over {@code tenant}'s data only. A scalar
   * result is one sample without labels, as Prometheus' rule engine makes it.
   *
   * @throws RuleQueryException with the reason, which becomes the rule's {@code lastError}
   */
  List<Sample> evaluate(String tenant, String expr, Instant at) throws RuleQueryException;

  /**
   * A querier for one evaluation cycle: the given expressions of {@code tenant} are about to be
   * evaluated at {@code at}, so that an implementation may share work between them (read a stream
   * selector once for every rule that uses it). The returned querier is used for that cycle only,
   * by its groups at once (the groups of a cycle run concurrently), so it must be thread-safe. The
   * default shares nothing.
   */
  default InstantQuerier forCycle(String tenant, Instant at, Collection<String> expressions) {
    return this;
  }
}
