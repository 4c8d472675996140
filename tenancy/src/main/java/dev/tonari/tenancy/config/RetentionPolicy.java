package dev.tonari.tenancy.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How long a tenant's entries are kept: a tenant-wide period, and per-stream rules as Loki's
 * {@code retention_stream}. A zero period keeps everything.
 *
 * @param period the tenant-wide retention ({@code retention.period})
 * @param streamRules rules in file order
 */
public record RetentionPolicy(Duration period, List<StreamRule> streamRules) {
  public RetentionPolicy {
    Objects.requireNonNull(period, "period");
    if (period.isNegative()) {
      throw new IllegalArgumentException("retention period must not be negative, got " + period);
    }
    streamRules = List.copyOf(streamRules);
  }

  /** Loki's example default for a single node: 744h (31 days). */
  public static RetentionPolicy defaults() {
    return new RetentionPolicy(Duration.ofHours(744), List.of());
  }

  /**
   * One {@code retention_stream} entry: streams matching {@code selector} are kept for {@code
   * period}; when several rules match, the highest {@code priority} wins, as in Loki.
   */
  public record StreamRule(String selector, Duration period, int priority) {
    public StreamRule {
      Objects.requireNonNull(selector, "selector");
      if (period == null || period.isNegative()) {
        throw new IllegalArgumentException("retention_stream period must not be negative, got " + period);
      }
    }
  }

  /**
   * The period for one stream. {@code matches} tells whether the stream matches a rule's
   * selector (the caller compiles selectors with LogQL; tenancy does not depend on it). Highest
   * priority wins; between rules of equal priority the longer period wins, so that a tie never
   * deletes data someone meant to keep.
   */
  public Duration periodFor(Predicate<String> matches) {
    StreamRule chosen = null;
    for (StreamRule rule : streamRules) {
      if (!matches.test(rule.selector())) {
        continue;
      }
      if (chosen == null || rule.priority() > chosen.priority()
          || (rule.priority() == chosen.priority() && rule.period().compareTo(chosen.period()) > 0)) {
        chosen = rule;
      }
    }
    return chosen == null ? period : chosen.period();
  }
}
