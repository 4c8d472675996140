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

class BloomTermsTest {
  /**
   * THE property that makes bloom pruning safe: whatever part of a line a literal is, every probe
   * of it is among the line's terms, so a block holding the line is never skipped.
   */
  @Property(tries = 3000)
  void everyProbeOfASubstringIsATermOfTheLine(
      @ForAll("lines") String line, @ForAll @IntRange(min = 0, max = 10_000) int start, @ForAll @IntRange(min = 0, max = 10_000) int length) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int from = bytes.length == 0 ? 0 : start % (bytes.length + 1);
    int to = from + (bytes.length - from == 0 ? 0 : length % (bytes.length - from + 1));
    byte[] literal = Arrays.copyOfRange(bytes, from, to);
    Set<Long> terms = termsOf(bytes);
    for (long probe : BloomTerms.probes(literal)) {
      assertThat(terms).as("probe of %s (bytes %d..%d) in terms of %s", new String(literal, StandardCharsets.UTF_8), from, to, line).contains(probe);
    }
  }

  @Property(tries = 1000)
  void everyProbeOfAStringSubstringIsATermOfTheLine(
      @ForAll("lines") String line, @ForAll @IntRange(min = 0, max = 10_000) int start, @ForAll @IntRange(min = 0, max = 10_000) int length) {
    int from = line.isEmpty() ? 0 : start % (line.length() + 1);
    int to = from + (line.length() - from == 0 ? 0 : length % (line.length() - from + 1));
    String literal = line.substring(from, to);
    Set<Long> terms = termsOf(line.getBytes(StandardCharsets.UTF_8));
    for (long probe : BloomTerms.probes(literal)) {
      assertThat(terms).as("probe of %s in terms of %s", literal, line).contains(probe);
    }
  }

  @Provide
  Arbitrary<String> lines() {
    // A small alphabet so that tokens repeat, run long (prefix/suffix terms) and meet separators.
    return Arbitraries.strings().withChars("abcxyzAB0129 =._-:\"/é語\t").ofMaxLength(80);
  }

  private static Set<Long> termsOf(byte[] line) {
    Set<Long> terms = new HashSet<>();
    BloomTerms.forEachTerm(line, 0, line.length, terms::add);
    return terms;
  }

  private static java.util.List<Long> boxed(long[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  private static long term(int tag, String bytes) {
    byte[] b = bytes.getBytes(StandardCharsets.UTF_8);
    return BloomTerms.hash(tag, b, 0, b.length);
  }

  @Test
  void termsOfALine() {
    Set<Long> terms = termsOf("level=error user=alice connection refused x".getBytes(StandardCharsets.UTF_8));
    assertThat(terms).containsExactlyInAnyOrder(
        term(0, "level"), term(0, "error"), term(0, "user"), term(0, "alice"),
        term(1, "connec"), term(2, "ection"), term(1, "refuse"), term(2, "efused"));
  }

  @Test
  void probesOfLiterals() {
    assertThat(BloomTerms.probes("error")).as("a bare word may be inside a longer token").isEmpty();
    assertThat(BloomTerms.probes(" error ")).containsExactly(term(0, "error"));
    assertThat(BloomTerms.probes("level=error ")).containsExactly(term(0, "error"));
    assertThat(BloomTerms.probes("user=alice")).isEmpty();
    assertThat(BloomTerms.probes("user=alice123")).containsExactly(term(1, "alice1"));
    assertThat(BloomTerms.probes("connection refused")).containsExactly(term(2, "ection"), term(1, "refuse"));
    assertThat(BloomTerms.probes("a connection refused by"))
        .as("a whole long token is probed by its prefix and suffix")
        .containsExactly(term(1, "connec"), term(2, "ection"), term(1, "refuse"), term(2, "efused"));
    assertThat(BloomTerms.probes(" x ")).as("single-byte tokens are not terms").isEmpty();
    assertThat(BloomTerms.probes("")).isEmpty();
    assertThat(BloomTerms.probes(" 語 ")).containsExactly(term(0, "語"));
    assertThat(BloomTerms.probes(" 語語 ")).containsExactly(term(1, "語語"), term(2, "語語"));
  }

  @Test
  void sixByteTokensAreFoundByPrefixAndSuffixProbes() {
    Set<Long> terms = termsOf("status=failed code".getBytes(StandardCharsets.UTF_8));
    assertThat(terms).containsAll(boxed(BloomTerms.probes("=failed"))).isNotEmpty();
    assertThat(BloomTerms.probes("failed ")).hasSize(1);
    assertThat(terms).containsAll(boxed(BloomTerms.probes("failed ")));
  }
}
