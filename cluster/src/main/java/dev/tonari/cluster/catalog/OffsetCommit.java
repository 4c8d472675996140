package dev.tonari.cluster.catalog;

/**
 * Moves one partition's committed offset from {@code expectedOffset} (what the committing ingester
 * started from; -1 when it believes none was committed) to {@code nextOffset}, the next record to
 * consume, for the owner {@code memberId}.
 */
public record OffsetCommit(String topic, int partition, long expectedOffset, long nextOffset, String memberId) {
  public OffsetCommit {
    if (partition < 0 || expectedOffset < -1 || nextOffset < 0 || nextOffset < expectedOffset) {
      throw new IllegalArgumentException("offset commit of partition " + partition + " of topic " + topic + " by member " + memberId
          + ": needs partition >= 0, expected offset >= -1 and a next offset >= 0 not below it (got " + expectedOffset + " -> " + nextOffset + ")");
    }
  }
}
