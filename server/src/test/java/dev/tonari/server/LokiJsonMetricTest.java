package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LokiJsonMetricTest {
  @Test
  void valuesAreGoShortestDecimalsWithoutExponent() {
    assertThat(LokiJson.goFloat(2)).isEqualTo("2");
    assertThat(LokiJson.goFloat(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(LokiJson.goFloat(1e21)).isEqualTo("1000000000000000000000");
    assertThat(LokiJson.goFloat(1.5e-7)).isEqualTo("0.00000015");
    assertThat(LokiJson.goFloat(-0.0)).isEqualTo("-0");
    assertThat(LokiJson.goFloat(Double.NaN)).isEqualTo("NaN");
    assertThat(LokiJson.goFloat(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(LokiJson.goFloat(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
  }

  @Test
  void timestampsAreSecondsWithMillisecondPrecision() {
    assertThat(LokiJson.unixSeconds(1_700_000_000_000_000_000L)).isEqualTo("1700000000");
    assertThat(LokiJson.unixSeconds(1_700_000_000_500_000_000L)).isEqualTo("1700000000.5");
    assertThat(LokiJson.unixSeconds(1_700_000_000_123_999_999L)).isEqualTo("1700000000.123");
  }

  @Test
  void defaultStepDividesTheRangeIn250WholeSeconds() throws Exception {
    long hour = 3600L * 1_000_000_000L;
    assertThat(QueryHandlers.step(null, new QueryHandlers.TimeRange(0, hour))).isEqualTo(14L * 1_000_000_000L);
    assertThat(QueryHandlers.step("", new QueryHandlers.TimeRange(0, 60L * 1_000_000_000L))).isEqualTo(1_000_000_000L);
    assertThat(QueryHandlers.step("1.5", new QueryHandlers.TimeRange(0, hour))).isEqualTo(1_500_000_000L);
    assertThat(QueryHandlers.step("5m", new QueryHandlers.TimeRange(0, hour))).isEqualTo(300L * 1_000_000_000L);
  }
}
