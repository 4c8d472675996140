package dev.tonari.slo.source;

import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import java.util.Map;

/**
 * Where an SLO's events come from: evaluates the spec's indicator once per UTC minute over a range
 * of minutes and returns, per group (the values of the spec's {@code group_by} labels; one empty
 * map when it has none), the bad and total events of every minute. A minute the source has no
 * events for stays without data (neither good nor bad).
 *
 * <p>Implementations: {@code LogQlSliSource} over the tenant's own logs, {@code PrometheusSliSource}
 * against a Prometheus-compatible HTTP API, and {@code SliSources} that picks one by the query's
 * language.
 */
public interface SliSource {

  /**
   * @param tenant the tenant whose data is read (a LogQL source reads only this tenant's logs)
   * @param fromMinute first epoch minute, inclusive
   * @param toMinute last epoch minute, exclusive; at most {@link #MAX_MINUTES_PER_CALL} after from
   * @throws SliUnavailableException when the data cannot be read now (Prometheus down or slow, a
   *     query limit hit): the caller marks those minutes "no data" and retries later
   */
  Map<Map<String, String>, MinuteSeries> evaluate(String tenant, SloSpec spec, long fromMinute, long toMinute)
      throws SliUnavailableException;

  /** The widest range one call takes; a backfill goes in chunks of this (7 days). */
  int MAX_MINUTES_PER_CALL = 7 * 24 * 60;
}
