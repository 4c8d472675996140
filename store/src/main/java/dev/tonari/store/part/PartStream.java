package dev.tonari.store.part;

import dev.tonari.store.Labels;

/** One stream of a part, from the part's stream index. */
public record PartStream(Labels labels, long fingerprint, long minTimestamp, long maxTimestamp, long entries, int blockCount) {
  /** True when the stream may have entries with {@code fromNanos <= timestamp < toNanos}. */
  public boolean overlaps(long fromNanos, long toNanos) {
    return maxTimestamp >= fromNanos && minTimestamp < toNanos;
  }
}
