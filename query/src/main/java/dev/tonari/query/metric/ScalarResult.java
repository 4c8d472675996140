package dev.tonari.query.metric;

import dev.tonari.query.QueryStatistics;

/** {@code resultType: scalar}: the value of a literal expression at the query's time. */
public record ScalarResult(long timestampNanos, double value, QueryStatistics statistics) implements MetricResult {}
