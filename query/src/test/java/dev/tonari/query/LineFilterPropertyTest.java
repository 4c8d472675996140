package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LineFilterOperator;
import dev.tonari.logql.LineFilterTerm;
import dev.tonari.store.LinePredicate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LineFilterPropertyTest {
  @Property(tries = 2000)
  void literalSearchAgreesWithStringContains(
      @ForAll("lines") String line, @ForAll("lines") String other, @ForAll @IntRange(min = 0, max = 20) int cut, @ForAll @IntRange(min = 0, max = 5) int padding)
      throws Exception {
    // Half of the needles are taken from the line itself so that matches are frequent.
    String needle = cut % 2 == 0 ? substringByCodePoints(line, cut / 2, cut / 2 + 1 + cut % 5) : other;
    LinePredicate contains = LineFilterCompiler.compile(List.of(new LineFilter(LineFilterOperator.CONTAINS, needle)));
    LinePredicate notContains = LineFilterCompiler.compile(List.of(new LineFilter(LineFilterOperator.NOT_CONTAINS, needle)));
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    byte[] padded = pad(bytes, padding);
    assertThat(contains.test(padded, padding, bytes.length)).as("%s contains %s", line.replace("\n", "\\n"), needle).isEqualTo(line.contains(needle));
    assertThat(notContains.test(padded, padding, bytes.length)).isEqualTo(!line.contains(needle));
  }

  @Property(tries = 2000)
  void regexOnBytesAgreesWithJavaRegexOnStrings(@ForAll("lines") String line, @ForAll("regexes") String regex, @ForAll @IntRange(min = 0, max = 3) int padding)
      throws Exception {
    LinePredicate matches = LineFilterCompiler.compile(List.of(new LineFilter(LineFilterOperator.MATCHES_REGEX, regex)));
    LinePredicate notMatches = LineFilterCompiler.compile(List.of(new LineFilter(LineFilterOperator.NOT_MATCHES_REGEX, regex)));
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    boolean expected = java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.UNIX_LINES).matcher(line).find();
    byte[] padded = pad(bytes, padding);
    assertThat(matches.test(padded, padding, bytes.length)).as("%s |~ %s", line, regex).isEqualTo(expected);
    assertThat(notMatches.test(padded, padding, bytes.length)).isEqualTo(!expected);
  }

  /**
   * Case-insensitive regexes, which compile behind an ASCII-case precheck of their literals, keep
   * exactly the lines RE2's own {@code (?i)} finds, Kelvin sign and long s included.
   */
  @Property(tries = 3000)
  void caseInsensitiveRegexesKeepWhatRe2Finds(@ForAll("mixedCaseLines") String line, @ForAll("caseInsensitiveRegexes") String regex) throws Exception {
    LinePredicate matches = LineFilterCompiler.compile(List.of(new LineFilter(LineFilterOperator.MATCHES_REGEX, regex)));
    LinePredicate chained = LineFilterCompiler.compile(
        List.of(new LineFilter(LineFilterOperator.MATCHES_REGEX, regex), new LineFilter(LineFilterOperator.NOT_CONTAINS, "zzz")));
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    boolean expected = com.google.re2j.Pattern.compile(regex).matcher(line).find();
    assertThat(matches.test(bytes, 0, bytes.length)).as("%s |~ %s", line, regex).isEqualTo(expected);
    assertThat(chained.test(bytes, 0, bytes.length)).as("%s |~ %s != zzz", line, regex).isEqualTo(expected && !line.contains("zzz"));
  }

  @Provide
  Arbitrary<String> mixedCaseLines() {
    return Arbitraries.strings().withChars("eErRoOkKsSaA =.:\u212A\u017Fé").ofMaxLength(30);
  }

  @Provide
  Arbitrary<String> caseInsensitiveRegexes() {
    return Arbitraries.of("(?i)error", "(?i)ERROR=.*", "(?i)err(or)?s", "x(?i:ro)r", "(?i)ask", "(?i)k=a", "(?i)sEe|(?i)oK", "(?i)a.b", "(?i)é=e",
        "(?i)Ro:Ra", "(?i)re", "(?i)E");
  }

  @Property(tries = 500)
  void alternativesAndChainsCombineAsLoki(@ForAll("lines") String line) throws Exception {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    List<LineFilterTerm> alternatives = List.of(new LineFilterTerm.Text("a"), new LineFilterTerm.Text("é"));
    LinePredicate any = LineFilterCompiler.compile(List.of(new LineFilter(LineFilterOperator.CONTAINS, alternatives)));
    LinePredicate none = LineFilterCompiler.compile(List.of(new LineFilter(LineFilterOperator.NOT_CONTAINS, alternatives)));
    LinePredicate chain =
        LineFilterCompiler.compile(List.of(new LineFilter(LineFilterOperator.CONTAINS, "a"), new LineFilter(LineFilterOperator.NOT_MATCHES_REGEX, "b+")));
    boolean hasA = line.contains("a");
    boolean hasE = line.contains("é");
    assertThat(any.test(bytes, 0, bytes.length)).isEqualTo(hasA || hasE);
    assertThat(none.test(bytes, 0, bytes.length)).isEqualTo(!hasA && !hasE);
    assertThat(chain.test(bytes, 0, bytes.length)).isEqualTo(hasA && !line.contains("b"));
  }

  @Test
  void caseInsensitiveLiteralsComeFromCaseInsensitiveRegexesAndAreCommonToAllAlternatives() {
    List<LineFilter> filters =
        List.of(
            new LineFilter(LineFilterOperator.CONTAINS, "Error"),
            new LineFilter(LineFilterOperator.MATCHES_REGEX, "(?i)Deadlock detected"),
            new LineFilter(LineFilterOperator.NOT_MATCHES_REGEX, "(?i)never"),
            new LineFilter(LineFilterOperator.MATCHES_REGEX, "plain"),
            new LineFilter(LineFilterOperator.MATCHES_REGEX,
                List.of(new LineFilterTerm.Text("(?i)TIMEOUT after"), new LineFilterTerm.Text("timeout.*"))));
    assertThat(LineFilterCompiler.caseInsensitiveLiterals(filters)).containsExactly("deadlock detected", "timeout");
    assertThat(LineFilterCompiler.requiredLiterals(filters)).containsExactly("Error", "plain");
  }

  @Test
  void requiredLiteralsComeFromPositiveFiltersAndAreCommonToAllAlternatives() {
    List<LineFilter> filters =
        List.of(
            new LineFilter(LineFilterOperator.CONTAINS, "error"),
            new LineFilter(LineFilterOperator.NOT_CONTAINS, "debug"),
            new LineFilter(LineFilterOperator.CONTAINS, ""),
            new LineFilter(LineFilterOperator.CONTAINS, List.of(new LineFilterTerm.Text("x"), new LineFilterTerm.Text("y"))),
            new LineFilter(LineFilterOperator.MATCHES_REGEX, "abc"),
            new LineFilter(LineFilterOperator.NOT_MATCHES_REGEX, "never"),
            new LineFilter(LineFilterOperator.MATCHES_REGEX, List.of(new LineFilterTerm.Text("get /a.*z"), new LineFilterTerm.Text("put /a+"))),
            new LineFilter(LineFilterOperator.CONTAINS, "timeout"));
    assertThat(LineFilterCompiler.requiredLiterals(filters)).containsExactly("error", "abc", "timeout");
  }

  @Provide
  Arbitrary<String> lines() {
    // Whole code points only: a lone surrogate has no UTF-8 form, so no line can hold one.
    Arbitrary<String> small = Arbitraries.of("a", "b", "é", "€", "😀", " ", "\n").list().ofMaxSize(30).map(parts -> String.join("", parts));
    Arbitrary<String> unicode =
        Arbitraries.integers()
            .between(1, 0x10FFFF)
            .filter(codePoint -> codePoint < 0xD800 || codePoint > 0xDFFF)
            .list()
            .ofMaxSize(25)
            .map(codePoints -> new String(codePoints.stream().mapToInt(Integer::intValue).toArray(), 0, codePoints.size()));
    return Arbitraries.oneOf(small, small, unicode);
  }

  @Provide
  Arbitrary<String> regexes() {
    // Regexes that mean the same in RE2 and java.util.regex with UNIX_LINES (RE2's $ is Java's \z).
    return Arbitraries.of("a", "é+", "a.b", "^a", "b\\z", "(a|é)b", "[a-z]+", "😀", "a*", "\\d", "(?i)A", "€.*€", "[^a]", "ab?é");
  }

  private static String substringByCodePoints(String text, int from, int to) {
    int count = text.codePointCount(0, text.length());
    int start = Math.min(from, count);
    int end = Math.min(to, count);
    return text.substring(text.offsetByCodePoints(0, start), text.offsetByCodePoints(0, end));
  }

  private static byte[] pad(byte[] bytes, int padding) {
    byte[] padded = new byte[bytes.length + 2 * padding];
    java.util.Arrays.fill(padded, (byte) 'a');
    System.arraycopy(bytes, 0, padded, padding, bytes.length);
    return padded;
  }
}
