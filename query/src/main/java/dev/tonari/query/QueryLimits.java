package dev.tonari.query;

import java.time.Duration;

/**
 * Per-query bounds, named after Loki's {@code limits_config} keys.
 *
 * @param maxEntriesLimitPerQuery largest {@code limit} a log query may ask for ({@code max_entries_limit_per_query})
 * @param maxQueryLength longest {@code end - start} of a query; zero disables the check ({@code max_query_length})
 * @param maxQuerySeries most series a metric query may return ({@code max_query_series})
 */
public record QueryLimits(int maxEntriesLimitPerQuery, Duration maxQueryLength, int maxQuerySeries) {
  /** Loki's default {@code max_query_series}. */
  public static final int DEFAULT_MAX_QUERY_SERIES = 500;

  public QueryLimits(int maxEntriesLimitPerQuery, Duration maxQueryLength) {
    this(maxEntriesLimitPerQuery, maxQueryLength, DEFAULT_MAX_QUERY_SERIES);
  }

  public QueryLimits {
    if (maxQuerySeries <= 0) {
      throw new IllegalArgumentException("max_query_series must be positive, got " + maxQuerySeries);
    }
    if (maxEntriesLimitPerQuery <= 0) {
      throw new IllegalArgumentException("max_entries_limit_per_query must be positive, got " + maxEntriesLimitPerQuery);
    }
    if (maxQueryLength == null || maxQueryLength.isNegative()) {
      throw new IllegalArgumentException("max_query_length must be zero (no limit) or positive, got " + maxQueryLength);
    }
  }

  /** Loki's defaults: 5000 entries, 721h, 500 series. */
  public static QueryLimits defaults() {
    return new QueryLimits(5000, Duration.ofHours(721), DEFAULT_MAX_QUERY_SERIES);
  }
}
