package dev.tonari.logql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogqlParserTest {
  @Test
  void parsesSelectorWithAllMatcherTypes() throws Exception {
    Expr expr = LogqlParser.parse("{ namespace=\"buzz\", foo != \"bar\", app=~\"api|web\" , env !~ `dev.*` }");
    assertThat(expr)
        .isEqualTo(
            new LogSelectorExpr(
                List.of(
                    new Matcher("namespace", MatcherType.EQUAL, "buzz"),
                    new Matcher("foo", MatcherType.NOT_EQUAL, "bar"),
                    new Matcher("app", MatcherType.REGEX, "api|web"),
                    new Matcher("env", MatcherType.NOT_REGEX, "dev.*"))));
  }

  @Test
  void parsesChainedLineFiltersWithAlternatives() throws Exception {
    Expr expr = LogqlParser.parse("{app=\"a\"} |= \"error\" != \"timeout\" |~ `err\\w+` !~ \"x\" or \"y\" |= ip(\"10.0.0.0/8\")");
    assertThat(expr)
        .isEqualTo(
            new LogSelectorExpr(
                List.of(new Matcher("app", MatcherType.EQUAL, "a")),
                List.of(
                    new LineFilter(LineFilterOperator.CONTAINS, "error"),
                    new LineFilter(LineFilterOperator.NOT_CONTAINS, "timeout"),
                    new LineFilter(LineFilterOperator.MATCHES_REGEX, "err\\w+"),
                    new LineFilter(LineFilterOperator.NOT_MATCHES_REGEX, List.of(new LineFilterTerm.Text("x"), new LineFilterTerm.Text("y"))),
                    new LineFilter(LineFilterOperator.CONTAINS, List.of(new LineFilterTerm.Ip("10.0.0.0/8"))))));
  }

  @Test
  void decodesGoStringEscapes() throws Exception {
    LogSelectorExpr expr = LogqlParser.parseLogSelector("{app=\"a\\\"b\\\\c\\n\\t\\u00e9\\xc3\\xa9\\101\"}");
    assertThat(expr.matchers().get(0).value()).isEqualTo("a\"b\\c\n\té\u00e9A");
  }

  @Test
  void labelNamedIpAndParenthesesAndCommentsAreAccepted() throws Exception {
    Expr expr = LogqlParser.parse("( {ip=\"1.2.3.4\"} # the client\n |= \"x\" )");
    assertThat(expr)
        .isEqualTo(new LogSelectorExpr(List.of(new Matcher("ip", MatcherType.EQUAL, "1.2.3.4")), List.of(new LineFilter(LineFilterOperator.CONTAINS, "x"))));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '¦',
      quoteCharacter = '\'',
      value = {
        // Loki's own parser test cases, with Loki's exact messages.
        "{foo=\"bar}                  ¦ parse error at line 1, col 6: literal not terminated",
        "{foo=\"bar\"                 ¦ parse error at line 1, col 11: syntax error: unexpected $end, expecting } or ,",
        "{foo=\"bar\"} |~             ¦ parse error at line 1, col 15: syntax error: unexpected $end, expecting STRING or ip",
        "{foo=\"bar\"} \"foo\"        ¦ parse error at line 1, col 13: syntax error: unexpected STRING",
        "{foo=\"bar\"} foo            ¦ parse error at line 1, col 13: syntax error: unexpected IDENTIFIER",
        "unk({ foo = \"bar\" }[5m])   ¦ parse error at line 1, col 1: syntax error: unexpected IDENTIFIER",
        // Ours, in the same form.
        "{                            ¦ parse error at line 1, col 2: syntax error: unexpected $end, expecting IDENTIFIER or }",
        "{foo}                        ¦ parse error at line 1, col 5: syntax error: unexpected }, expecting = or =~ or !~ or !=",
        "{foo=bar}                    ¦ parse error at line 1, col 6: syntax error: unexpected IDENTIFIER, expecting STRING",
        "{foo=\"bar\",}               ¦ parse error at line 1, col 12: syntax error: unexpected }, expecting IDENTIFIER",
        "{foo=\"bar\"} |= \"a\" or    ¦ parse error at line 1, col 22: syntax error: unexpected $end, expecting STRING or ip",
        "{foo=\"bar\"} @              ¦ parse error at line 1, col 13: syntax error: unexpected $unk",
        "{foo=\"b\\q\"}               ¦ parse error at line 1, col 8: invalid char escape",
      })
  void refusesInvalidQueriesWithLokiMessages(String query, String message) {
    String trimmedQuery = query.strip();
    String expected = message.strip();
    assertThatThrownBy(() -> LogqlParser.parse(trimmedQuery)).isInstanceOf(LogqlParseException.class).hasMessage(expected);
  }

  @Test
  void reportsLineAndColumnOnLaterLines() {
    assertThatThrownBy(() -> LogqlParser.parse("{app=\"x\"}\n  |= 42"))
        .isInstanceOf(LogqlParseException.class)
        .hasMessage("parse error at line 2, col 6: syntax error: unexpected NUMBER, expecting STRING or ip")
        .satisfies(e -> {
          LogqlParseException parseError = (LogqlParseException) e;
          assertThat(parseError.line()).isEqualTo(2);
          assertThat(parseError.column()).isEqualTo(6);
          assertThat(parseError.unsupported()).isFalse();
        });
  }

  @Test
  void countsColumnsInCodePoints() {
    assertThatThrownBy(() -> LogqlParser.parse("{app=\"\uD83D\uDE00\"} x"))
        .hasMessage("parse error at line 1, col 11: syntax error: unexpected IDENTIFIER");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '¦',
      value = {"{}", "{app=~\".*\"}", "{app=\"\"}", "{app!=\"x\"}", "{app!~\".+\"}", "{a=\"\", b=~\"x*\"}"})
  void refusesSelectorsThatMatchEveryStream(String query) {
    assertThatThrownBy(() -> LogqlParser.parse(query))
        .isInstanceOf(LogqlParseException.class)
        .hasMessage(
            "parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will");
  }

  @Test
  void acceptsASelectiveMatcherBesideEmptyCompatibleOnes() throws Exception {
    assertThat(LogqlParser.parse("{app=~\".+\", env=\"\"}")).isInstanceOf(LogSelectorExpr.class);
    assertThat(LogqlParser.parse("{app!~\"\"}")).isInstanceOf(LogSelectorExpr.class);
  }

  @Test
  void refusesInvalidRegexes() {
    assertThatThrownBy(() -> LogqlParser.parse("{app=~\"(api\"}"))
        .isInstanceOf(LogqlParseException.class)
        .hasMessageStartingWith("parse error : error parsing regexp: missing closing )");
    assertThatThrownBy(() -> LogqlParser.parse("{app=\"x\"} |~ \"a[\""))
        .isInstanceOf(LogqlParseException.class)
        .hasMessageStartingWith("parse error : error parsing regexp: missing closing ]");
  }

  @Test
  void refusesTooLongInput() {
    String query = "{app=\"" + "x".repeat(5200) + "\"}";
    assertThatThrownBy(() -> LogqlParser.parse(query)).hasMessage("parse error : input size too long (5208 > 5120)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '¦',
      value = {
        "rate({app=\"x\"}[5m])",
        "sum by (app) (count_over_time({app=\"x\"}[5m]))",
        "1 + 1",
        "{app=\"x\"} | json",
        "{app=\"x\"} |= \"a\" | logfmt | status >= 500",
      })
  void parsesMetricQueriesAndPipelines(String query) throws Exception {
    assertThat(LogqlParser.parse(query)).isNotNull();
  }

  @Test
  void marksValidButUnsupportedQueries() {
    assertThatThrownBy(() -> LogqlParser.parse("approx_topk(5, rate({app=\"x\"}[5m]))"))
        .isInstanceOf(LogqlParseException.class)
        .satisfies(e -> assertThat(((LogqlParseException) e).unsupported()).isTrue())
        .hasMessageContaining("approx_topk is not supported");
  }

  @Test
  void parseMatchersRefusesPipelines() throws Exception {
    assertThat(LogqlParser.parseMatchers("{a=\"b\"}")).containsExactly(new Matcher("a", MatcherType.EQUAL, "b"));
    assertThatThrownBy(() -> LogqlParser.parseMatchers("{a=\"b\"} |= \"x\"")).hasMessage("parse error : only label matchers is supported");
  }
}
