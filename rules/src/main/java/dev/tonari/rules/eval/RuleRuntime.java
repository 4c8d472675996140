package dev.tonari.rules.eval;

import dev.tonari.rules.model.Rule;
import java.time.Instant;
import java.util.Optional;

/**
 * A rule as the ruler runs it: its definition and what its last evaluation left (health, last
 * error, when and how long). Guarded by the lock of its {@link GroupRuntime}.
 */
abstract sealed class RuleRuntime permits AlertingRuleRuntime, RecordingRuleRuntime {
  private RuleHealth health = RuleHealth.UNKNOWN;
  private String lastError = "";
  private Optional<Instant> lastEvaluation = Optional.empty();
  private long evaluationNanos;

  abstract Rule rule();

  final void succeeded(Instant at, long nanos) {
    health = RuleHealth.OK;
    lastError = "";
    lastEvaluation = Optional.of(at);
    evaluationNanos = nanos;
  }

  final void failed(Instant at, long nanos, String error) {
    health = RuleHealth.ERR;
    lastError = error;
    lastEvaluation = Optional.of(at);
    evaluationNanos = nanos;
  }

  final RuleHealth health() {
    return health;
  }

  final String lastError() {
    return lastError;
  }

  final Optional<Instant> lastEvaluation() {
    return lastEvaluation;
  }

  final long evaluationNanos() {
    return evaluationNanos;
  }
}
