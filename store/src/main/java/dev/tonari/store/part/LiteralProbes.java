package dev.tonari.store.part;

import dev.tonari.store.bloom.SubstringTerms;

/**
 * The probes of one required literal in a block's filters: token probes ({@link
 * dev.tonari.store.bloom.BloomTerms#probes}), all needed, and substring probes ({@link
 * SubstringTerms#probes}), checked only in blocks that have a substring filter.
 */
record LiteralProbes(long[] tokens, SubstringTerms.Probes substrings) {
  boolean isEmpty() {
    return tokens.length == 0 && substrings.isEmpty();
  }
}
