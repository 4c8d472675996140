package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.junit.jupiter.api.Test;

class RegexLiteralsTest {
  @Test
  void literalsOfCommonFilterRegexes() {
    assertThat(RegexLiterals.requiredLiterals("error")).containsExactly("error");
    assertThat(RegexLiterals.requiredLiterals("error.*timeout")).containsExactly("timeout", "error");
    assertThat(RegexLiterals.requiredLiterals("(GET|POST) /api/v1")).containsExactly(" /api/v1");
    assertThat(RegexLiterals.requiredLiterals("status=(500|503)")).containsExactly("status=");
    assertThat(RegexLiterals.requiredLiterals("status=5\\d\\d")).containsExactly("status=5");
    assertThat(RegexLiterals.requiredLiterals("user_id=\\d+ failed")).containsExactly("user_id=", " failed");
    assertThat(RegexLiterals.requiredLiterals("abc+")).containsExactly("ab", "c");
    assertThat(RegexLiterals.requiredLiterals("abc*d")).containsExactly("ab", "d");
    assertThat(RegexLiterals.requiredLiterals("abc?d")).containsExactly("ab", "d");
    assertThat(RegexLiterals.requiredLiterals("(abc){2,}")).containsExactly("abc");
    assertThat(RegexLiterals.requiredLiterals("(abc){0,3}x")).containsExactly("x");
    assertThat(RegexLiterals.requiredLiterals("(?P<method>GET) (?:/a|/a/b)")).containsExactly("GET ", "/a");
    assertThat(RegexLiterals.requiredLiterals("\\Qa.b*c\\E")).containsExactly("a.b*c");
    assertThat(RegexLiterals.requiredLiterals("10\\.0\\.0\\.1")).containsExactly("10.0.0.1");
    assertThat(RegexLiterals.requiredLiterals("\\x{e9}t\\x65")).containsExactly("éte");
    assertThat(RegexLiterals.requiredLiterals("a{b")).containsExactly("a{b");
    assertThat(RegexLiterals.requiredLiterals("(?s)foo.bar")).containsExactly("bar", "foo");
  }

  @Test
  void givesNothingWhenNothingIsCertain() {
    assertThat(RegexLiterals.requiredLiterals("(?i)error")).isEmpty();
    assertThat(RegexLiterals.requiredLiterals("x(?i:error)")).isEmpty();
    assertThat(RegexLiterals.requiredLiterals("error|warn")).isEmpty();
    assertThat(RegexLiterals.requiredLiterals("(error)?")).isEmpty();
    assertThat(RegexLiterals.requiredLiterals("[abc]+")).isEmpty();
    assertThat(RegexLiterals.requiredLiterals(".*")).isEmpty();
    assertThat(RegexLiterals.requiredLiterals("\\pL+\\p{Greek}")).isEmpty();
    assertThat(RegexLiterals.requiredLiterals("")).isEmpty();
    assertThat(RegexLiterals.requiredLiterals("a(")).isEmpty();
  }

  @Test
  void caseInsensitiveRegexesGiveLiteralsUpToCase() {
    assertThat(RegexLiterals.caseInsensitiveLiterals("(?i)error")).containsExactly("error");
    assertThat(RegexLiterals.caseInsensitiveLiterals("(?i)trace_id=4BF92F35.*")).containsExactly("trace_id=4bf92f35");
    assertThat(RegexLiterals.caseInsensitiveLiterals("x(?i:Error) (?-i)Code=\\d+")).containsExactly("xerror code=");
    assertThat(RegexLiterals.caseInsensitiveLiterals("(?i:DEADLOCK) detected|deadlock (?i)DETECTED")).containsExactly("deadlock detected");
    assertThat(RegexLiterals.caseInsensitiveLiterals("(?is)foo.bar")).containsExactly("bar", "foo");
    assertThat(RegexLiterals.caseInsensitiveLiterals("(?i)error|warn")).isEmpty();
    // Without a case-insensitive flag the exact literals are the answer, and this gives none.
    assertThat(RegexLiterals.caseInsensitiveLiterals("error")).isEmpty();
    assertThat(RegexLiterals.caseInsensitiveLiterals("(?i)a(")).isEmpty();
  }

