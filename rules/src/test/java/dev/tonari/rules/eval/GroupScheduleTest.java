package dev.tonari.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Prometheus-style slots: aligned to the interval, offset by the group's hash, so groups spread. */
class GroupScheduleTest {
  @Test
  void slotsAreAlignedOffsetAndSpread() {
    Duration interval = Duration.ofMinutes(1);
    Set<Long> offsets = new HashSet<>();
    Instant now = Instant.parse("2026-01-05T10:00:17.250Z");
    for (int i = 0; i < 200; i++) {
      GroupKey key = new GroupKey("tenant-" + (i % 7), "ns", "group-" + i);
      long offset = GroupSchedule.offsetNanos(key, interval);
      assertThat(offset).isBetween(0L, interval.toNanos() - 1).isEqualTo(GroupSchedule.offsetNanos(new GroupKey(key.tenant(), key.namespace(), key.group()), interval));
      assertThat(offset % 1_000_000_000L).isZero();
      offsets.add(offset);
      Instant slot = GroupSchedule.slotAtOrBefore(key, interval, now);
      assertThat(slot).isBeforeOrEqualTo(now).isAfter(now.minus(interval));
      assertThat((slot.getEpochSecond() * 1_000_000_000L - offset) % interval.toNanos()).isZero();
      assertThat(GroupSchedule.slotAfter(key, interval, slot)).isEqualTo(slot.plus(interval));
      assertThat(GroupSchedule.slotAtOrBefore(key, interval, slot)).isEqualTo(slot);
    }
    assertThat(offsets.size()).as("distinct offsets of 200 groups over 60 seconds").isGreaterThan(40);
    GroupKey odd = new GroupKey("t", "n", "g");
    Duration sub = Duration.ofMillis(1500);
    assertThat(GroupSchedule.offsetNanos(odd, sub)).isBetween(0L, sub.toNanos() - 1);
  }
}
