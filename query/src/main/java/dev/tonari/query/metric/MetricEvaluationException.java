package dev.tonari.query.metric;

/**
 * A metric query that cannot be answered for a reason of its data or shape (duplicate series in a
 * one-to-one match, a pipeline error left unfiltered, too many series): Loki answers these with 400.
 */
public final class MetricEvaluationException extends Exception {
  private static final long serialVersionUID = 1L;

  public MetricEvaluationException(String message) {
    super(message);
  }
}
