package dev.tonari.store.bloom;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * What makes the folded filter safe: no false negatives. For every substring of a line, and for
 * every case variant of it that RE2's {@code (?i)} finds in the line, every probe the needle makes
 * is a term of the line, so a block holding the line is never skipped.
 */
class FoldedTermsTest {
  /** The Kelvin sign and the long s: RE2 folds them with k and s, in another byte length. */
  private static final String KELVIN = "\u212A";
  private static final String LONG_S = "\u017F";

  @Property(tries = 6000)
  void everyExactSubstringProbesOnlyTermsOfTheLine(
      @ForAll("lines") String line,
      @ForAll @IntRange(min = 0, max = 10_000) int start,
      @ForAll @IntRange(min = 0, max = 10_000) int length,
      @ForAll FoldedTerms.Scheme scheme) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int from = bytes.length == 0 ? 0 : start % (bytes.length + 1);
    int to = from + (bytes.length - from == 0 ? 0 : length % (bytes.length - from + 1));
    byte[] literal = java.util.Arrays.copyOfRange(bytes, from, to);
    Set<Long> terms = termsOf(bytes, scheme);
    for (long probe : FoldedTerms.probes(literal, scheme)) {
      assertThat(terms).as("probe of %s (bytes %d..%d) among the terms of %s", new String(literal, StandardCharsets.UTF_8), from, to, line)
          .contains(probe);
    }
  }

  @Property(tries = 4000)
  void everyCaseVariantThatRe2FindsProbesOnlyTermsOfTheLine(
      @ForAll("lines") String line,
      @ForAll @IntRange(min = 0, max = 10_000) int start,
      @ForAll @IntRange(min = 1, max = 60) int length,
      @ForAll @LongRange long caseSeed,
      @ForAll FoldedTerms.Scheme scheme) {
    Assume.that(!line.isEmpty());
    int from = start % line.length();
    int to = Math.min(line.length(), from + length);
    String needle = caseVariant(line.substring(from, to), caseSeed);
    // The reference: only needles RE2 really finds ignoring case, as LogQL's |~ "(?i)..." would.
    Assume.that(Pattern.compile("(?i)" + Pattern.quote(needle)).matcher(line).find());
    Set<Long> terms = termsOf(line.getBytes(StandardCharsets.UTF_8), scheme);
    for (NeedleProbes probes : NeedleProbes.ofCaseInsensitive(List.of(needle))) {
      assertThat(probes.caseInsensitive()).isTrue();
      for (long probe : probes.folded(scheme)) {
        assertThat(terms).as("probe of (?i)%s among the terms of %s", needle, line).contains(probe);
      }
    }
  }

  @Provide
  Arbitrary<String> lines() {
    // Hex digits of both cases, k and s with their Unicode relatives, dotted numbers and separators,
    // so that long tokens (winnowed grams), junctions and every folding question are common; and
    // lines of short dotted numbers, so that runs of junctions are too.
    Arbitrary<String> mixed = Arbitraries.strings().withChars("0123456789abcdefABCDEF kKsSxX.:-=_\"éÉ" + KELVIN + LONG_S).ofMaxLength(140);
    Arbitrary<String> dotted = Arbitraries.strings().withChars("0123456789.....a x").ofMaxLength(60);
    return Arbitraries.oneOf(mixed, dotted);
  }

  /** The needle with each character in a case RE2's (?i) folds to it, chosen by the seed. */
  private static String caseVariant(String text, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int pick = random.nextInt(3);
      switch (c) {
        case 'k', 'K', '\u212A' -> out.append(pick == 0 ? "k" : pick == 1 ? "K" : KELVIN);
        case 's', 'S', '\u017F' -> out.append(pick == 0 ? "s" : pick == 1 ? "S" : LONG_S);
        default -> out.append(pick == 0 ? Character.toLowerCase(c) : pick == 1 ? Character.toUpperCase(c) : c);
      }
    }
    return out.toString();
  }

  /** Exactly the terms of the line's folded filter, as a set (no bloom filter's false positives). */
  private static Set<Long> termsOf(byte[] line, FoldedTerms.Scheme scheme) {
    byte[] folded = new byte[line.length];
    FoldedTerms.fold(line, 0, line.length, folded);
    Set<Long> terms = new HashSet<>();
    FoldedTerms.forEachTermOfFolded(folded, 0, folded.length, scheme, terms::add);
    return terms;
  }

  private static BlockFilters regionOf(String line, FoldedTerms.Scheme scheme) {
    BloomFilter filter = BloomFilter.withSize(1 << 14, 4);
    termsOf(line.getBytes(StandardCharsets.UTF_8), scheme).forEach(filter::add);
    return BlockFilters.folded(filter, scheme);
  }

  @Property(tries = 2)
  void aCaseInsensitiveIdOrWordPrunesAndAnotherDoesNotPass(@ForAll FoldedTerms.Scheme scheme) {
    String line = "ts=2026-12-07T08:00:00Z level=ERROR msg=\"Request Failed\" trace_id=4BF92F3577B34DA6A3CE929D0E0E4736 ip=10.42.3.7";
    BlockFilters region = regionOf(line, scheme);
    assertThat(NeedleProbes.mightContainAll(region, NeedleProbes.ofCaseInsensitive(List.of("level=error")))).isTrue();
    assertThat(NeedleProbes.mightContainAll(region, NeedleProbes.ofCaseInsensitive(List.of("4bf92f3577b34da6a3ce929d0e0e4736")))).isTrue();
    assertThat(NeedleProbes.mightContainAll(region, NeedleProbes.of(List.of("4BF92F3577B34DA6A3CE929D0E0E4736")))).isTrue();
    assertThat(NeedleProbes.mightContainAll(region, NeedleProbes.ofCaseInsensitive(List.of("0123456789abcdef0123456789abcdef")))).isFalse();
    assertThat(NeedleProbes.mightContainAll(region, NeedleProbes.ofCaseInsensitive(List.of("level=warning")))).isFalse();
    assertThat(NeedleProbes.mightContainAll(region, NeedleProbes.of(List.of("10.42.4.7")))).isFalse();
    // "request failed" has an s: RE2 would also match the long s there, so its token is no probe;
    // "failed" still is.
    assertThat(NeedleProbes.mightContainAll(region, NeedleProbes.ofCaseInsensitive(List.of("request failed")))).isTrue();
    assertThat(NeedleProbes.mightContainAll(region, NeedleProbes.ofCaseInsensitive(List.of("request timeout")))).isFalse();
  }

  /**
   * Kind 4's reason to be: a block holding an address's octets and both its two-octet junctions,
   * but never the address, passes kind 3 (every probe it can make is there) and not kind 4 (the
   * span {@code 3.91.208.1} is not); a line holding the address inside longer numbers passes both.
   */
  @Test
  void anAddressWhoseOctetsOccurApartPassesKindThreeButNotKindFour() {
    String apart = "src=113.91.208.7 dst=208.108.1.1 via 4.13.91.5";
    String inside = "peer=213.91.208.1080:443";
    for (FoldedTerms.Scheme scheme : List.of(FoldedTerms.Scheme.WORD_HASHED, FoldedTerms.Scheme.WORD_HASHED_NUMERIC_SPANS)) {
      NeedleProbes[] address = NeedleProbes.of(List.of("13.91.208.108"));
      assertThat(NeedleProbes.mightContainAll(regionOf(inside, scheme), address)).as("%s, the address inside longer numbers", scheme).isTrue();
      assertThat(NeedleProbes.mightContainAll(regionOf(apart, scheme), address)).as("%s, the octets apart", scheme)
          .isEqualTo(scheme == FoldedTerms.Scheme.WORD_HASHED);
    }
    // Fewer than four dotted tokens, or a middle number of four digits, make no span to probe.
    assertThat(FoldedTerms.probes("13.91.208".getBytes(StandardCharsets.UTF_8), FoldedTerms.Scheme.WORD_HASHED_NUMERIC_SPANS))
        .isEqualTo(FoldedTerms.probes("13.91.208".getBytes(StandardCharsets.UTF_8), FoldedTerms.Scheme.WORD_HASHED));
    assertThat(FoldedTerms.probes("13.9100.208.108".getBytes(StandardCharsets.UTF_8), FoldedTerms.Scheme.WORD_HASHED_NUMERIC_SPANS))
        .isEqualTo(FoldedTerms.probes("13.9100.208.108".getBytes(StandardCharsets.UTF_8), FoldedTerms.Scheme.WORD_HASHED));
    assertThat(FoldedTerms.probes("13.91.208.108".getBytes(StandardCharsets.UTF_8), FoldedTerms.Scheme.WORD_HASHED_NUMERIC_SPANS))
        .hasSize(FoldedTerms.probes("13.91.208.108".getBytes(StandardCharsets.UTF_8), FoldedTerms.Scheme.WORD_HASHED).length + 1);
  }

  /** The word hash reads the same words near the end of an array (byte by byte) as elsewhere (one masked load). */
  @Property(tries = 3000)
  void wordHashIsTheHashOfTheTermsWordsWhereverTheTermLies(@ForAll long seed) {
    java.util.Random random = new java.util.Random(seed);
    byte[] term = new byte[random.nextInt(20)];
    random.nextBytes(term);
    int tag = random.nextInt(8);
    byte[] padded = new byte[term.length + 16];
    int offset = random.nextInt(9);
    System.arraycopy(term, 0, padded, offset, term.length);
    random.nextBytes(new byte[0]);
    for (int i = offset + term.length; i < padded.length; i++) {
      padded[i] = (byte) random.nextInt(256);
    }
    long expected = referenceWordHash(tag, term);
    assertThat(BloomTerms.wordHash(tag, term, 0, term.length)).isEqualTo(expected);
    assertThat(BloomTerms.wordHash(tag, padded, offset, term.length)).isEqualTo(expected);
  }

  /** The definition's words read byte by byte (the finalizer is shared: this checks the loads and the padding). */
  private static long referenceWordHash(int tag, byte[] term) {
    long h = (tag * 64L + term.length) * 0x9e3779b97f4a7c15L;
    for (int word = 0; word * 8 < term.length; word++) {
      long value = 0;
      for (int b = 0; b < 8 && word * 8 + b < term.length; b++) {
        value |= (term[word * 8 + b] & 0xffL) << (8 * b);
      }
      h = BloomTerms.fmix64(h ^ value);
    }
    return term.length == 0 ? BloomTerms.fmix64(h) : h;
  }

  /**
   * The writer makes all terms in one pass and its winnowing keeps the pick of the last window
   * while it is still inside the window; the terms must be those of the definition: token terms,
   * junctions, and each window's smallest gram hash (the earliest on ties), searched over the
   * whole window.
   */
  @Property(tries = 4000)
  void termsAreThoseOfTheWinnowingDefinition(@ForAll("lines") String line, @ForAll FoldedTerms.Scheme scheme) {
    byte[] folded = line.getBytes(StandardCharsets.UTF_8);
    FoldedTerms.fold(folded, 0, folded.length, folded);
    List<Long> actual = new java.util.ArrayList<>();
    FoldedTerms.forEachTermOfFolded(folded, 0, folded.length, scheme, actual::add);
    // The definition, kind by kind, over the list of tokens (maximal runs of token bytes).
    List<int[]> tokens = new java.util.ArrayList<>();
    int i = 0;
    while (i < folded.length) {
      while (i < folded.length && !BloomTerms.isTokenByte(folded[i])) {
        i++;
      }
      int start = i;
      while (i < folded.length && BloomTerms.isTokenByte(folded[i])) {
        i++;
      }
      if (i > start) {
        tokens.add(new int[] {start, i});
      }
    }
    List<Long> expected = new java.util.ArrayList<>();
    for (int t = 0; t < tokens.size(); t++) {
      int start = tokens.get(t)[0];
      int end = tokens.get(t)[1];
      if (end - start >= 6) {
        expected.add(hash(scheme, BloomTerms.TAG_PREFIX, folded, start, 6));
        expected.add(hash(scheme, BloomTerms.TAG_SUFFIX, folded, end - 6, 6));
      } else if (end - start >= 2) {
        expected.add(hash(scheme, BloomTerms.TAG_TOKEN, folded, start, end - start));
      }
      if (t >= 1 && dotBetween(folded, tokens.get(t - 1), tokens.get(t)) && digits(folded, end(tokens.get(t - 1)) - 3, end(tokens.get(t - 1)), tokens.get(t - 1))
          && digits(folded, start, start + 3, tokens.get(t))) {
        int from = Math.max(tokens.get(t - 1)[0], tokens.get(t - 1)[1] - 3);
        expected.add(hash(scheme, SubstringTerms.TAG_JUNCTION, folded, from, Math.min(end, start + 3) - from));
      }
      if (scheme.numericSpans() && t >= 3 && dotBetween(folded, tokens.get(t - 3), tokens.get(t - 2))
          && dotBetween(folded, tokens.get(t - 2), tokens.get(t - 1)) && dotBetween(folded, tokens.get(t - 1), tokens.get(t))) {
        expected.addAll(numericSpanTerms(scheme, folded, tokens.get(t - 3), tokens.get(t - 2), tokens.get(t - 1), tokens.get(t)));
      }
      int previousPick = -1;
      for (int window = start; window + FoldedTerms.WINDOW + FoldedTerms.GRAM_LENGTH - 1 <= end; window++) {
        int pick = window;
        for (int candidate = window; candidate < window + FoldedTerms.WINDOW; candidate++) {
          if (gramHash(scheme, folded, candidate) < gramHash(scheme, folded, pick)) {
            pick = candidate;
          }
        }
        if (pick != previousPick) {
          expected.add(gramHash(scheme, folded, pick));
          previousPick = pick;
        }
      }
    }
    java.util.Collections.sort(actual);
    java.util.Collections.sort(expected);
    assertThat(actual).as("terms of %s", line).isEqualTo(expected);
  }

  /** The kind-2 definition is also that of BloomTerms and SubstringTerms, which formats 1 to 3 use. */
  @Property(tries = 2000)
  void byteHashedTokenTermsAndJunctionsAreThoseOfTheOlderFilters(@ForAll("lines") String line) {
    byte[] folded = line.getBytes(StandardCharsets.UTF_8);
    FoldedTerms.fold(folded, 0, folded.length, folded);
    Set<Long> terms = new HashSet<>();
    FoldedTerms.forEachTermOfFolded(folded, 0, folded.length, terms::add);
    List<Long> older = new java.util.ArrayList<>();
    BloomTerms.forEachTerm(folded, 0, folded.length, older::add);
    SubstringTerms.forEachJunction(folded, 0, folded.length, older::add);
    assertThat(terms).containsAll(older);
  }

  /**
   * Kind 4's definition, written apart from the writer's loop: for A.B.C.D with B and C of 1 to 3
   * digits and A's last and D's first byte digits, the span from A's last byte to D's first.
   */
  private static List<Long> numericSpanTerms(FoldedTerms.Scheme scheme, byte[] bytes, int[] a, int[] b, int[] c, int[] d) {
    List<Long> terms = new java.util.ArrayList<>();
    if (b[1] - b[0] <= 3 && c[1] - c[0] <= 3 && allDigits(bytes, a[1] - 1, a[1]) && allDigits(bytes, b[0], b[1])
        && allDigits(bytes, c[0], c[1]) && allDigits(bytes, d[0], d[0] + 1)) {
      terms.add(hash(scheme, SubstringTerms.TAG_NUMERIC_SPAN, bytes, a[1] - 1, d[0] + 1 - (a[1] - 1)));
    }
    return terms;
  }

  private static boolean allDigits(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] < '0' || bytes[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static int end(int[] token) {
    return token[1];
  }

  private static boolean dotBetween(byte[] bytes, int[] left, int[] right) {
    return right[0] == left[1] + 1 && bytes[left[1]] == '.';
  }

  /** Whether the bytes of [from, to) clipped to the token are all ASCII digits. */
  private static boolean digits(byte[] bytes, int from, int to, int[] token) {
    for (int i = Math.max(from, token[0]); i < Math.min(to, token[1]); i++) {
      if (bytes[i] < '0' || bytes[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static long hash(FoldedTerms.Scheme scheme, int tag, byte[] bytes, int offset, int length) {
    return scheme == FoldedTerms.Scheme.BYTE_HASHED ? BloomTerms.hash(tag, bytes, offset, length) : BloomTerms.wordHash(tag, bytes, offset, length);
  }

  private static long gramHash(FoldedTerms.Scheme scheme, byte[] folded, int at) {
    return hash(scheme, FoldedTerms.TAG_WINNOWED_GRAM, folded, at, FoldedTerms.GRAM_LENGTH);
  }

  /** The eight-bytes-a-step fold gives what lowercasing A..Z byte by byte gives, any byte value, any offset and length. */
  @Property(tries = 3000)
  void foldLowercasesExactlyTheAsciiCapitals(@ForAll long seed) {
    java.util.Random random = new java.util.Random(seed);
    byte[] source = new byte[random.nextInt(80)];
    for (int i = 0; i < source.length; i++) {
      // Mostly around the letters' edges ('@', 'A', 'Z', '[', '`', 'a', 'z', '{') and the high bytes.
      source[i] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : (byte) "@AZ[`az{\u00c0\u00da".charAt(random.nextInt(10));
    }
    int offset = random.nextInt(source.length + 1);
    int length = random.nextInt(source.length - offset + 1);
    byte[] folded = new byte[length];
    FoldedTerms.fold(source, offset, length, folded);
    for (int i = 0; i < length; i++) {
      byte b = source[offset + i];
      byte expected = (byte) (b >= 'A' && b <= 'Z' ? b + 32 : b);
      org.assertj.core.api.Assertions.assertThat(folded[i]).as("byte %d (0x%02x) of %d at offset %d", i, b & 0xff, length, offset).isEqualTo(expected);
    }
  }
}
