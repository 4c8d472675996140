package dev.tonari.cluster.catalog;

/**
 * Moves one partition's committed offset from {@code expectedOffset} (what the committing ingester
 * started from; -1 when it believes none was committed) to {@code nextOffset}, the next record to
 * consume, for the owner {@code memberId}.
 */
public record OffsetCommit(String topic, int partition, long expectedOffset, long nextOffset, String memberId) {}
