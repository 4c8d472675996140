package dev.tonari.logql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Trees and messages for pipelines and metric queries, following Loki's grammar and checks. */
class LogqlMetricParserTest {
  private static final List<Matcher> APP = List.of(new Matcher("app", MatcherType.EQUAL, "x"));

  @Test
  void parsesTheBenchmarkQueryIntoTheExpectedTree() throws Exception {
    Expr expr = LogqlParser.parse("sum by (app) (rate({app=\"x\"} | logfmt | status >= 500 [5m]))");
    LogSelectorExpr selector = new LogSelectorExpr(APP, List.of(new LogfmtParser(), new LabelFilterStage(new NumericLabelFilter("status", ComparisonOperator.GREATER_OR_EQUAL, 500))));
    assertThat(expr)
        .isEqualTo(new VectorAggregation(VectorOperation.SUM, new RangeAggregation(RangeOperation.RATE, new LogRange(selector, Duration.ofMinutes(5))), Grouping.by("app")));
    assertThat(LogqlPrinter.print(expr)).isEqualTo("sum by (app) (rate({app=\"x\"} | logfmt | status >= 500 [5m]))");
  }

  @Test
  void rangeBeforeOrAfterThePipelineAndGroupingBeforeOrAfterTheArgumentsAreTheSame() throws Exception {
    assertThat(LogqlParser.parse("sum(rate({app=\"x\"}[5m] | json)) by (a)")).isEqualTo(LogqlParser.parse("sum by (a) (rate({app=\"x\"} | json [5m]))"));
    assertThat(LogqlParser.parse("count_over_time(({app=\"x\"} | json)[1h30m] offset 1d)"))
        .isEqualTo(
            new RangeAggregation(
                RangeOperation.COUNT_OVER_TIME, new LogRange(new LogSelectorExpr(APP, List.of(new JsonParser())), Duration.ofMinutes(90), Duration.ofDays(1), null)));
  }

  @Test
  void parsesUnwrapWithConversionAndPostFilters() throws Exception {
    Expr expr = LogqlParser.parse("quantile_over_time(0.99, {app=\"x\"} | json | unwrap duration(latency) | __error__=\"\" [1m]) by (path)");
    assertThat(expr)
        .isEqualTo(
            new RangeAggregation(
                RangeOperation.QUANTILE_OVER_TIME,
                new LogRange(
                    new LogSelectorExpr(APP, List.of(new JsonParser())),
                    Duration.ofMinutes(1),
                    Duration.ZERO,
                    new Unwrap("latency", UnwrapConversion.DURATION, List.of(new StringLabelFilter(new Matcher("__error__", MatcherType.EQUAL, ""))))),
                0.99,
                Grouping.by("path")));
  }

  @Test
  void parsesEveryPipelineStage() throws Exception {
    LogSelectorExpr expr =
        LogqlParser.parseLogSelector(
            "{app=\"x\"} | json a=\"b.c\", d | logfmt --strict --keep-empty e | regexp `(?P<m>\\w+)` | pattern \"<_> <p>\" | unpack | decolorize"
                + " | line_format \"{{.a}}\" | label_format f=g, h=\"{{.i}}\" | drop j, k=\"l\" | keep m | n > 1.5s | o <= 20MB | p = ip(\"10.0.0.0/8\")");
    assertThat(expr.pipeline())
        .containsExactly(
            new JsonParser(List.of(new LabelExtraction("a", "b.c"), new LabelExtraction("d", "d"))),
            new LogfmtParser(true, true, List.of(new LabelExtraction("e", "e"))),
            new RegexpParser("(?P<m>\\w+)"),
            new PatternParser("<_> <p>"),
            new UnpackParser(),
            new Decolorize(),
            new LineFormat("{{.a}}"),
            new LabelFormat(List.of(new LabelFormatting.Rename("f", "g"), new LabelFormatting.Template("h", "{{.i}}"))),
            new DropLabels(List.of(new LabelMatcherOrName.Name("j"), new LabelMatcherOrName.Match(new Matcher("k", MatcherType.EQUAL, "l")))),
            new KeepLabels(List.of(new LabelMatcherOrName.Name("m"))),
            new LabelFilterStage(new DurationLabelFilter("n", ComparisonOperator.GREATER, Duration.ofMillis(1500))),
            new LabelFilterStage(new BytesLabelFilter("o", ComparisonOperator.LESS_OR_EQUAL, 20_000_000L)),
            new LabelFilterStage(new IpLabelFilter("p", ComparisonOperator.EQUAL, "10.0.0.0/8")));
  }

