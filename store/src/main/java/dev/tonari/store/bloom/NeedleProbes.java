package dev.tonari.store.bloom;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The probes of one required literal in a block's {@link BlockFilters}: for kind-0 and kind-1
 * regions, token probes ({@link BloomTerms#probes}), all needed, and substring probes ({@link
 * SubstringTerms#probes}), checked only where there is a substring filter; for kind-2 to kind-4
 * regions the folded probes of the region's scheme ({@link FoldedTerms#probes}), all needed. A
 * case-insensitive literal has folded probes only: older regions keep the case and cannot prune
 * for it. Parts and the head's chunks use the same probes.
 *
 * @param caseInsensitive whether the literal is required case-insensitively (ASCII case; see
 *     {@link FoldedTerms#caseInsensitivePieces})
 */
public record NeedleProbes(long[] tokens, SubstringTerms.Probes substrings, long[][] foldedBySchemes, boolean caseInsensitive) {
  private static final long[] NONE = new long[0];
  private static final FoldedTerms.Scheme[] SCHEMES = FoldedTerms.Scheme.values();

  /** The folded probes of the literal in a filter of this scheme, indexed as {@link FoldedTerms.Scheme#ordinal}. */
  public long[] folded(FoldedTerms.Scheme scheme) {
    return foldedBySchemes[scheme.ordinal()];
  }

  private static long[][] foldedProbes(byte[] literal) {
    long[][] probes = new long[SCHEMES.length][];
    for (FoldedTerms.Scheme scheme : SCHEMES) {
      probes[scheme.ordinal()] = FoldedTerms.probes(literal, scheme);
    }
    return probes;
  }

  /** Probes for kind-0 and kind-1 regions only. */
  static NeedleProbes caseSensitiveOnly(long[] tokens, SubstringTerms.Probes substrings) {
    long[][] none = new long[SCHEMES.length][];
    java.util.Arrays.fill(none, NONE);
    return new NeedleProbes(tokens, substrings, none, false);
  }

  /** The probes of case-sensitive literals that can prune (others are left out: they rule nothing out). */
  public static NeedleProbes[] of(List<String> requiredLiterals) {
    return of(requiredLiterals, List.of());
  }

  /**
   * The probes of the literals that can prune: {@code requiredLiterals}, which every wanted line
   * contains byte for byte, and {@code caseInsensitiveLiterals}, which every wanted line contains
   * up to case (as RE2's {@code (?i)} matches). Literals that rule nothing out are left out.
   */
  public static NeedleProbes[] of(List<String> requiredLiterals, List<String> caseInsensitiveLiterals) {
    List<NeedleProbes> probes = new ArrayList<>(requiredLiterals.size() + caseInsensitiveLiterals.size());
    for (String literal : requiredLiterals) {
      byte[] bytes = literal.getBytes(StandardCharsets.UTF_8);
      NeedleProbes literalProbes = new NeedleProbes(BloomTerms.probes(bytes), SubstringTerms.probes(bytes), foldedProbes(bytes), false);
      if (!literalProbes.isEmpty()) {
        probes.add(literalProbes);
      }
    }
    for (String literal : caseInsensitiveLiterals) {
      addCaseInsensitive(probes, literal);
    }
    return probes.toArray(new NeedleProbes[0]);
  }

  /** The probes of literals that every wanted line contains up to case. */
  public static NeedleProbes[] ofCaseInsensitive(List<String> literals) {
    return of(List.of(), literals);
  }

  private static void addCaseInsensitive(List<NeedleProbes> probes, String literal) {
    for (byte[] piece : FoldedTerms.caseInsensitivePieces(literal.getBytes(StandardCharsets.UTF_8))) {
      long[][] folded = foldedProbes(piece);
      // Every scheme probes the same token terms, so one without probes has none in any scheme.
      if (folded[FoldedTerms.Scheme.BYTE_HASHED.ordinal()].length > 0) {
        probes.add(new NeedleProbes(NONE, SubstringTerms.Probes.NONE, folded, true));
      }
    }
  }

  public boolean isEmpty() {
    // The folded schemes probe the same token terms, hashed two ways (kind 4 adds only junctions
    // and spans, which come with token terms).
    return tokens.length == 0 && substrings.isEmpty() && folded(FoldedTerms.Scheme.BYTE_HASHED).length == 0;
  }

  /** Whether a block with these filters may hold a line containing every literal. */
  public static boolean mightContainAll(BlockFilters filters, NeedleProbes[] probes) {
    for (NeedleProbes literal : probes) {
      if (!filters.mightContain(literal)) {
        return false;
      }
    }
    return true;
  }

  /** The kind-1 filters of a run of lines, as the part writer of versions 2 and 3 builds them for a block. */
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

  /**
   * The folded filter of a run of lines, of the kind the scheme makes, as the part writer builds it
   * for a block and the head for a chunk; {@code terms} is scratch space, cleared here.
   */
  public static BlockFilters foldedFiltersOf(
      byte[] buffer, int[] offsets, int[] lengths, int count, double falsePositiveRate, FoldedTerms.Scheme scheme, BlockTermHashes terms) {
    terms.clear();
    FoldedTermCollector collector = new FoldedTermCollector(terms, scheme);
    for (int i = 0; i < count; i++) {
      collector.add(buffer, offsets[i], lengths[i]);
    }
    return collector.build(falsePositiveRate);
  }
}
