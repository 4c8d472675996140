package dev.tonari.logql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code parse(print(x)).equals(x)} over generated trees of the whole grammar. The generators stay
 * within what LogQL can spell: label names that are not keywords, ranges in whole milliseconds,
 * byte sizes a float64 holds exactly, no binary operation between two literals (Loki folds those).
 */
class LogqlRoundTripPropertyTest {
  @Property(tries = 1000)
  void printedQueriesParseBackToTheSameTree(@ForAll("queries") Expr expr) throws Exception {
    String printed = LogqlPrinter.print(expr);
    assertThat(LogqlParser.parse(printed)).as(printed).isEqualTo(expr);
  }

  @Provide
  Arbitrary<Expr> queries() {
    return Arbitraries.oneOf(logSelectors().map(Expr.class::cast), sampleExpressions(3).map(Expr.class::cast));
  }

  private static Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofMinLength(1).ofMaxLength(6).filter(name -> !Lexer.isKeyword(name));
  }

  private static Arbitrary<String> texts() {
    return Arbitraries.strings().all().ofMaxLength(8);
  }

  private static Arbitrary<Matcher> matchers() {
    return Arbitraries.oneOf(
        Combinators.combine(names(), Arbitraries.of(MatcherType.EQUAL, MatcherType.NOT_EQUAL), texts()).as(Matcher::new),
        Combinators.combine(names(), Arbitraries.of(MatcherType.REGEX, MatcherType.NOT_REGEX), Arbitraries.of("a.+", "x|y", "[0-9]*")).as(Matcher::new));
  }

  private static Arbitrary<LogSelectorExpr> logSelectors() {
    Arbitrary<Matcher> selective = Combinators.combine(names(), texts().filter(t -> !t.isEmpty())).as((n, v) -> new Matcher(n, MatcherType.EQUAL, v));
    return Combinators.combine(selective, matchers().list().ofMaxSize(2), stages().list().ofMaxSize(4))
        .as(
            (first, others, stages) -> {
              List<Matcher> all = new ArrayList<>(others);
              all.add(0, first);
              return new LogSelectorExpr(all, stages);
            })
        .filter(LogqlRoundTripPropertyTest::spellable);
  }

  /**
   * Whether LogQL can spell the pipeline: after {@code drop a} or {@code keep a}, a {@code !=} or
   * {@code !~} line filter is read as a matcher on {@code a} (by Loki's grammar too).
   */
  private static boolean spellable(LogSelectorExpr selector) {
    List<PipelineStage> stages = selector.pipeline();
    for (int i = 0; i + 1 < stages.size(); i++) {
      List<LabelMatcherOrName> labels =
          switch (stages.get(i)) {
            case DropLabels drop -> drop.labels();
            case KeepLabels keep -> keep.labels();
            default -> List.of();
          };
      boolean endsWithName = !labels.isEmpty() && labels.get(labels.size() - 1) instanceof LabelMatcherOrName.Name;
      if (endsWithName
          && stages.get(i + 1) instanceof LineFilter filter
          && (filter.operator() == LineFilterOperator.NOT_CONTAINS || filter.operator() == LineFilterOperator.NOT_MATCHES_REGEX)) {
        return false;
      }
    }
    return true;
  }

  private static Arbitrary<LabelExtraction> extractions() {
    return Combinators.combine(names(), Arbitraries.of("a.b", "x[0]", "request.headers[\"User-Agent\"]", "plain")).as(LabelExtraction::new);
  }

  private static Arbitrary<PipelineStage> stages() {
    Arbitrary<LineFilter> lineFilters =
        Combinators.combine(
                Arbitraries.of(LineFilterOperator.values()),
                Arbitraries.<LineFilterTerm>oneOf(texts().map(LineFilterTerm.Text::new), Arbitraries.of("10.0.0.0/8", "::1").map(LineFilterTerm.Ip::new)).list().ofMinSize(1).ofMaxSize(2))
            .as(LineFilter::new)
            .filter(f -> !f.operator().name().contains("REGEX") || f.alternatives().stream().noneMatch(t -> t instanceof LineFilterTerm.Text text && !isValidRegex(text.value())));
    Arbitrary<LabelFormatting> formattings =
        Arbitraries.<LabelFormatting>oneOf(
            Combinators.combine(names(), names()).as(LabelFormatting.Rename::new),
            Combinators.combine(names(), texts()).as(LabelFormatting.Template::new));
    Arbitrary<LabelMatcherOrName> labelMatchersOrNames = Arbitraries.<LabelMatcherOrName>oneOf(names().map(LabelMatcherOrName.Name::new), matchers().map(LabelMatcherOrName.Match::new));
    return Arbitraries.<PipelineStage>oneOf(
        lineFilters.map(PipelineStage.class::cast),
        extractions().list().ofMaxSize(2).map(JsonParser::new),
        Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false), extractions().list().ofMaxSize(2)).as(LogfmtParser::new),
        Arbitraries.of("(?P<a>\\w+)", "(?P<x>.*) (?P<y>\\d+)").map(RegexpParser::new),
        texts().map(PatternParser::new),
        Arbitraries.just(new UnpackParser()),
        Arbitraries.just(new Decolorize()),
        labelFilters(3).map(LabelFilterStage::new),
        texts().map(LineFormat::new),
        formattings.list().ofMinSize(1).ofMaxSize(3).map(LabelFormat::new),
        labelMatchersOrNames.list().ofMinSize(1).ofMaxSize(3).map(DropLabels::new),
        labelMatchersOrNames.list().ofMinSize(1).ofMaxSize(3).map(KeepLabels::new));
  }

  private static boolean isValidRegex(String text) {
    try {
      LogqlRegex.lineFilterPattern(text);
      return true;
    } catch (LogqlParseException e) {
      return false;
    }
  }

  private static Arbitrary<LabelFilterExpr> labelFilters(int depth) {
    Arbitrary<ComparisonOperator> comparisons = Arbitraries.of(ComparisonOperator.values());
    Arbitrary<Double> numbers =
        Arbitraries.oneOf(Arbitraries.integers().between(-1000, 1000).map(Integer::doubleValue), Arbitraries.doubles().between(-1e30, 1e30), Arbitraries.of(1e-9, 0.5, 1e21, 123.456));
    Arbitrary<Duration> durations =
        Arbitraries.oneOf(
            Arbitraries.longs().between(-10_000_000_000_000L, 10_000_000_000_000L).map(Duration::ofNanos),
            Arbitraries.of(Duration.ofMinutes(90), Duration.ofMillis(250), Duration.ofDays(3)));
    Arbitrary<Long> bytes = Arbitraries.oneOf(Arbitraries.longs().between(0, 1L << 53), Arbitraries.of(1024L, 20_000_000L, 1L << 50, 5L << 40));
    Arbitrary<LabelFilterExpr> atoms =
        Arbitraries.<LabelFilterExpr>oneOf(
            matchers().map(StringLabelFilter::new),
            Combinators.combine(names(), comparisons, numbers.filter(v -> !(v == 0 && 1 / v < 0))).as(NumericLabelFilter::new),
            Combinators.combine(names(), comparisons, durations).as(DurationLabelFilter::new),
            Combinators.combine(names(), comparisons, bytes).as(BytesLabelFilter::new),
            Combinators.combine(names(), Arbitraries.of(ComparisonOperator.EQUAL, ComparisonOperator.NOT_EQUAL), Arbitraries.of("10.0.0.0/8", "::1-::9"))
                .as(IpLabelFilter::new));
    if (depth == 0) {
      return atoms;
    }
    Arbitrary<LabelFilterExpr> smaller = Arbitraries.lazy(() -> labelFilters(depth - 1));
    return Arbitraries.<LabelFilterExpr>frequencyOf(
        net.jqwik.api.Tuple.of(3, atoms),
        net.jqwik.api.Tuple.of(1, Combinators.combine(smaller, smaller).as(AndLabelFilter::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(smaller, smaller).as(OrLabelFilter::new)));
  }

  private static Arbitrary<Grouping> groupings() {
    return Combinators.combine(Arbitraries.of(true, false), names().list().ofMaxSize(3)).as(Grouping::new);
  }

  private static Arbitrary<RangeAggregation> rangeAggregations() {
    Arbitrary<Duration> ranges = Arbitraries.longs().between(1, 400L * 86_400_000L).map(Duration::ofMillis);
    Arbitrary<Duration> offsets =
        Arbitraries.oneOf(Arbitraries.just(Duration.ZERO), ranges, Arbitraries.longs().between(-3_600_000_000_000L, 3_600_000_000_000L).map(Duration::ofNanos));
    Arbitrary<Unwrap> unwraps = Combinators.combine(names(), Arbitraries.of(UnwrapConversion.values()), labelFilters(1).list().ofMaxSize(2)).as(Unwrap::new);
    return Combinators.combine(Arbitraries.of(RangeOperation.values()), logSelectors(), ranges, offsets, unwraps, groupings(), Arbitraries.doubles().between(0, 1))
        .as(
            (operation, selector, range, offset, unwrap, grouping, quantile) ->
                new RangeAggregation(
                    operation,
                    new LogRange(selector, range, offset, operation.unwrapping() == RangeOperation.Unwrapping.FORBIDDEN ? null : unwrap),
                    operation == RangeOperation.QUANTILE_OVER_TIME ? quantile : null,
                    operation.groupingAllowed() ? grouping : null));
  }

  private static Arbitrary<SampleExpr> sampleExpressions(int depth) {
    Arbitrary<SampleExpr> leaves =
        Arbitraries.<SampleExpr>oneOf(
            rangeAggregations().map(SampleExpr.class::cast),
            Arbitraries.doubles().between(0, 1e6).map(VectorExpr::new));
    if (depth == 0) {
      return leaves;
    }
    Arbitrary<SampleExpr> smaller = Arbitraries.lazy(() -> sampleExpressions(depth - 1));
    Arbitrary<SampleExpr> literals =
        Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0)).map(v -> (SampleExpr) new LiteralExpr(v));
    Arbitrary<VectorMatching> matchings =
        Combinators.combine(Arbitraries.of(true, false), names().list().ofMaxSize(2), Arbitraries.of(VectorMatching.Cardinality.values()), names().list().ofMaxSize(2))
            .as((on, labels, cardinality, include) -> new VectorMatching(on, labels, cardinality, cardinality == VectorMatching.Cardinality.ONE_TO_ONE ? List.of() : include));
    Arbitrary<SampleExpr> vectorAggregations =
        Combinators.combine(Arbitraries.of(VectorOperation.values()), smaller, groupings().injectNull(0.3), Arbitraries.integers().between(1, 100))
            .as(
                (operation, inner, grouping, k) -> {
                  Grouping allowed = (operation == VectorOperation.SORT || operation == VectorOperation.SORT_DESC) && grouping != null ? new Grouping(grouping.without(), List.of()) : grouping;
                  return (SampleExpr) new VectorAggregation(operation, inner, allowed, operation.parameterRequired() ? k : null);
                });
    Arbitrary<SampleExpr> binaryOperations =
        Combinators.combine(Arbitraries.of(BinaryOperator.values()), smaller, Arbitraries.oneOf(smaller, literals), Arbitraries.of(true, false), matchings.injectNull(0.5), Arbitraries.of(true, false))
            .as(
                (operator, left, right, returnBool, matching, swap) -> {
                  SampleExpr first = swap && !operator.setOperator() ? right : left;
                  SampleExpr second = swap && !operator.setOperator() ? left : right;
                  if (operator.setOperator() && second instanceof LiteralExpr) {
                    second = first;
                  }
                  return (SampleExpr) new BinaryOperation(operator, first, second, returnBool, matching);
                });
    Arbitrary<SampleExpr> labelReplaces =
        Combinators.combine(smaller, names(), texts(), names(), Arbitraries.of("(.*)", "a(b+)", ".*:(.*)")).as((inner, destination, replacement, source, regex) -> (SampleExpr) new LabelReplace(inner, destination, replacement, source, regex));
    return Arbitraries.<SampleExpr>frequencyOf(
        net.jqwik.api.Tuple.of(3, leaves),
        net.jqwik.api.Tuple.of(2, vectorAggregations),
        net.jqwik.api.Tuple.of(2, binaryOperations),
        net.jqwik.api.Tuple.of(1, labelReplaces));
  }
}
