package dev.tonari.query.metric;

import dev.tonari.query.QueryStatistics;
import java.util.List;

/** {@code resultType: matrix}: series ordered by labels, each with its points at the steps where it has a value. */
public record MatrixResult(List<Series> series, QueryStatistics statistics) implements MetricResult {
  public MatrixResult {
    series = List.copyOf(series);
  }
}
