package dev.tonari.cluster.catalog;

/**
 * A part as the catalog knows it: its object key, tenant, time range, size, and the partition and
 * offsets whose records it holds (-1 for a part written by a merge).
 */
public record CatalogPart(String key, String tenant, long minTimestampNanos, long maxTimestampNanos, long entries, long bytes, int partition, long firstOffset, long lastOffset) {
  public boolean overlaps(long fromNanos, long toNanos) {
    return maxTimestampNanos >= fromNanos && minTimestampNanos < toNanos;
  }
}
