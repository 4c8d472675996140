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

  @Property(tries = 4000)
  void everyExactSubstringProbesOnlyTermsOfTheLine(
      @ForAll("lines") String line, @ForAll @IntRange(min = 0, max = 10_000) int start, @ForAll @IntRange(min = 0, max = 10_000) int length) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int from = bytes.length == 0 ? 0 : start % (bytes.length + 1);
    int to = from + (bytes.length - from == 0 ? 0 : length % (bytes.length - from + 1));
    byte[] literal = java.util.Arrays.copyOfRange(bytes, from, to);
    Set<Long> terms = termsOf(bytes);
    for (long probe : FoldedTerms.probes(literal)) {
      assertThat(terms).as("probe of %s (bytes %d..%d) among the terms of %s", new String(literal, StandardCharsets.UTF_8), from, to, line)
          .contains(probe);
    }
  }

  @Property(tries = 4000)
  void everyCaseVariantThatRe2FindsProbesOnlyTermsOfTheLine(
      @ForAll("lines") String line,
      @ForAll @IntRange(min = 0, max = 10_000) int start,
      @ForAll @IntRange(min = 1, max = 60) int length,
      @ForAll @LongRange long caseSeed) {
    Assume.that(!line.isEmpty());
    int from = start % line.length();
    int to = Math.min(line.length(), from + length);
    String needle = caseVariant(line.substring(from, to), caseSeed);
    // The reference: only needles RE2 really finds ignoring case, as LogQL's |~ "(?i)..." would.
    Assume.that(Pattern.compile("(?i)" + Pattern.quote(needle)).matcher(line).find());
    Set<Long> terms = termsOf(line.getBytes(StandardCharsets.UTF_8));
    for (NeedleProbes probes : NeedleProbes.ofCaseInsensitive(List.of(needle))) {
      assertThat(probes.caseInsensitive()).isTrue();
      for (long probe : probes.folded()) {
        assertThat(terms).as("probe of (?i)%s among the terms of %s", needle, line).contains(probe);
      }
    }
  }

  @Provide
  Arbitrary<String> lines() {
    // Hex digits of both cases, k and s with their Unicode relatives, dotted numbers and separators,
    // so that long tokens (winnowed grams), junctions and every folding question are common.
    return Arbitraries.strings().withChars("0123456789abcdefABCDEF kKsSxX.:-=_\"éÉ" + KELVIN + LONG_S).ofMaxLength(140);
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
  private static Set<Long> termsOf(byte[] line) {
    byte[] folded = new byte[line.length];
    FoldedTerms.fold(line, 0, line.length, folded);
    Set<Long> terms = new HashSet<>();
    FoldedTerms.forEachTermOfFolded(folded, 0, folded.length, terms::add);
    return terms;
  }

  @Test
  void aCaseInsensitiveIdOrWordPrunesAndAnotherDoesNotPass() {
    BloomFilter filter = BloomFilter.withSize(1 << 14, 4);
    String line = "ts=2026-12-07T08:00:00Z level=ERROR msg=\"Request Failed\" trace_id=4BF92F3577B34DA6A3CE929D0E0E4736 ip=10.42.3.7";
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    byte[] folded = new byte[bytes.length];
    FoldedTerms.fold(bytes, 0, bytes.length, folded);
    FoldedTerms.forEachTermOfFolded(folded, 0, folded.length, filter::add);
    BlockFilters region = BlockFilters.folded(filter);
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
   * The writer makes all terms in one pass and its winnowing keeps the pick of the last window
   * while it is still inside the window; the terms must be those of the definition: token terms,
   * junctions, and each window's smallest gram hash (the earliest on ties), searched over the
   * whole window.
   */
  @Property(tries = 3000)
  void termsAreThoseOfTheWinnowingDefinition(@ForAll("lines") String line) {
    byte[] folded = line.getBytes(StandardCharsets.UTF_8);
    FoldedTerms.fold(folded, 0, folded.length, folded);
    List<Long> actual = new java.util.ArrayList<>();
    FoldedTerms.forEachTermOfFolded(folded, 0, folded.length, actual::add);
    List<Long> expected = new java.util.ArrayList<>();
    BloomTerms.forEachTerm(folded, 0, folded.length, expected::add);
    SubstringTerms.forEachJunction(folded, 0, folded.length, expected::add);
    int i = 0;
    while (i < folded.length) {
      while (i < folded.length && !BloomTerms.isTokenByte(folded[i])) {
        i++;
      }
      int start = i;
      while (i < folded.length && BloomTerms.isTokenByte(folded[i])) {
        i++;
      }
      int previousPick = -1;
      for (int window = start; window + FoldedTerms.WINDOW + FoldedTerms.GRAM_LENGTH - 1 <= i; window++) {
        int pick = window;
        for (int candidate = window; candidate < window + FoldedTerms.WINDOW; candidate++) {
          if (gramHash(folded, candidate) < gramHash(folded, pick)) {
            pick = candidate;
          }
        }
        if (pick != previousPick) {
          expected.add(gramHash(folded, pick));
          previousPick = pick;
        }
      }
    }
    // One pass emits the kinds token by token, the definition kind by kind: the same terms, as many times each.
    java.util.Collections.sort(actual);
    java.util.Collections.sort(expected);
    assertThat(actual).as("terms of %s", line).isEqualTo(expected);
  }

  private static long gramHash(byte[] folded, int at) {
    return BloomTerms.hash(FoldedTerms.TAG_WINNOWED_GRAM, folded, at, FoldedTerms.GRAM_LENGTH);
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
