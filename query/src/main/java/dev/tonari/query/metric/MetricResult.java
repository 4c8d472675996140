package dev.tonari.query.metric;

import dev.tonari.query.QueryStatistics;

/**
 * The answer to a metric query, in the three shapes of Loki's API: a matrix (range queries), a
 * vector or a scalar (instant queries).
 */
public sealed interface MetricResult permits MatrixResult, VectorResult, ScalarResult {
  QueryStatistics statistics();
}
