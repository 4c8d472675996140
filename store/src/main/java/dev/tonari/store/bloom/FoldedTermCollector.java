package dev.tonari.store.bloom;

import java.util.function.LongConsumer;

/**
 * Gathers the {@link FoldedTerms} of a block's lines as they are added, then builds the block's
 * folded filter (kind 2 to 4, by the scheme) sized to about their number ({@link
 * BlockTermHashes}). Reused from block to block (its scratch buffers grow to the longest line
 * seen).
 */
public final class FoldedTermCollector {
  private final BlockTermHashes terms;
  private final FoldedTerms.Scheme scheme;
  private final LongConsumer sink;
  private byte[] folded = new byte[1024];

  public FoldedTermCollector(BlockTermHashes terms, FoldedTerms.Scheme scheme) {
    this.terms = terms;
    this.scheme = scheme;
    this.sink = terms::add;
  }

  public FoldedTermCollector(FoldedTerms.Scheme scheme) {
    this(new BlockTermHashes(), scheme);
  }

  public void add(byte[] line, int offset, int length) {
    if (folded.length < length) {
      folded = new byte[Math.max(length, folded.length * 2)];
    }
    FoldedTerms.fold(line, offset, length, folded);
    FoldedTerms.forEachTermOfFolded(folded, 0, length, scheme, sink);
  }

  /** About how many distinct terms were added since the last build ({@link BlockTermHashes#distinctEstimate}). */
  public int distinctTerms() {
    return terms.distinctEstimate();
  }

  /** The filter of the terms added since the last build, at this false-positive rate; starts a new block. */
  public BlockFilters build(double falsePositiveRate) {
    BloomFilter filter = BloomFilter.forExpected(terms.distinctEstimate(), falsePositiveRate);
    terms.addTo(filter);
    terms.clear();
    return BlockFilters.folded(filter, scheme);
  }
}
