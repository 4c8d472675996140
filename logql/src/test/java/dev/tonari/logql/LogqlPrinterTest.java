package dev.tonari.logql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LogqlPrinterTest {
  @Test
  void printsCanonicalForm() throws Exception {
    Expr expr = LogqlParser.parse("{ app = \"api\",env=~`prod|dev` }|=\"a\\\"b\"   !~ \"x\" or \"y\" != ip(\"1.2.3.4\")");
    assertThat(LogqlPrinter.print(expr)).isEqualTo("{app=\"api\", env=~\"prod|dev\"} |= \"a\\\"b\" !~ \"x\" or \"y\" != ip(\"1.2.3.4\")");
  }

  @Test
  void escapesControlCharactersAsGo() {
    StringBuilder out = new StringBuilder();
    LogqlPrinter.appendQuoted(out, "a\u0001\n\u007f\u0085é");
    assertThat(out).hasToString("\"a\\x01\\n\\x7f\\u0085é\"");
  }

  @Property(tries = 500)
  void parsingThePrintedFormGivesTheSameExpression(@ForAll("selectors") LogSelectorExpr expr) throws Exception {
    String printed = LogqlPrinter.print(expr);
    assertThat(LogqlParser.parse(printed)).as(printed).isEqualTo(expr);
    assertThat(LogqlPrinter.print(LogqlParser.parse(printed))).isEqualTo(printed);
  }

  @Provide
  Arbitrary<LogSelectorExpr> selectors() {
    Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('_', 'A', 'Z', '0').ofMinLength(1).ofMaxLength(8)
        .filter(name -> !Character.isDigit(name.charAt(0)) && !Lexer.isKeyword(name));
    // Any text, including quotes, backslashes, control characters and astral code points.
    Arbitrary<String> texts = Arbitraries.strings().all().ofMaxLength(12);
    Arbitrary<String> regexes = Arbitraries.of("api", ".+", "a|b", "x.*y", "[0-9]+", "(?i)err", "\\d{2,3}", "é+", "\\\\\"");
    Arbitrary<Matcher> matchers =
        Arbitraries.oneOf(
            Combinators.combine(names, Arbitraries.of(MatcherType.EQUAL, MatcherType.NOT_EQUAL), texts).as(Matcher::new),
            Combinators.combine(names, Arbitraries.of(MatcherType.REGEX, MatcherType.NOT_REGEX), regexes).as(Matcher::new));
    Arbitrary<Matcher> selective = Combinators.combine(names, texts.filter(t -> !t.isEmpty())).as((name, value) -> new Matcher(name, MatcherType.EQUAL, value));
    Arbitrary<LineFilterTerm> literalTerms =
        Arbitraries.oneOf(texts.map(LineFilterTerm.Text::new), Arbitraries.of("10.0.0.1", "192.168.0.0/16").map(LineFilterTerm.Ip::new));
    Arbitrary<LineFilter> literalFilters =
        Combinators.combine(Arbitraries.of(LineFilterOperator.CONTAINS, LineFilterOperator.NOT_CONTAINS), literalTerms.list().ofMinSize(1).ofMaxSize(3))
            .as(LineFilter::new);
    Arbitrary<LineFilter> regexFilters =
        Combinators.combine(
                Arbitraries.of(LineFilterOperator.MATCHES_REGEX, LineFilterOperator.NOT_MATCHES_REGEX),
                regexes.map(r -> (LineFilterTerm) new LineFilterTerm.Text(r)).list().ofMinSize(1).ofMaxSize(2))
            .as(LineFilter::new);
    Arbitrary<List<PipelineStage>> pipelines = Arbitraries.oneOf(literalFilters, regexFilters).map(f -> (PipelineStage) f).list().ofMaxSize(4);
    return Combinators.combine(selective, matchers.list().ofMaxSize(3), pipelines)
        .as(
            (first, others, pipeline) -> {
              List<Matcher> all = new ArrayList<>(others);
              all.add(Math.min(1, all.size()), first);
              return new LogSelectorExpr(all, pipeline);
            });
  }
}
