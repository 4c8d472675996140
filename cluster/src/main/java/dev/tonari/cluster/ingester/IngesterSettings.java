package dev.tonari.cluster.ingester;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How one ingester runs.
 *
 * @param memberId this process's id in the catalog and the consumer group's client id
 * @param address where queriers reach this ingester's head ({@code host:port})
 * @param directory the local directory of its store; wiped at start (Kafka is the write-ahead log)
 * @param flushHeadBytes the head is flushed to parts once it holds about this many line bytes
 * @param flushAge ... or once its oldest record arrived this long ago
 * @param heartbeatInterval how often it tells the catalog it is alive and what it owns
 * @param memberTtl how long the catalog counts it alive after a heartbeat
 */
public record IngesterSettings(String memberId, String address, Path directory, long flushHeadBytes, Duration flushAge, Duration heartbeatInterval, Duration memberTtl) {
  public IngesterSettings {
    if (memberId == null || memberId.isBlank()) {
      throw new IllegalArgumentException("ingester member id must be set");
    }
    if (directory == null) {
      throw new IllegalArgumentException("ingester " + memberId + ": directory must be set");
    }
    if (flushHeadBytes <= 0) {
      throw new IllegalArgumentException("ingester " + memberId + ": flush head bytes must be positive, got " + flushHeadBytes);
    }
    positive(memberId, "flush age", flushAge);
    positive(memberId, "heartbeat interval", heartbeatInterval);
    positive(memberId, "member ttl", memberTtl);
    if (memberTtl.compareTo(heartbeatInterval) <= 0) {
      throw new IllegalArgumentException("ingester " + memberId + ": member ttl " + memberTtl + " must be longer than the heartbeat interval " + heartbeatInterval);
    }
  }

  /** 128 MiB or 10 minutes of head, a heartbeat every 2 s that lasts 10 s. */
  public static IngesterSettings defaults(String memberId, String address, Path directory) {
    return new IngesterSettings(memberId, address, directory, 128L << 20, Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofSeconds(10));
  }

  public IngesterSettings withFlush(long headBytes, Duration age) {
    return new IngesterSettings(memberId, address, directory, headBytes, age, heartbeatInterval, memberTtl);
  }

  private static void positive(String memberId, String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("ingester " + memberId + ": " + name + " must be positive, got " + value);
    }
  }
}
