package dev.tonari.store.engine;

import dev.tonari.store.Labels;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How long one tenant's streams are kept, as Loki's {@code retention_period} and {@code
 * retention_stream}: a tenant-wide period and rules that give matching streams their own period.
 * A zero period keeps entries forever.
 *
 * <p>The effective period of a stream is that of the matching rule with the highest priority;
 * between matching rules of equal priority the longer period wins (as the tenancy module
 * documents), so that a tie never deletes data some rule meant to keep. A stream no rule matches
 * gets the tenant-wide period.
 *
 * @param period the tenant-wide retention (zero: keep forever)
 * @param streamRules per-stream rules; order does not matter for the result
 */
public record RetentionPolicy(Duration period, List<StreamRule> streamRules) {
  public RetentionPolicy {
    Objects.requireNonNull(period, "period");
    if (period.isNegative()) {
      throw new IllegalArgumentException("retention period must not be negative, got " + period);
    }
    streamRules = List.copyOf(streamRules);
  }

  /** A tenant-wide period with no per-stream rules. */
  public static RetentionPolicy of(Duration period) {
    return new RetentionPolicy(period == null || period.isNegative() ? Duration.ZERO : period, List.of());
  }

  /**
   * Streams matching {@code selector} are kept for {@code period} (zero: forever).
   *
   * @param description the selector's text, for logs and errors
   */
  public record StreamRule(String description, Predicate<Labels> selector, Duration period, int priority) {
    public StreamRule {
      Objects.requireNonNull(selector, "selector of retention rule " + description);
      if (period == null || period.isNegative()) {
        throw new IllegalArgumentException("retention period of stream rule " + description + " must not be negative, got " + period);
      }
    }
  }

  /** The effective period of one stream (zero: keep forever). */
  public Duration periodFor(Labels labels) {
    StreamRule chosen = null;
    for (StreamRule rule : streamRules) {
      if (chosen != null && rule.priority() < chosen.priority()) {
        continue;
      }
      if (!rule.selector().test(labels)) {
        continue;
      }
      if (chosen == null
          || rule.priority() > chosen.priority()
          || (rule.priority() == chosen.priority() && keepsLonger(rule.period(), chosen.period()))) {
        chosen = rule;
      }
    }
    return chosen == null ? period : chosen.period();
  }

  /**
   * The oldest timestamp (nanoseconds) a stream keeps at {@code nowNanos}; entries before it are
   * past retention. {@link Long#MIN_VALUE} when the stream is kept forever.
   */
  public long cutoffNanos(Labels labels, long nowNanos) {
    Duration streamPeriod = periodFor(labels);
    if (streamPeriod.isZero()) {
      return Long.MIN_VALUE;
    }
    // Periods beyond a few centuries would overflow nanoseconds; they keep everything anyway.
    if (streamPeriod.compareTo(Duration.ofDays(100_000)) > 0) {
      return Long.MIN_VALUE;
    }
    return nowNanos - streamPeriod.toNanos();
  }

  /** True when nothing under this policy is ever deleted. */
  public boolean keepsEverything() {
    if (!period.isZero()) {
      return false;
    }
    for (StreamRule rule : streamRules) {
      if (!rule.period().isZero()) {
        return false;
      }
    }
    return true;
  }

  /** Zero is forever, hence longer than any other period. */
  private static boolean keepsLonger(Duration candidate, Duration current) {
    if (current.isZero()) {
      return false;
    }
    return candidate.isZero() || candidate.compareTo(current) > 0;
  }
}
