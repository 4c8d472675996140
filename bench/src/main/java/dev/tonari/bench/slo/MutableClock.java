package dev.tonari.bench.slo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock the benchmark moves by hand, so that the SLO engine sees exactly the minutes the
 * benchmark wrote, and "one minute later" costs no waiting. Safe to read from any thread.
 */
final class MutableClock extends Clock {
  private volatile long millis;

  MutableClock(Instant start) {
    this.millis = start.toEpochMilli();
  }

  void advance(Duration duration) {
    millis += duration.toMillis();
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (!ZoneOffset.UTC.equals(zone)) {
      throw new UnsupportedOperationException("the benchmark clock is UTC only, asked for " + zone);
    }
    return this;
  }
}