  @Test
  void commaAndJuxtapositionAndTheRestOfTheChainAsLokisGrammarDoes() throws Exception {
    LabelFilterExpr a = new StringLabelFilter(new Matcher("a", MatcherType.EQUAL, "1"));
    LabelFilterExpr b = new StringLabelFilter(new Matcher("b", MatcherType.EQUAL, "2"));
    LabelFilterExpr c = new StringLabelFilter(new Matcher("c", MatcherType.EQUAL, "3"));
    assertThat(labelFilter("a=\"1\" or b=\"2\" and c=\"3\"")).isEqualTo(new OrLabelFilter(a, new AndLabelFilter(b, c)));
    assertThat(labelFilter("a=\"1\" and b=\"2\" or c=\"3\"")).isEqualTo(new OrLabelFilter(new AndLabelFilter(a, b), c));
    assertThat(labelFilter("a=\"1\" or b=\"2\", c=\"3\"")).isEqualTo(new OrLabelFilter(a, new AndLabelFilter(b, c)));
    assertThat(labelFilter("a=\"1\", b=\"2\" or c=\"3\"")).isEqualTo(new AndLabelFilter(a, new OrLabelFilter(b, c)));
    assertThat(labelFilter("a=\"1\" b=\"2\" c=\"3\"")).isEqualTo(new AndLabelFilter(a, new AndLabelFilter(b, c)));
    assertThat(labelFilter("(a=\"1\" or b=\"2\") and c=\"3\"")).isEqualTo(new AndLabelFilter(new OrLabelFilter(a, b), c));
  }

  private static LabelFilterExpr labelFilter(String text) throws LogqlParseException {
    return ((LabelFilterStage) LogqlParser.parseLogSelector("{app=\"x\"} | " + text).pipeline().get(0)).filter();
  }

  @Test
  void binaryOperatorsFollowPrometheusPrecedenceAndFoldLiterals() throws Exception {
    SampleExpr rate = LogqlParser.parseSampleExpr("rate({app=\"x\"}[1m])");
    assertThat(LogqlParser.parse("rate({app=\"x\"}[1m]) + rate({app=\"x\"}[1m]) * 2 ^ 3 ^ 2"))
        .isEqualTo(new BinaryOperation(BinaryOperator.ADD, rate, new BinaryOperation(BinaryOperator.MULTIPLY, rate, new LiteralExpr(512))));
    assertThat(LogqlParser.parse("(1 + 2) * 3 > bool 8")).isEqualTo(new LiteralExpr(1));
    assertThat(LogqlParser.parse("-1 * vector(2)")).isEqualTo(new BinaryOperation(BinaryOperator.MULTIPLY, new LiteralExpr(-1), new VectorExpr(2)));
    assertThat(LogqlParser.parse("rate({app=\"x\"}[1m]) / ignoring (pod) group_left (team) rate({app=\"x\"}[1m])"))
        .isEqualTo(
            new BinaryOperation(
                BinaryOperator.DIVIDE, rate, rate, false, new VectorMatching(false, List.of("pod"), VectorMatching.Cardinality.MANY_TO_ONE, List.of("team"))));
    assertThat(LogqlParser.parse("rate({app=\"x\"}[1m]) > ignoring () rate({app=\"x\"}[1m])")).isEqualTo(new BinaryOperation(BinaryOperator.GREATER, rate, rate));
  }

