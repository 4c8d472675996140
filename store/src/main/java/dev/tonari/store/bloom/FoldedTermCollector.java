package dev.tonari.store.bloom;

import java.util.function.LongConsumer;

/**
 * Gathers the distinct {@link FoldedTerms} of a block's lines as they are added, then builds the
 * block's kind-2 filter sized to them. Reused from block to block (its scratch buffers grow to the
 * longest line seen).
 */
public final class FoldedTermCollector {
  private final DistinctHashes terms;
  private final LongConsumer sink;
  private byte[] folded = new byte[1024];

  public FoldedTermCollector(DistinctHashes terms) {
    this.terms = terms;
    this.sink = terms::add;
  }

  public FoldedTermCollector() {
    this(new DistinctHashes());
  }

  public void add(byte[] line, int offset, int length) {
    if (folded.length < length) {
      folded = new byte[Math.max(length, folded.length * 2)];
    }
    FoldedTerms.fold(line, offset, length, folded);
    FoldedTerms.forEachTermOfFolded(folded, 0, length, sink);
  }

  public int distinctTerms() {
    return terms.size();
  }

  /** The filter of the terms added since the last build, at this false-positive rate; starts a new block. */
  public BlockFilters build(double falsePositiveRate) {
    BloomFilter filter = BloomFilter.forExpected(terms.size(), falsePositiveRate);
    terms.forEach(filter::add);
    terms.clear();
    return BlockFilters.folded(filter);
  }
}
