package dev.tonari.query.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.RangeAggregation;
import dev.tonari.logql.SampleExpr;
import dev.tonari.logql.VectorAggregation;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.RecordingLogStore;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.Utf8;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Loki's "no labels" hint ({@code pkg/logql/syntax/extractor.go} and {@code log/parser_hints.go}):
 * where the samples keep no label and the pipeline reads none, no parser runs, so lines that are
 * not JSON (or logfmt) neither fail the query nor are told apart. The rule's cases first, where it
 * applies and where it does not, then the answers end to end.
 */
class UnusedParsersTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final Labels API = Labels.of("app", "api");

  private final RecordingLogStore store = new RecordingLogStore();
  private final MetricQueryEngine engine = new MetricQueryEngine(store, QueryLimits.defaults());

  @Test
  void samplesKeepNoLabelUnderASumWithoutGroupingOrWithAnEmptyOneAndInAbsentOverTime() throws Exception {
    assertThat(keepNoLabel("sum(count_over_time({app=\"api\"} | json [1m]))")).isTrue();
    assertThat(keepNoLabel("sum by () (rate({app=\"api\"} | logfmt [1m]))")).isTrue();
    assertThat(keepNoLabel("sum without () (bytes_rate({app=\"api\"} | json [1m]))")).isTrue();
    assertThat(keepNoLabel("absent_over_time({app=\"api\"} | json [1m])")).isTrue();
  }

  @Test
  void samplesKeepLabelsUnderAGroupingThatNamesOneOrWithoutASumAboveOrUnderAnotherAggregation() throws Exception {
    assertThat(keepNoLabel("sum by (level) (count_over_time({app=\"api\"} | json [1m]))")).isFalse();
    assertThat(keepNoLabel("sum without (level) (count_over_time({app=\"api\"} | json [1m]))")).isFalse();
    assertThat(keepNoLabel("count_over_time({app=\"api\"} | json [1m])")).isFalse();
    // Loki hands a grouping down from sum only (canInjectVectorGrouping).
    assertThat(keepNoLabel("max(count_over_time({app=\"api\"} | json [1m]))")).isFalse();
    assertThat(keepNoLabel("sum(avg_over_time({app=\"api\"} | json | unwrap latency [1m]))")).isFalse();
  }

  @Test
  void parsersGoWhenTheSamplesKeepNoLabelAndOnlyLineFiltersAndDecolorizeRemain() throws Exception {
    RangeAggregation range = range("count_over_time({app=\"api\"} |= \"a\" | json | decolorize != \"b\" | logfmt | unpack | pattern \"<x>\" | regexp \"(?P<y>.)\" [1m])");
    assertThat(UnusedParsers.apply(range.range().selector().pipeline(), true, false))
        .isEqualTo(range("count_over_time({app=\"api\"} |= \"a\" | decolorize != \"b\" [1m])").range().selector().pipeline());
  }

  @Test
  void dropAndKeepReadNoLabelSoTheParsersBeforeThemGoToo() throws Exception {
    RangeAggregation range = range("count_over_time({app=\"api\"} | json | drop level | keep app [1m])");
    assertThat(UnusedParsers.apply(range.range().selector().pipeline(), true, false))
        .isEqualTo(range("count_over_time({app=\"api\"} | drop level | keep app [1m])").range().selector().pipeline());
  }

  @Test
  void parsersStayWhenAStageMayReadTheirLabelsOrSomethingIsUnwrappedOrLabelsAreKept() throws Exception {
    for (String pipeline : List.of("| json | level=\"error\"", "| json | __error__=\"\"", "| json | line_format \"{{.msg}}\"",
        "| json | label_format lvl=level")) {
      var stages = range("count_over_time({app=\"api\"} " + pipeline + " [1m])").range().selector().pipeline();
      assertThat(UnusedParsers.apply(stages, true, false)).as(pipeline).isSameAs(stages);
    }
    var stages = range("count_over_time({app=\"api\"} | json [1m])").range().selector().pipeline();
    assertThat(UnusedParsers.apply(stages, true, true)).as("unwrapped").isSameAs(stages);
    assertThat(UnusedParsers.apply(stages, false, false)).as("labels kept").isSameAs(stages);
  }

  @Test
  void aSumOfLinesThatAreNotAllJsonCountsThemAllWhereAGroupedSumRefuses() throws Exception {
    push(API, entry(1, "{\"level\":\"info\"}"), entry(2, "not json at all"), entry(3, "{\"level\":\"error\"}"));
    assertThat(instant("sum(count_over_time({app=\"api\"} | json [1m]))")).containsExactly(Map.entry(Labels.EMPTY, 3.0));
    assertThat(instant("sum(count_over_time({app=\"api\"} | logfmt --strict [1m]))")).containsExactly(Map.entry(Labels.EMPTY, 3.0));
    // With a grouping (Loki hints "level") or no sum above, the parser runs and the line fails the query.
    for (String query : List.of("sum by (level) (count_over_time({app=\"api\"} | json [1m]))", "count_over_time({app=\"api\"} | json [1m])")) {
      assertThatThrownBy(() -> instant(query)).as(query)
          .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.getMessage()).startsWith("pipeline error: 'JSONParserErr'"));
    }
    // keep never removes __error__, so parsing the line would refuse the query; Loki runs no parser here.
    assertThat(instant("sum(count_over_time({app=\"api\"} | json | keep level [1m]))")).containsExactly(Map.entry(Labels.EMPTY, 3.0));
    // A label filter reads parsed labels: the parser runs, and __error__="" keeps the good lines.
    assertThat(instant("sum(count_over_time({app=\"api\"} | json | __error__=\"\" [1m]))")).containsExactly(Map.entry(Labels.EMPTY, 2.0));
  }

  @Test
  void aLineFilterAfterASkippedParserRunsInTheStoreAndUnpackDoesNotReplaceTheLine() throws Exception {
    String packed = "{\"_entry\":\"short\",\"pod\":\"p-1\"}";
    push(API, entry(1, packed), entry(2, "{\"_entry\":\"other\"}"));
    assertThat(instant("sum(count_over_time({app=\"api\"} | json |= \"p-1\" [1m]))")).containsExactly(Map.entry(Labels.EMPTY, 1.0));
    assertThat(store.requests.getLast().requiredLiterals()).containsExactly("p-1");
    // Loki's unpack returns the line untouched under the hint: the packed line's bytes are counted.
    assertThat(instant("sum(bytes_over_time({app=\"api\"} | unpack [1m]))"))
        .containsExactly(Map.entry(Labels.EMPTY, (double) (Utf8.length(packed) + Utf8.length("{\"_entry\":\"other\"}"))));
  }

  @Test
  void absentOverTimeOfLinesThatAreNotJsonIsEmptyWhereThereAreLines() throws Exception {
    push(API, entry(1, "not json"));
    assertThat(instant("absent_over_time({app=\"api\"} | json [1m])")).isEmpty();
  }

  private static boolean keepNoLabel(String query) throws Exception {
    SampleExpr expr = (SampleExpr) LogqlParser.parse(query);
    if (expr instanceof VectorAggregation aggregation && aggregation.inner() instanceof RangeAggregation range) {
      return UnusedParsers.keepNoLabel(range, aggregation);
    }
    return UnusedParsers.keepNoLabel((RangeAggregation) expr, null);
  }

  private static RangeAggregation range(String query) throws Exception {
    return (RangeAggregation) LogqlParser.parse(query);
  }

  private Map<Labels, Double> instant(String query) throws Exception {
    VectorResult result = (VectorResult) engine.evaluate(TENANT, (SampleExpr) LogqlParser.parse(query), MINUTE, MINUTE, 0, true);
    Map<Labels, Double> vector = new LinkedHashMap<>();
    result.samples().forEach(sample -> vector.put(sample.labels(), sample.value()));
    return vector;
  }

  private static LogEntry entry(double seconds, String line) {
    return new LogEntry((long) (seconds * SECOND), line);
  }

  private void push(Labels stream, LogEntry... entries) {
    store.append(TENANT, List.of(new StreamBatch(stream, List.of(entries))));
  }
}
