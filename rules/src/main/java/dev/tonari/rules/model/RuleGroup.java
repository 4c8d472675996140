package dev.tonari.rules.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule group: rules evaluated one after the other at the same instant, every {@code interval}.
 *
 * @param name unique within its namespace
 * @param interval {@code interval}; empty takes the ruler's {@code evaluation_interval}
 * @param limit {@code limit}: an alerting rule yielding more alerts, or a recording rule more
 *     series, fails its evaluation; 0 is no limit
 * @param rules in evaluation order
 */
public record RuleGroup(String name, Optional<Duration> interval, int limit, List<Rule> rules) {
  public RuleGroup {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(interval, "interval");
    if (limit < 0) {
      throw new IllegalArgumentException("group " + name + ": limit must not be negative, got " + limit);
    }
    interval.ifPresent(value -> {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("group " + name + ": interval must be positive, got " + value);
      }
    });
    rules = List.copyOf(rules);
  }
}
