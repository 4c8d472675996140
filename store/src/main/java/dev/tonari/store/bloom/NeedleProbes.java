package dev.tonari.store.bloom;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The probes of one required literal in a block's {@link BlockFilters}: token probes ({@link
 * BloomTerms#probes}), all needed, and substring probes ({@link SubstringTerms#probes}), checked
 * only where there is a substring filter. Parts and the head's chunks use the same probes.
 */
public record NeedleProbes(long[] tokens, SubstringTerms.Probes substrings) {
  /** The probes of the literals that can prune (others are left out: they rule nothing out). */
  public static NeedleProbes[] of(List<String> requiredLiterals) {
    List<NeedleProbes> probes = new ArrayList<>(requiredLiterals.size());
    for (String literal : requiredLiterals) {
      byte[] bytes = literal.getBytes(StandardCharsets.UTF_8);
      NeedleProbes literalProbes = new NeedleProbes(BloomTerms.probes(bytes), SubstringTerms.probes(bytes));
      if (!literalProbes.isEmpty()) {
        probes.add(literalProbes);
      }
    }
    return probes.toArray(new NeedleProbes[0]);
  }

  public boolean isEmpty() {
    return tokens.length == 0 && substrings.isEmpty();
  }

  /** Whether a block with these filters may hold a line containing every literal. */
  public static boolean mightContainAll(BlockFilters filters, NeedleProbes[] probes) {
    for (NeedleProbes literal : probes) {
      if (!filters.mightContain(literal.tokens, literal.substrings)) {
        return false;
      }
    }
    return true;
  }

  /** The filters of a run of lines, as a part writer would build them for a block. */
  public static BlockFilters filtersOf(byte[] buffer, int[] offsets, int[] lengths, int count, double tokenFalsePositiveRate, double substringFalsePositiveRate) {
    DistinctHashes tokenTerms = new DistinctHashes();
    DistinctHashes substringTerms = new DistinctHashes();
    for (int i = 0; i < count; i++) {
      BloomTerms.forEachTerm(buffer, offsets[i], lengths[i], tokenTerms::add);
      SubstringTerms.forEachTerm(buffer, offsets[i], lengths[i], substringTerms::add);
    }
    BloomFilter tokens = BloomFilter.forExpected(tokenTerms.size(), tokenFalsePositiveRate);
    tokenTerms.forEach(tokens::add);
    BloomFilter substrings = BloomFilter.forExpected(substringTerms.size(), substringFalsePositiveRate);
    substringTerms.forEach(substrings::add);
    return new BlockFilters(tokens, substrings);
  }
}
