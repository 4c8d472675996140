package dev.tonari.slo.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SliSourcesTest {

  /** A source that records the SLOs it was asked for and answers one minute of {@code bad} bad events. */
  private static final class RecordingSource implements SliSource {
    final List<String> asked = new ArrayList<>();
    final double bad;

    RecordingSource(double bad) {
      this.bad = bad;
    }

    @Override
    public Map<Map<String, String>, MinuteSeries> evaluate(String tenant, SloSpec spec, long fromMinute, long toMinute) {
      asked.add(tenant + "/" + spec.id());
      MinuteSeries series = new MinuteSeries(fromMinute, (int) (toMinute - fromMinute));
      series.set(fromMinute, bad, 10);
      return Map.of(Map.of(), series);
    }
  }

  private final RecordingSource logql = new RecordingSource(1);
  private final RecordingSource promql = new RecordingSource(2);
  private final SliSources sources = new SliSources(logql, promql);

  @Test
  void picksTheSourceByTheLanguageOfTheQueries() throws Exception {
    SloSpec fromLogs = Specs.logqlErrors("sum(count_over_time({a=\"b\"} |= \"x\" [{{.window}}]))", "sum(count_over_time({a=\"b\"}[{{.window}}]))");
    SloSpec fromMetrics = Specs.promqlErrors("sum(rate(x{code=\"500\"}[{{.window}}]))", "sum(rate(x[{{.window}}]))");
    SloSpec threshold = Specs.of(new Indicator.Threshold(SliQuery.promql("max(latency)", Optional.empty()), Indicator.Operator.LT, 1), List.of());

    assertThat(sources.evaluate("t", fromLogs, 100, 101).get(Map.of()).bad(100)).isEqualTo(1);
    assertThat(sources.evaluate("t", fromMetrics, 100, 101).get(Map.of()).bad(100)).isEqualTo(2);
    sources.evaluate("t", threshold, 100, 101);

    assertThat(logql.asked).containsExactly("t/api-requests");
    assertThat(promql.asked).containsExactly("t/api-requests", "t/api-requests");
  }

  @Test
  void mixedLanguagesAreRefusedNamingBothQueries() {
    Indicator mixed = new Indicator.Ratio(SliQuery.logql("sum(count_over_time({a=\"b\"} |= \"x\" [{{.window}}]))"),
        SliQuery.promql("sum(rate(x[{{.window}}]))", Optional.empty()), false);

    assertThatThrownBy(() -> SliSources.checkOneLanguage(mixed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is LOGQL and sum(rate(x[{{.window}}])) is PROMQL");
    assertThatThrownBy(() -> sources.evaluate("t", Specs.of(mixed, List.of()), 100, 101))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("tenant t, SLO api-requests: the queries of one indicator must be of one language");
    assertThat(logql.asked).isEmpty();
    assertThat(promql.asked).isEmpty();
  }
}
