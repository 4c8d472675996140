package dev.tonari.slo.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.slo.model.SliQuery.QueryLanguage;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SliQueriesTest {
  private static Object languageOf(String query) {
    return switch (SliQueries.check(query, SliQueries.Forced.DETECT, Optional.empty())) {
      case SliQueries.Checked.Valid valid -> valid.query().language();
      case SliQueries.Checked.Refused refused -> refused.message();
    };
  }

  @Test
  void logqlMetricQueriesAreLogqlAndPromqlIsPromql() {
    assertThat(languageOf("sum(count_over_time({app=\"api\"} | logfmt | status>=500 [{{.window}}]))")).isEqualTo(QueryLanguage.LOGQL);
    assertThat(languageOf("sum(rate({app=\"api\"}[{{ .window }}])) by (pod)")).isEqualTo(QueryLanguage.LOGQL);
    assertThat(languageOf("sum(rate(http_requests_total{code=~\"(5..|429)\"}[{{.window}}]))")).isEqualTo(QueryLanguage.PROMQL);
    assertThat(languageOf("sum(rate({__name__=~\"http_.*\"}[{{.window}}]))")).isEqualTo(QueryLanguage.PROMQL);
    assertThat(languageOf("histogram_quantile(0.99, sum by (le) (rate(x_bucket[{{.window}}])))")).isEqualTo(QueryLanguage.PROMQL);
  }

  @Test
  void logqlLookingQueriesThatDoNotParseAreRefused() {
    assertThat(languageOf("{app=\"api\"} |= \"error\"")).isEqualTo("not a valid LogQL metric query: parse error : only sample expression supported");
    assertThat(languageOf("sum(count_over_time({app=\"api\"} | logfmt | [{{.window}}]))")).asString().startsWith("not a valid LogQL metric query: parse error at line 1, col 44:");
  }

  @Test
  void forcedLogqlRefusesPromql() {
    assertThat(SliQueries.check("sum(rate(x[5m]))", SliQueries.Forced.LOGQL, Optional.empty())).isInstanceOf(SliQueries.Checked.Refused.class);
  }

  @Test
  void promqlLightCheckFindsUnbalancedBracketsAndStrings() {
    assertThat(SliQueries.promqlProblem("sum(rate(x[5m])")).contains("'(' at line 1, col 4 of the query is not closed");
    assertThat(SliQueries.promqlProblem("sum(rate(x[5m)))")).contains("')' at line 1, col 14 of the query does not match '[' at line 1, col 11 of the query");
    assertThat(SliQueries.promqlProblem("x{a=\"b}")).contains("the string opened with \" at line 1, col 5 of the query is not closed");
    assertThat(SliQueries.promqlProblem("x{a=\"(\"}")).isEmpty();
    assertThat(SliQueries.promqlProblem("  ")).contains("the query is empty");
  }
}