  @Test
  void keywordsAreCaseInsensitiveAndFunctionNamesAreLabelsWhenNotCalled() throws Exception {
    assertThat(LogqlParser.parse("SUM BY (app) (RATE({app=\"x\"} | JSON | bytes > 1KiB and duration > 1s [5m]))"))
        .isEqualTo(LogqlParser.parse("sum by (app) (rate({app=\"x\"} | json | bytes > 1KiB and duration > 1s [5m]))"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '¦',
      value = {
        // Loki's semantic checks, reported without a position.
        "sum_over_time({app=\"x\"}[5m])                         ¦ parse error : invalid aggregation sum_over_time without unwrap",
        "count_over_time({app=\"x\"} | unwrap v [5m])            ¦ parse error : invalid aggregation count_over_time with unwrap",
        "count_over_time({app=\"x\"}[5m]) by (a)                 ¦ parse error : grouping not allowed for count_over_time aggregation",
        "sum_over_time({app=\"x\"} | unwrap v [5m]) by (a)       ¦ parse error : grouping not allowed for sum_over_time aggregation",
        "quantile_over_time({app=\"x\"} | unwrap v [5m])         ¦ parse error : parameter required for operation quantile_over_time",
        "rate(0.5, {app=\"x\"}[5m])                              ¦ parse error : parameter 0.5 not supported for operation rate",
        "topk(sum(rate({app=\"x\"}[5m])))                        ¦ parse error : parameter required for operation topk",
        "topk(0, rate({app=\"x\"}[5m]))                          ¦ parse error : invalid parameter (must be greater than 0) topk(0",
        "topk(1.5, rate({app=\"x\"}[5m]))                        ¦ parse error : invalid parameter topk(1.5,",
        "sum(2, rate({app=\"x\"}[5m]))                           ¦ parse error : unsupported parameter for operation sum(2,",
        "1 and rate({app=\"x\"}[5m])                             ¦ parse error : unexpected literal for left leg of logical/set binary operation (and): 1.000000",
        "{app=\"x\"} + 1                                         ¦ parse error : unexpected type for left leg of binary operation (+): *syntax.MatchersExpr",
        "rate({app=\"x\"}[5m]) > {app=\"x\"} |= \"a\"            ¦ parse error : unexpected type for right leg of binary operation (>): *syntax.PipelineExpr",
        "rate({app=~\".*\"}[5m])                                 ¦ parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will",
        // Syntax errors, with a position.
        "rate({app=\"x\"}[5x])                                   ¦ parse error at line 1, col 15: unknown unit \"x\" in duration \"5x\"",
        "{app=\"x\"}[5m]                                         ¦ parse error at line 1, col 10: syntax error: unexpected RANGE",
        "{json=\"x\"}                                            ¦ parse error at line 1, col 2: syntax error: unexpected json, expecting IDENTIFIER or }",
        "max_over_time({app=\"x\"} | logfmt | unwrap offset [1m]) ¦ parse error at line 1, col 43: syntax error: unexpected offset, expecting IDENTIFIER or BYTES_CONV or DURATION_CONV or DURATION_SECONDS_CONV",
        "{app=\"x\"} | unwrap v                                  ¦ parse error at line 1, col 13: syntax error: unexpected unwrap",
      })
  void refusesInvalidQueriesWithLokisMessages(String query, String message) {
    assertThatThrownBy(() -> LogqlParser.parse(query.strip())).isInstanceOf(LogqlParseException.class).hasMessage(message.strip());
  }

  @Test
  void refusesGroupingLabelsOnSortWithLokisMessage() throws Exception {
    // Loki's message ends with a space.
    assertThatThrownBy(() -> LogqlParser.parse("sort by (a) (rate({app=\"x\"}[5m]))")).hasMessage("parse error : sort and sort_desc doesn't allow grouping by ");
    assertThat(LogqlParser.parse("sort_desc by () (rate({app=\"x\"}[5m]))")).isInstanceOf(VectorAggregation.class);
  }

  @Test
  void aSyntaxErrorLaterInTheQueryWinsOverASemanticErrorAsInLoki() {
    assertThatThrownBy(() -> LogqlParser.parse("sum_over_time({app=\"x\"}[5m]) +"))
        .hasMessage("parse error at line 1, col 31: syntax error: unexpected $end");
  }

  @Test
  void printsCanonically() throws Exception {
    assertThat(LogqlPrinter.print(LogqlParser.parse("topk by(a)(5,sum(rate({app=\"x\"}|json|a=\"b\" or c>1,d<2[90m]offset 1d)))*on(a)group_left()(vector(1)+vector(2))")))
        .isEqualTo("topk by (a) (5, sum(rate({app=\"x\"} | json | a=\"b\" or c > 1 and d < 2 [1h30m] offset 1d))) * on (a) group_left () (vector(1) + vector(2))");
  }
}
