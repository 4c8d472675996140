package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class LokiTimeTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void integerOfAtMostTenDigitsIsSeconds() {
    assertThat(LokiTime.parseNanos("start", "1700000000")).isEqualTo(1_700_000_000L * SECOND);
    assertThat(LokiTime.parseNanos("start", "0")).isZero();
    assertThat(LokiTime.parseNanos("start", "4102444800")).isEqualTo(4_102_444_800L * SECOND);
  }

  @Test
  void longerIntegerIsNanoseconds() {
    assertThat(LokiTime.parseNanos("start", "1700000000123456789")).isEqualTo(1_700_000_000_123_456_789L);
    assertThat(LokiTime.parseNanos("start", "17000000001")).isEqualTo(17_000_000_001L);
  }

  @Test
  void floatSecondsAreRoundedToMillisecondsAsLokiDoes() {
    assertThat(LokiTime.parseNanos("time", "1700000000.5")).isEqualTo(1_700_000_000_500_000_000L);
    assertThat(LokiTime.parseNanos("time", "1700000000.123456789")).isEqualTo(1_700_000_000_123_000_000L);
    assertThat(LokiTime.parseNanos("time", "1700000000.0005")).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(LokiTime.parseNanos("time", "1700000000.0015")).isEqualTo(1_700_000_000_002_000_000L);
  }

  @Test
  void rfc3339AndRfc3339NanoWithAnyOffset() {
    assertThat(LokiTime.parseNanos("end", "2023-11-14T22:13:20Z")).isEqualTo(1_700_000_000L * SECOND);
    assertThat(LokiTime.parseNanos("end", "2023-11-14T22:13:20.123456789Z")).isEqualTo(1_700_000_000_123_456_789L);
    assertThat(LokiTime.parseNanos("end", "2023-11-15T00:13:20+02:00")).isEqualTo(1_700_000_000L * SECOND);
  }

  @Test
  void garbageNamesTheParameterAndTheForms() {
    assertThatThrownBy(() -> LokiTime.parseNanos("start", "yesterday"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid start parameter \"yesterday\"")
        .hasMessageContaining("RFC3339");
    assertThatThrownBy(() -> LokiTime.parseNanos("end", "1.2.3")).hasMessageContaining("invalid end parameter");
  }

  @Property
  void everyFormOfOneInstantGivesTheSameNanoseconds(@ForAll @LongRange(min = 1_000_000_000L, max = 4_000_000_000L) long seconds) {
    long nanos = seconds * SECOND;
    assertThat(LokiTime.parseNanos("t", Long.toString(seconds))).isEqualTo(nanos);
    assertThat(LokiTime.parseNanos("t", Long.toString(nanos))).isEqualTo(nanos);
    assertThat(LokiTime.parseNanos("t", seconds + ".000")).isEqualTo(nanos);
    assertThat(LokiTime.parseNanos("t", Instant.ofEpochSecond(seconds).toString())).isEqualTo(nanos);
  }

  @Test
  void rangeDefaultsToTheSinceWindowBeforeNow() {
    long now = 1_700_000_000L * SECOND;
    QueryHandlers.TimeRange range = QueryHandlers.range(null, null, null, Duration.ofHours(1), now);
    assertThat(range).isEqualTo(new QueryHandlers.TimeRange(now - 3600 * SECOND, now));
    assertThat(QueryHandlers.range(null, "1700000000", "10m", Duration.ofHours(1), 0))
        .isEqualTo(new QueryHandlers.TimeRange(now - 600 * SECOND, now));
    assertThat(QueryHandlers.range("1699999000", null, "10m", Duration.ofHours(1), now))
        .isEqualTo(new QueryHandlers.TimeRange(1_699_999_000L * SECOND, now));
  }

  @Test
  void endBeforeStartIsRefusedWithLokisMessage() {
    assertThatThrownBy(() -> QueryHandlers.range("1700000001", "1700000000", null, Duration.ofHours(1), 0))
        .hasMessage("end timestamp must not be before or equal to start time");
  }

  @Test
  void directionIsCaseInsensitiveAndBackwardByDefault() {
    assertThat(QueryHandlers.parseDirection(null)).isEqualTo(dev.tonari.store.Direction.BACKWARD);
    assertThat(QueryHandlers.parseDirection("FORWARD")).isEqualTo(dev.tonari.store.Direction.FORWARD);
    assertThatThrownBy(() -> QueryHandlers.parseDirection("sideways")).hasMessageContaining("sideways");
  }
}
