package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.tenancy.config.LokiUnits;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class LokiUnitsTest {
  @Test
  void durationsInPrometheusAndGoSyntax() {
    assertThat(LokiUnits.parseDuration("168h")).isEqualTo(Duration.ofHours(168));
    assertThat(LokiUnits.parseDuration("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(LokiUnits.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(LokiUnits.parseDuration("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(LokiUnits.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(LokiUnits.parseDuration("1w")).isEqualTo(Duration.ofDays(7));
    assertThat(LokiUnits.parseDuration("1y")).isEqualTo(Duration.ofDays(365));
    assertThat(LokiUnits.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(LokiUnits.parseDuration("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void badDurationsSayWhatIsExpected() {
    for (String bad : new String[] {"", "h", "10", "10x", "1h-5m", "abc"}) {
      assertThatThrownBy(() -> LokiUnits.parseDuration(bad)).hasMessageContaining("invalid duration").hasMessageContaining("168h");
    }
  }

  @Test
  void sizesAsGoHumanizeParsesThem() {
    assertThat(LokiUnits.parseBytes("256KB")).isEqualTo(256_000);
    assertThat(LokiUnits.parseBytes("256KiB")).isEqualTo(262_144);
    assertThat(LokiUnits.parseBytes("1MB")).isEqualTo(1_000_000);
    assertThat(LokiUnits.parseBytes("1MiB")).isEqualTo(1_048_576);
    assertThat(LokiUnits.parseBytes("1 mib")).isEqualTo(1_048_576);
    assertThat(LokiUnits.parseBytes("1.5GB")).isEqualTo(1_500_000_000L);
    assertThat(LokiUnits.parseBytes("262144")).isEqualTo(262_144);
    assertThatThrownBy(() -> LokiUnits.parseBytes("12 parsecs")).hasMessageContaining("invalid size \"12 parsecs\"");
  }

  @Property
  void formattedDurationsParseBack(@ForAll @LongRange(min = 0, max = 10_000_000) long millis) {
    Duration duration = Duration.ofMillis(millis);
    assertThat(LokiUnits.parseDuration(LokiUnits.formatDuration(duration))).isEqualTo(duration);
  }
}
