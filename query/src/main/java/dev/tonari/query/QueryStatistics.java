package dev.tonari.query;

/**
 * What a query cost. Lines and bytes are what the store reported to the query's {@link
 * QueryContext} as its scan listener: the lines (and their bytes) of every block it decoded that
 * fall in the query's time range, whether or not they passed the line filter. Blocks skipped by
 * time or bloom filter, or never reached because the query stopped early, are not counted, since
 * they were never decoded.
 */
public record QueryStatistics(long linesScanned, long bytesScanned, long entriesReturned, long execNanos) {}
