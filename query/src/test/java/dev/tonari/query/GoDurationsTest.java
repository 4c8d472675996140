package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationsTest {
  @Test
  void formatsLikeGo() {
    assertThat(GoDurations.format(Duration.ofHours(721).toNanos())).isEqualTo("721h0m0s");
    assertThat(GoDurations.format(Duration.ofMinutes(90).plusSeconds(1).toNanos())).isEqualTo("1h30m1s");
    assertThat(GoDurations.format(Duration.ofMillis(1500).toNanos())).isEqualTo("1.5s");
    assertThat(GoDurations.format(Duration.ofMillis(250).toNanos())).isEqualTo("250ms");
    assertThat(GoDurations.format(1_500)).isEqualTo("1.5µs");
    assertThat(GoDurations.format(42)).isEqualTo("42ns");
    assertThat(GoDurations.format(0)).isEqualTo("0s");
    assertThat(GoDurations.format(Duration.ofHours(722).plusNanos(1).toNanos())).isEqualTo("722h0m0.000000001s");
  }
}
