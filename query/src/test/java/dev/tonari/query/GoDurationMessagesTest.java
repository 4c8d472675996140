package dev.tonari.query;

import dev.tonari.logql.LogqlUnits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationMessagesTest {
  @Test
  void formatsLikeGo() {
    assertThat(LogqlUnits.goDurationString(Duration.ofHours(721).toNanos())).isEqualTo("721h0m0s");
    assertThat(LogqlUnits.goDurationString(Duration.ofMinutes(90).plusSeconds(1).toNanos())).isEqualTo("1h30m1s");
    assertThat(LogqlUnits.goDurationString(Duration.ofMillis(1500).toNanos())).isEqualTo("1.5s");
    assertThat(LogqlUnits.goDurationString(Duration.ofMillis(250).toNanos())).isEqualTo("250ms");
    assertThat(LogqlUnits.goDurationString(1_500)).isEqualTo("1.5µs");
    assertThat(LogqlUnits.goDurationString(42)).isEqualTo("42ns");
    assertThat(LogqlUnits.goDurationString(0)).isEqualTo("0s");
    assertThat(LogqlUnits.goDurationString(Duration.ofHours(722).plusNanos(1).toNanos())).isEqualTo("722h0m0.000000001s");
  }
}
