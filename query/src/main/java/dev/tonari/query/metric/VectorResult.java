package dev.tonari.query.metric;

import dev.tonari.query.QueryStatistics;
import java.util.List;

/**
 * {@code resultType: vector}: the samples of an instant query, ordered by labels, or by value
 * when the query's outermost operation is {@code sort}, {@code sort_desc}, {@code topk} or {@code bottomk}.
 */
public record VectorResult(List<VectorSample> samples, QueryStatistics statistics) implements MetricResult {
  public VectorResult {
    samples = List.copyOf(samples);
  }
}
