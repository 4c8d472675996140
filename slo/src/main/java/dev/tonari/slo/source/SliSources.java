package dev.tonari.slo.source;

import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one {@link SliSource} the rollups call: sends each SLO to the LogQL or the PromQL source by
 * the language of its indicator's queries.
 *
 * <p>Both queries of a ratio must be of one language: a bad/total ratio of log lines over request
 * counters mixes events of two different things. Spec loading and {@code tonari lint} refuse such
 * a spec with {@link #checkOneLanguage}; one that arrives here anyway (built in code) is an
 * {@link SliUnavailableException} for its minutes rather than a crash of the evaluation loop.
 */
public final class SliSources implements SliSource {
  private final SliSource logql;
  private final SliSource promql;

  public SliSources(SliSource logql, SliSource promql) {
    this.logql = Objects.requireNonNull(logql, "logql");
    this.promql = Objects.requireNonNull(promql, "promql");
  }

  @Override
  public Map<Map<String, String>, MinuteSeries> evaluate(String tenant, SloSpec spec, long fromMinute, long toMinute)
      throws SliUnavailableException {
    SliQuery.QueryLanguage language;
    try {
      language = checkOneLanguage(spec.indicator());
    } catch (IllegalArgumentException e) {
      throw new SliUnavailableException("tenant " + tenant + ", SLO " + spec.id() + ": " + e.getMessage(), e);
    }
    return switch (language) {
      case LOGQL -> logql.evaluate(tenant, spec, fromMinute, toMinute);
      case PROMQL -> promql.evaluate(tenant, spec, fromMinute, toMinute);
    };
  }

  /**
   * The language of all the indicator's queries.
   *
   * @throws IllegalArgumentException when its queries are of different languages, with a message
   *     naming both
   */
  public static SliQuery.QueryLanguage checkOneLanguage(Indicator indicator) {
    List<SliQuery> queries = queriesOf(indicator);
    SliQuery.QueryLanguage language = queries.get(0).language();
    for (SliQuery query : queries) {
      if (query.language() != language) {
        throw new IllegalArgumentException("the queries of one indicator must be of one language, but " + queries.get(0).template() + " is "
            + language + " and " + query.template() + " is " + query.language());
      }
    }
    return language;
  }

  /** The indicator's queries: counted then total for a ratio, the one query otherwise. */
  public static List<SliQuery> queriesOf(Indicator indicator) {
    return switch (indicator) {
      case Indicator.Ratio ratio -> List.of(ratio.counted(), ratio.total());
      case Indicator.RawErrorRatio raw -> List.of(raw.errorRatio());
      case Indicator.Threshold threshold -> List.of(threshold.metric());
    };
  }
}