  /**
   * Never a false exclusion ignoring case: whenever a random regex with case-insensitive parts
   * matches a random line, RE2's {@code (?i)} finds every extracted literal in the line.
   */
  @Property(tries = 3000)
  void everyMatchContainsEveryCaseInsensitiveLiteralUpToCase(@ForAll("caseInsensitiveRegexAndLines") Tuple.Tuple2<String, List<String>> regexAndLines) {
    String regex = regexAndLines.get1();
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException invalid) {
      return;
    }
    List<String> literals = RegexLiterals.caseInsensitiveLiterals(regex);
    for (String line : regexAndLines.get2()) {
      if (pattern.matcher(line).find()) {
        for (String literal : literals) {
          assertThat(Pattern.compile("(?i)" + Pattern.quote(literal)).matcher(line).find())
              .as("regex %s matched %s, literal %s", regex, line, literal).isTrue();
        }
      }
    }
  }

  @Provide
  Arbitrary<Tuple.Tuple2<String, List<String>>> caseInsensitiveRegexAndLines() {
    Arbitrary<String> regex = Combinators.combine(Arbitraries.of("(?i)", "(?i:", "x(?i)", "(?-i)", ""), regex(2), Arbitraries.strings()
            .withChars("aBkK").ofMaxLength(2))
        .as((flag, body, tail) -> flag.equals("(?i:") ? flag + body + ")" + tail : flag + body + tail);
    // Both cases, and the Kelvin sign that RE2 folds with k.
    Arbitrary<String> line = Arbitraries.strings().withChars("aAbBcCkK\u212A.-{}1é").ofMaxLength(14);
    return Combinators.combine(regex, line.list().ofMinSize(1).ofMaxSize(20)).as(Tuple::of);
  }

  @Test
  void classesSplitRunsAndTheirContentIsNotALiteral() {
    assertThat(RegexLiterals.requiredLiterals("ab[]c-d]ef")).containsExactly("ab", "ef");
    assertThat(RegexLiterals.requiredLiterals("ab[[:alpha:]\\]x]ef")).containsExactly("ab", "ef");
    assertThat(RegexLiterals.requiredLiterals("ab[^)|]ef")).containsExactly("ab", "ef");
  }

  /**
   * Never a false exclusion: whenever a random regex matches a random line, the line contains
   * every literal extracted from the regex.
   */
  @Property(tries = 3000)
  @StatisticsReport(format = net.jqwik.api.statistics.Histogram.class)
  void everyMatchContainsEveryExtractedLiteral(@ForAll("regexAndLines") Tuple.Tuple2<String, List<String>> regexAndLines) {
    String regex = regexAndLines.get1();
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException invalid) {
      return;
    }
    List<String> literals = RegexLiterals.requiredLiterals(regex);
    for (String line : regexAndLines.get2()) {
      boolean matched = pattern.matcher(line).find();
      Statistics.collect(matched && !literals.isEmpty());
      if (matched) {
        for (String literal : literals) {
          assertThat(line).as("regex %s matched, literals %s", regex, literals).contains(literal);
        }
      }
    }
  }

  @Property(tries = 1)
  void thePropertyTestsMatchesThatHaveLiterals() {
    // Guards the generator: without matches of regexes that have literals the property above proves nothing.
    int checked = 0;
    java.util.Random random = new java.util.Random(7);
    String[] regexes = {"ab", "a.c", "(ab|ab)c+", "1-{2}", "é+b"};
    for (String regex : regexes) {
      for (int i = 0; i < 200; i++) {
        StringBuilder line = new StringBuilder();
        for (int j = 0; j < 8; j++) {
          line.append("abc.-{}1é".charAt(random.nextInt(9)));
        }
        if (Pattern.compile(regex).matcher(line).find() && !RegexLiterals.requiredLiterals(regex).isEmpty()) {
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(50);
  }

  @Provide
  Arbitrary<Tuple.Tuple2<String, List<String>>> regexAndLines() {
    Arbitrary<String> regex = regex(3);
    // Lines from the same small alphabet, some built from the regex's own characters, so that matches are frequent.
    Arbitrary<String> line = Arbitraries.strings().withChars("abc.-{}1é").ofMaxLength(14);
    return Combinators.combine(regex, line.list().ofMinSize(1).ofMaxSize(20)).as(Tuple::of);
  }

  private Arbitrary<String> regex(int depth) {
    Arbitrary<String> atom =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("abc-1é").ofMinLength(1).ofMaxLength(3),
            Arbitraries.of(".", "\\.", "[ab]", "[^a]", "\\d", "\\w", "\\{", "{", "}", "^", "$", "\\b", "\\x61", "\\Qa.\\E", "(?s)", "\\pL"));
    if (depth == 0) {
      return atom;
    }
    Arbitrary<String> inner = regex(depth - 1);
    Arbitrary<String> quantifier = Arbitraries.of("", "", "", "*", "+", "?", "{2}", "{0,2}", "{1,}", "+?", "{1}");
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Combinators.combine(atom, quantifier).as((a, q) -> a + q),
            Combinators.combine(inner, quantifier).as((i, q) -> "(" + i + ")" + q),
            Combinators.combine(inner, quantifier).as((i, q) -> "(?:" + i + ")" + q),
            Combinators.combine(inner, inner).as((a, b) -> "(" + a + "|" + b + ")"),
            Combinators.combine(inner, inner).as((a, b) -> a + "|" + b));
    return piece.list().ofMinSize(1).ofMaxSize(4).map(pieces -> String.join("", pieces));
  }
}
