package dev.tonari.rules.eval;

import java.time.Duration;
import java.time.Instant;

/**
 * When a group is evaluated, as Prometheus aligns it: at {@code offset + k x interval} since the
 * epoch, where the offset is the group's hash modulo the interval, so that groups spread over the
 * interval instead of all running at once, and a group runs at the same phase after a restart. The
 * offset is a whole number of seconds (Prometheus' is in nanoseconds) when the interval is, so that
 * groups of one tenant landing in the same second are evaluated as one cycle and can share scans.
 */
final class GroupSchedule {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private GroupSchedule() {}

  static long offsetNanos(GroupKey key, Duration interval) {
    long intervalNanos = interval.toNanos();
    if (intervalNanos % NANOS_PER_SECOND == 0) {
      return Long.remainderUnsigned(key.hash(), intervalNanos / NANOS_PER_SECOND) * NANOS_PER_SECOND;
    }
    return Long.remainderUnsigned(key.hash(), intervalNanos);
  }

  /** The group's evaluation instant at or before {@code now}: what an evaluation started now evaluates. */
  static Instant slotAtOrBefore(GroupKey key, Duration interval, Instant now) {
    long intervalNanos = interval.toNanos();
    long offset = offsetNanos(key, interval);
    long nowNanos = epochNanos(now);
    long adjusted = nowNanos - offset;
    long slot = adjusted - Math.floorMod(adjusted, intervalNanos) + offset;
    return Instant.ofEpochSecond(Math.floorDiv(slot, NANOS_PER_SECOND), Math.floorMod(slot, NANOS_PER_SECOND));
  }

  /** The first evaluation instant strictly after {@code instant}. */
  static Instant slotAfter(GroupKey key, Duration interval, Instant instant) {
    return slotAtOrBefore(key, interval, instant).plus(interval);
  }

  private static long epochNanos(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
  }
}
