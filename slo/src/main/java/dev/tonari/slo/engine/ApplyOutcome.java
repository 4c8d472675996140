package dev.tonari.slo.engine;

import dev.tonari.tenancy.config.ConfigProblem;
import java.util.List;

/** The answer to applying a YAML body of SLO specs through the API; nothing changes unless {@link Applied}. */
public sealed interface ApplyOutcome {
  /** Every SLO of the body is stored; ids new to the tenant are {@code created}, the others {@code replaced}. */
  record Applied(List<String> created, List<String> replaced) implements ApplyOutcome {}

  /** The body is not valid: every problem with its line and column (400). */
  record Rejected(List<ConfigProblem> problems) implements ApplyOutcome {}

  /** An id of the body is defined by a file in the SLO directory, which is the source of truth for it (409). */
  record Conflict(String message) implements ApplyOutcome {}
}
