package dev.tonari.store.bloom;

import java.util.Arrays;

/**
 * A block's filter term hashes as they came, repeats included, with an estimate of how many are
 * distinct, so that the block's filter can be sized before the terms go into it. Reused from block
 * to block.
 *
 * <p>Why not an exact distinct set ({@link DistinctHashes}): a block of high-entropy lines has tens
 * of thousands of distinct terms, and a set of them is an open-addressing table of a megabyte or
 * more, so every new term missed the cache; that insert was a fifth of the flush thread's time
 * (docs/benchmarks.md, "Eighth round"). Here a term costs a sequential append and one bit set in
 * a {@value #BITMAP_BITS}-bit bitmap that stays in the first- or second-level cache, and the count
 * comes from the bitmap's zero bits by linear counting (Whang, Vander-Zanden and Taylor, 1990):
 * {@code n = -m ln(z / m)} for {@code m} bits of which {@code z} are zero. Its standard error is
 * {@code sqrt(m (e^t - t - 1)) / n} at load {@code t = n / m}: 0.2% at 30,000 distinct terms and
 * 0.3% at 300,000, so a filter is sized within a fraction of a percent of the exact count's size
 * and its false-positive rate moves by less. When fewer than {@value #MIN_ZERO_BITS} bits are
 * still zero (over about a million distinct terms, which a block of the default size does not
 * reach) the estimate would be coarse, and the exact count is taken instead; so it is for a few
 * thousand hashes, whose exact set is small enough to stay in the cache (a head chunk, a small
 * block).
 *
 * <p>The estimate depends only on the hashes, so a block's filter is the same however often it is
 * written. The hashes go into the filter with their repeats: setting a bit twice costs little in a
 * filter of a few tens of kilobytes.
 */
public final class BlockTermHashes {
  static final int BITMAP_BITS = 1 << 18;
  static final int MIN_ZERO_BITS = 1 << 10;
  /** Up to this many hashes the exact set is small enough to stay in the cache, and is used. */
  static final int EXACT_UP_TO = 4096;

  private final long[] bitmap = new long[BITMAP_BITS / Long.SIZE];
  private long[] hashes = new long[4096];
  private int count;
  private DistinctHashes exact;

  public void add(long hash) {
    if (count == hashes.length) {
      hashes = Arrays.copyOf(hashes, count * 2);
    }
    hashes[count++] = hash;
    // The low bits pick the bitmap bit, not the top ones: a winnowed gram is the smallest hash of
    // its window, so its top bits lean to the negative side (they made the count 1.3% low).
    int bit = (int) hash & (BITMAP_BITS - 1);
    bitmap[bit >>> 6] |= 1L << bit;
  }

  /** Hashes added since the last clear, repeats included. */
  public int count() {
    return count;
  }

  /**
   * About how many of the hashes added since the last clear are distinct: exact up to {@value
   * #EXACT_UP_TO} hashes, never above {@link #count()}, never below the bitmap's set bits.
   */
  public int distinctEstimate() {
    if (count <= EXACT_UP_TO) {
      return exactDistinct();
    }
    int ones = 0;
    for (long word : bitmap) {
      ones += Long.bitCount(word);
    }
    int zeros = BITMAP_BITS - ones;
    if (zeros < MIN_ZERO_BITS) {
      return exactDistinct();
    }
    double estimate = -(double) BITMAP_BITS * Math.log((double) zeros / BITMAP_BITS);
    return (int) Math.max(ones, Math.min(count, Math.round(estimate)));
  }

  private int exactDistinct() {
    if (exact == null) {
      exact = new DistinctHashes();
    }
    exact.clear();
    for (int i = 0; i < count; i++) {
      exact.add(hashes[i]);
    }
    return exact.size();
  }

  /** Adds every hash since the last clear to the filter. */
  public void addTo(BloomFilter filter) {
    filter.addAll(hashes, count);
  }

  public void clear() {
    if (count > 0) {
      Arrays.fill(bitmap, 0L);
    }
    count = 0;
  }
}
