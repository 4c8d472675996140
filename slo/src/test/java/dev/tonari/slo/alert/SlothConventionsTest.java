package dev.tonari.slo.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class SlothConventionsTest {

  @Test
  void durationsAreSpelledAsPrometheusSpellsThem() {
    assertThat(SlothConventions.promDuration(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(SlothConventions.promDuration(Duration.ofMinutes(30))).isEqualTo("30m");
    assertThat(SlothConventions.promDuration(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(SlothConventions.promDuration(Duration.ofHours(6))).isEqualTo("6h");
    assertThat(SlothConventions.promDuration(Duration.ofDays(1))).isEqualTo("1d");
    assertThat(SlothConventions.promDuration(Duration.ofDays(3))).isEqualTo("3d");
    assertThat(SlothConventions.promDuration(Duration.ofDays(30))).isEqualTo("30d");
    // Weeks and years only when exact, as Prometheus' model.Duration prints them (Sloth's 28d SLOs
    // record slo:sli_error:ratio_rate4w).
    assertThat(SlothConventions.promDuration(Duration.ofDays(28))).isEqualTo("4w");
    assertThat(SlothConventions.promDuration(Duration.ofDays(7))).isEqualTo("1w");
    assertThat(SlothConventions.promDuration(Duration.ofDays(365))).isEqualTo("1y");
    assertThat(SlothConventions.promDuration(Duration.ofDays(90))).isEqualTo("90d");
    assertThat(SlothConventions.promDuration(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(SlothConventions.promDuration(Duration.ofMillis(1500))).isEqualTo("1s500ms");
    assertThat(SlothConventions.promDuration(Duration.ZERO)).isEqualTo("0s");
    assertThat(SlothConventions.sliErrorMetric(Duration.ofDays(28))).isEqualTo("slo:sli_error:ratio_rate4w");
  }

  @Test
  void numbersAreSpelledAsGoPercentG() {
    assertThat(SlothConventions.goFloat((100 - 99.9) / 100)).isEqualTo("0.0009999999999999432");
    assertThat(SlothConventions.goFloat(99.9 / 100)).isEqualTo("0.9990000000000001");
    assertThat(SlothConventions.goFloat(14.4)).isEqualTo("14.4");
    assertThat(SlothConventions.goFloat(6.0)).isEqualTo("6");
    assertThat(SlothConventions.goFloat(30.0)).isEqualTo("30");
    // Sloth's 28-day factors as its Go code computes them (percent x hours / 100 / window hours).
    assertThat(SlothConventions.goFloat(10 * 672.0 / 100 / 72)).isEqualTo("0.9333333333333333");
    assertThat(SlothConventions.goFloat(5 * 672.0 / 100 / 6)).isEqualTo("5.6000000000000005");
    assertThat(SlothConventions.goFloat(0.0001)).isEqualTo("0.0001");
    assertThat(SlothConventions.goFloat(0.00001)).isEqualTo("1e-05");
    assertThat(SlothConventions.goFloat(100000.0)).isEqualTo("100000");
    assertThat(SlothConventions.goFloat(1234567.0)).isEqualTo("1.234567e+06");
    assertThat(SlothConventions.goFloat(-2.5)).isEqualTo("-2.5");
    assertThat(SlothConventions.goFloat(Double.NaN)).isEqualTo("NaN");
    assertThat(SlothConventions.goFloat(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(SlothConventions.plainDecimal(99.9)).isEqualTo("99.9");
    assertThat(SlothConventions.plainDecimal(100.0)).isEqualTo("100");
    assertThat(SlothConventions.plainDecimal(0.00001)).isEqualTo("0.00001");
  }

  @Property
  void goFloatReadsBackAsTheSameDouble(@ForAll double value) {
    if (Double.isFinite(value)) {
      assertThat(Double.parseDouble(SlothConventions.goFloat(value))).isEqualTo(value);
      assertThat(Double.parseDouble(SlothConventions.plainDecimal(value))).isEqualTo(value);
    }
  }

  @Property
  void theObjectivePercentIsRecoveredFromEitherSpellingOfTheRatio(@ForAll @DoubleRange(min = 1, max = 100) double percentDrawn) {
    double percent = Math.round(percentDrawn * 1000) / 1000.0;
    assertThat(SlothConventions.objectivePercent(percent / 100)).isEqualTo(percent);
    // A parser that reads "99.9" and shifts the decimal point gets 0.999, not 99.9 / 100.
    double shifted = new java.math.BigDecimal(Double.toString(percent)).movePointLeft(2).doubleValue();
    assertThat(SlothConventions.objectivePercent(shifted)).isEqualTo(percent);
  }

  @Test
  void objectiveFiguresMatchSlothsForNinetyNinePointNine() {
    assertThat(SlothConventions.objectiveLabel(0.999)).isEqualTo("99.9");
    assertThat(SlothConventions.objectiveRatio(0.999)).isEqualTo(0.9990000000000001);
    assertThat(SlothConventions.alertErrorBudgetRatio(0.999)).isEqualTo(0.0009999999999999432);
    assertThat(SlothConventions.alertErrorBudgetRatio(99.95 / 100)).isEqualTo(0.0004999999999999716);
  }

  @Test
  void selectorsSortAndEscapeLikePrometheusLabelSets() {
    assertThat(SlothConventions.promqlSelector(Map.of("sloth_slo", "b", "sloth_id", "a\"\\\nz")))
        .isEqualTo("{sloth_id=\"a\\\"\\\\\\nz\", sloth_slo=\"b\"}");
  }

  @Test
  void negativeDurationsAreRefused() {
    assertThatThrownBy(() -> SlothConventions.promDuration(Duration.ofMinutes(-1))).hasMessageContaining("negative");
  }
}
