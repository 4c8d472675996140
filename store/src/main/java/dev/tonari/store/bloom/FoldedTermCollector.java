package dev.tonari.store.bloom;

import java.util.function.LongConsumer;

/**
 * Gathers the distinct {@link FoldedTerms} of a block's lines as they are added, then builds the
 * block's folded filter (kind 2 or 3, by the scheme) sized to them. Reused from block to block
 * (its scratch buffers grow to the longest line seen).
 */
public final class FoldedTermCollector {
  private final DistinctHashes terms;
  private final FoldedTerms.Scheme scheme;
  private final LongConsumer sink;
  private byte[] folded = new byte[1024];

  public FoldedTermCollector(DistinctHashes terms, FoldedTerms.Scheme scheme) {
    this.terms = terms;
    this.scheme = scheme;
    this.sink = terms::add;
  }

  public FoldedTermCollector(FoldedTerms.Scheme scheme) {
    this(new DistinctHashes(), scheme);
  }

  public void add(byte[] line, int offset, int length) {
    if (folded.length < length) {
      folded = new byte[Math.max(length, folded.length * 2)];
    }
    FoldedTerms.fold(line, offset, length, folded);
    FoldedTerms.forEachTermOfFolded(folded, 0, length, scheme, sink);
  }

  public int distinctTerms() {
    return terms.size();
  }

  /** The filter of the terms added since the last build, at this false-positive rate; starts a new block. */
  public BlockFilters build(double falsePositiveRate) {
    BloomFilter filter = BloomFilter.forExpected(terms.size(), falsePositiveRate);
    terms.forEach(filter::add);
    terms.clear();
    return BlockFilters.folded(filter, scheme);
  }
}
