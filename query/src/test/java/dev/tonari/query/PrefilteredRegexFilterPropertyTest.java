package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LineFilterOperator;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.PrefilteredLinePredicate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A chain with a {@code |~} regex whose literals are known compiles to a {@link
 * PrefilteredLinePredicate}; both ways a store evaluates it (its {@link LinePredicate#test}, and
 * "every literal is in the line, then the confirmation" as the block-wide search does) keep exactly
 * the lines the regex (and the rest of the chain) keeps.
 */
class PrefilteredRegexFilterPropertyTest {
  @Property(tries = 3000)
  void prefilterThenConfirmKeepsExactlyTheMatchingLines(@ForAll("chains") List<LineFilter> chain, @ForAll("lines") List<String> lines) throws Exception {
    LinePredicate compiled = LineFilterCompiler.compile(chain);
    List<Pattern> references = new ArrayList<>();
    for (LineFilter filter : chain) {
      String text = ((dev.tonari.logql.LineFilterTerm.Text) filter.alternatives().get(0)).value();
      references.add(filter.operator() == LineFilterOperator.CONTAINS ? Pattern.compile(Pattern.quote(text)) : Pattern.compile(text, Pattern.UNIX_LINES));
    }
    for (String line : lines) {
      boolean expected = references.stream().allMatch(pattern -> pattern.matcher(line).find());
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      assertThat(compiled.test(bytes, 0, bytes.length)).as("%s on %s", chain, line).isEqualTo(expected);
      if (compiled instanceof PrefilteredLinePredicate prefiltered) {
        boolean hasAll = prefiltered.literals().stream().allMatch(literal -> LiteralLinePredicate.indexOf(bytes, 0, bytes.length, literal) >= 0);
        assertThat(hasAll && prefiltered.confirmation().test(bytes, 0, bytes.length))
            .as("literals then confirmation of %s on %s", chain, line)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void theBenchmarkNeedleInARegexIsPrefilteredByItsLiteral() throws Exception {
    LinePredicate compiled =
        LineFilterCompiler.compile(List.of(new LineFilter(LineFilterOperator.MATCHES_REGEX, "trace_id=f101cfcba875bd89798731830dbebe68.*")));
    assertThat(compiled).isInstanceOf(PrefilteredLinePredicate.class);
    assertThat(((PrefilteredLinePredicate) compiled).literals())
        .extracting(literal -> new String(literal, StandardCharsets.UTF_8))
        .containsExactly("trace_id=f101cfcba875bd89798731830dbebe68");
    // Without a literal there is nothing to search for: the regex stays a plain per-line test.
    assertThat(LineFilterCompiler.compile(List.of(new LineFilter(LineFilterOperator.MATCHES_REGEX, "(?i)error"))))
        .isNotInstanceOf(PrefilteredLinePredicate.class);
    // A chain of plain |= literals stays exactly a literal predicate.
    assertThat(LineFilterCompiler.compile(List.of(new LineFilter(LineFilterOperator.CONTAINS, "error")))).isInstanceOf(LiteralLinePredicate.class);
  }

  @Property(tries = 1)
  void theGeneratedChainsAreMostlyPrefiltered() throws Exception {
    // Guards the generator: the property above only tests the combined path when chains have literals.
    int prefiltered = 0;
    List<List<LineFilter>> samples = chains().sampleStream().limit(300).toList();
    for (List<LineFilter> chain : samples) {
      if (LineFilterCompiler.compile(chain) instanceof PrefilteredLinePredicate) {
        prefiltered++;
      }
    }
    assertThat(prefiltered).isGreaterThan(100);
  }

  @Provide
  Arbitrary<List<LineFilter>> chains() {
    // Regexes that mean the same in RE2 and java.util.regex with UNIX_LINES, most with literals.
    Arbitrary<String> piece = Arbitraries.of("ab", "a", "b", "é", "ab.", ".*", "[ab]", "(ab|a)", "(a|é)b", "b+", "a?", "\\.", "x", "a{2}", "(?:ba)+", "(?i)A");
    Arbitrary<String> regex = piece.list().ofMinSize(1).ofMaxSize(4).map(pieces -> String.join("", pieces));
    Arbitrary<LineFilter> regexFilter = regex.map(text -> new LineFilter(LineFilterOperator.MATCHES_REGEX, text));
    Arbitrary<LineFilter> literalFilter = Arbitraries.of("a", "ab", "b.", "é").map(text -> new LineFilter(LineFilterOperator.CONTAINS, text));
    return Combinators.combine(regexFilter, Arbitraries.oneOf(regexFilter, literalFilter), Arbitraries.integers().between(1, 3))
        .as((first, second, count) -> count == 1 ? List.of(first) : count == 2 ? List.of(first, second) : List.of(second, first));
  }

  @Provide
  Arbitrary<List<String>> lines() {
    return Arbitraries.strings().withChars("ab.éxA\n").ofMaxLength(12).list().ofMinSize(1).ofMaxSize(12);
  }
}
