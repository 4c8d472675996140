package dev.tonari.store.bloom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SubstringTermsTest {
  /**
   * What makes substring pruning safe: for every substring of a line, a filter holding exactly the
   * line's substring terms satisfies the substring's probes, so a block holding the line is never
   * skipped.
   */
  @Property(tries = 3000)
  void everySubstringOfALineMatchesTheLinesTerms(
      @ForAll("lines") String line, @ForAll @IntRange(min = 0, max = 10_000) int start, @ForAll @IntRange(min = 0, max = 10_000) int length) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int from = bytes.length == 0 ? 0 : start % (bytes.length + 1);
    int to = from + (bytes.length - from == 0 ? 0 : length % (bytes.length - from + 1));
    byte[] literal = Arrays.copyOfRange(bytes, from, to);
    assertThat(SubstringTerms.probes(literal).mightMatch(exactFilterOf(bytes)))
        .as("probes of %s (bytes %d..%d) against terms of %s", new String(literal, StandardCharsets.UTF_8), from, to, line)
        .isTrue();
  }

  @Provide
  Arbitrary<String> lines() {
    // Hex digits and separators, so that long tokens (grams) and dotted numbers (junctions) are common.
    return Arbitraries.strings().withChars("0123456789abcdef .:-=_\"é").ofMaxLength(120);
  }

  /** A filter so large that it holds nothing but the line's terms in practice. */
  private static BloomFilter exactFilterOf(byte[] line) {
    BloomFilter filter = BloomFilter.withSize(1 << 14, 4);
    SubstringTerms.forEachTerm(line, 0, line.length, filter::add);
    return filter;
  }

  private static BloomFilter filterOf(String line) {
    return exactFilterOf(line.getBytes(StandardCharsets.UTF_8));
  }

  private static SubstringTerms.Probes probes(String literal) {
    return SubstringTerms.probes(literal.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBareTraceIdIsFoundInsideATokenAndAnotherIsNot() {
    String line = "ts=2024-05-01T12:00:00Z msg=\"done\" trace_id=4bf92f3577b34da6a3ce929d0e0e4736 took=12ms";
    BloomFilter filter = filterOf(line);
    assertThat(probes("4bf92f3577b34da6a3ce929d0e0e4736").mightMatch(filter)).isTrue();
    // A substring of the id at an offset that is not a multiple of the stride still matches.
    assertThat(probes("f3577b34da6a3ce9").mightMatch(filter)).isTrue();
    assertThat(probes("ab1d00f3577b34da6a3ce929d0e0e47ff").mightMatch(filter)).isFalse();
    assertThat(probes("0000000000000000").mightMatch(filter)).isFalse();
  }

  @Test
  void anAddressIsProbedByItsJunctions() {
    BloomFilter filter = filterOf("client_ip=137.156.37.200 upstream=10.42.3.7:8080");
    assertThat(probes("137.156.37.200").required()).hasSize(3);
    assertThat(probes("137.156.37.200").mightMatch(filter)).isTrue();
    assertThat(probes("10.42.3.7:8080").mightMatch(filter)).isTrue();
    assertThat(probes("137.156.37.201").mightMatch(filter)).isFalse();
    assertThat(probes("37.156.37.200").mightMatch(filter)).as("a suffix of the first number").isTrue();
  }

  @Test
  void shortWordsGiveNoProbes() {
    assertThat(probes("ERROR").isEmpty()).isTrue();
    assertThat(probes("a.b").isEmpty()).as("one-byte tokens at both ends could be longer").isTrue();
    assertThat(probes("").isEmpty()).isTrue();
  }

  @Test
  void termsOfALineAreGramsAtTheStrideAndJunctions() {
    Set<Long> terms = new HashSet<>();
    byte[] line = "abcdefghijkl 1.22".getBytes(StandardCharsets.UTF_8);
    SubstringTerms.forEachTerm(line, 0, line.length, terms::add);
    assertThat(terms).containsExactlyInAnyOrder(
        BloomTerms.hash(SubstringTerms.TAG_GRAM, line, 0, 8), BloomTerms.hash(SubstringTerms.TAG_GRAM, line, 4, 8),
        BloomTerms.hash(SubstringTerms.TAG_JUNCTION, line, 13, 4));
  }
}
