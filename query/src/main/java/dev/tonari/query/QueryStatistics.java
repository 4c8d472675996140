package dev.tonari.query;

/**
 * What a query cost. Lines and bytes count the lines the store handed to the line filter (blocks
 * skipped by time or bloom filter are not counted, since they were never decoded).
 */
public record QueryStatistics(long linesScanned, long bytesScanned, long entriesReturned, long execNanos) {}
