package dev.tonari.query;

import java.time.Duration;

/**
 * Per-query bounds, named after Loki's {@code limits_config} keys.
 *
 * @param maxEntriesLimitPerQuery largest {@code limit} a log query may ask for ({@code max_entries_limit_per_query})
 * @param maxQueryLength longest {@code end - start} of a query; zero disables the check ({@code max_query_length})
 * @param maxQuerySeries most series a metric query, or streams a log query, may return ({@code max_query_series})
 * @param queryTimeout longest time a query may run before it is answered 504; zero disables it ({@code query_timeout})
 * @param maxQueryBytesRead most line bytes a query may scan; zero disables it ({@code max_query_bytes_read})
 * @param maxQueryMemoryBytes most bytes a metric query may hold for its series (samples in windows,
 *     per-step counters, computed points), estimated; zero disables it ({@code max_query_memory_bytes},
 *     Tonari's own: Loki bounds memory only through series and time)
 */
public record QueryLimits(
    int maxEntriesLimitPerQuery, Duration maxQueryLength, int maxQuerySeries, Duration queryTimeout, long maxQueryBytesRead, long maxQueryMemoryBytes) {
  /** Loki's default {@code max_query_series}. */
  public static final int DEFAULT_MAX_QUERY_SERIES = 500;
  /** Loki's default {@code query_timeout}. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofMinutes(1);

  public QueryLimits(int maxEntriesLimitPerQuery, Duration maxQueryLength) {
    this(maxEntriesLimitPerQuery, maxQueryLength, DEFAULT_MAX_QUERY_SERIES);
  }

  public QueryLimits(int maxEntriesLimitPerQuery, Duration maxQueryLength, int maxQuerySeries) {
    this(maxEntriesLimitPerQuery, maxQueryLength, maxQuerySeries, DEFAULT_QUERY_TIMEOUT, 0);
  }

  /** Without a memory bound. */
  public QueryLimits(int maxEntriesLimitPerQuery, Duration maxQueryLength, int maxQuerySeries, Duration queryTimeout, long maxQueryBytesRead) {
    this(maxEntriesLimitPerQuery, maxQueryLength, maxQuerySeries, queryTimeout, maxQueryBytesRead, 0);
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
    if (queryTimeout == null || queryTimeout.isNegative()) {
      throw new IllegalArgumentException("query_timeout must be zero (no limit) or positive, got " + queryTimeout);
    }
    if (maxQueryBytesRead < 0) {
      throw new IllegalArgumentException("max_query_bytes_read must be zero (no limit) or positive, got " + maxQueryBytesRead);
    }
    if (maxQueryMemoryBytes < 0) {
      throw new IllegalArgumentException("max_query_memory_bytes must be zero (no limit) or positive, got " + maxQueryMemoryBytes);
    }
  }

  /** Loki's defaults: 5000 entries, 721h, 500 series, a 1m timeout, no byte limit. */
  public static QueryLimits defaults() {
    return new QueryLimits(5000, Duration.ofHours(721), DEFAULT_MAX_QUERY_SERIES, DEFAULT_QUERY_TIMEOUT, 0);
  }

  public QueryLimits withQueryTimeout(Duration timeout) {
    return new QueryLimits(maxEntriesLimitPerQuery, maxQueryLength, maxQuerySeries, timeout, maxQueryBytesRead, maxQueryMemoryBytes);
  }

  public QueryLimits withMaxQueryBytesRead(long bytes) {
    return new QueryLimits(maxEntriesLimitPerQuery, maxQueryLength, maxQuerySeries, queryTimeout, bytes, maxQueryMemoryBytes);
  }

  public QueryLimits withMaxQuerySeries(int series) {
    return new QueryLimits(maxEntriesLimitPerQuery, maxQueryLength, series, queryTimeout, maxQueryBytesRead, maxQueryMemoryBytes);
  }

  public QueryLimits withMaxQueryMemoryBytes(long bytes) {
    return new QueryLimits(maxEntriesLimitPerQuery, maxQueryLength, maxQuerySeries, queryTimeout, maxQueryBytesRead, bytes);
  }
}
