package dev.tonari.query;

import java.time.Duration;

/**
 * Per-query bounds, named after Loki's {@code limits_config} keys.
 *
 * @param maxEntriesLimitPerQuery largest {@code limit} a log query may ask for ({@code max_entries_limit_per_query})
 * @param maxQueryLength longest {@code end - start} of a query; zero disables the check ({@code max_query_length})
 */
public record QueryLimits(int maxEntriesLimitPerQuery, Duration maxQueryLength) {
  public QueryLimits {
    if (maxEntriesLimitPerQuery <= 0) {
      throw new IllegalArgumentException("max_entries_limit_per_query must be positive, got " + maxEntriesLimitPerQuery);
    }
    if (maxQueryLength == null || maxQueryLength.isNegative()) {
      throw new IllegalArgumentException("max_query_length must be zero (no limit) or positive, got " + maxQueryLength);
    }
  }

  /** Loki's defaults: 5000 entries, 721h. */
  public static QueryLimits defaults() {
    return new QueryLimits(5000, Duration.ofHours(721));
  }
}
