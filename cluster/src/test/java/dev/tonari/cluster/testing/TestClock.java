package dev.tonari.cluster.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when the test says so (shared by the in-memory catalog, the leases and the rulers). */
public final class TestClock extends Clock {
  private volatile long millis;

  public TestClock(Instant start) {
    this.millis = start.toEpochMilli();
  }

  public void advance(Duration duration) {
    millis += duration.toMillis();
  }

  public void set(Instant instant) {
    millis = instant.toEpochMilli();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }
}
