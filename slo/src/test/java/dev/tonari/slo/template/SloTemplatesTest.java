package dev.tonari.slo.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tonari.logql.LogqlParser;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.metric.MatrixResult;
import dev.tonari.query.metric.MetricQueryEngine;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The generated Sloth files parse, and their queries count exactly the lines they claim to. */
class SloTemplatesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final long MINUTE = 60_000_000_000L;

  @Test
  void logfmtRequestLogsGetAvailabilityAndLatency() throws Exception {
    List<String> lines = new ArrayList<>();
    int errors = 0;
    int slow = 0;
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 400; i++) {
      int status = i % 50 == 0 ? 503 : 200;
      double duration = i % 100 == 0 ? 900 + random.nextInt(50) : 5 + random.nextInt(200);
      errors += status >= 500 ? 1 : 0;
      slow += duration > 250 ? 1 : 0;
      lines.add(String.format(Locale.ROOT, "ts=2026-12-06T10:00:00Z level=info msg=\"served\" method=GET path=/pay status=%d duration=%.1fms", status,
          duration));
    }
    LogSample sample = LogSample.analyze(lines);
    assertThat(sample.format()).isEqualTo(LogSample.Format.LOGFMT);
    assertThat(sample.statusField()).contains("status");
    assertThat(sample.durationField()).contains(new LogSample.DurationField("duration", true, ""));
    assertThat(sample.errorShare()).isEqualTo(errors / 400.0);

    JsonNode file = YAML.readTree(SloTemplates.slothFile("checkout", "{app=\"checkout\"}", sample));
    assertThat(file.get("version").asText()).isEqualTo("prometheus/v1");
    assertThat(file.get("slos")).hasSize(2);
    JsonNode availability = file.get("slos").get(0);
    assertThat(availability.get("name").asText()).isEqualTo("requests-availability");
    // 2% errors in the sample: 95 (a 5% budget) is the highest objective met with half the budget to spare.
    assertThat(availability.get("objective").asDouble()).isEqualTo(95.0);
    JsonNode latency = file.get("slos").get(1);
    // 1% of the lines take 900-950 ms, so the p99 (nearest rank) is a fast line, rounded up to 250 ms: the slow 1% are errors.
    assertThat(latency.get("sli").get("events").get("error_query").asText()).contains("duration > 250ms");
    assertCounts(lines, availability, errors, 400);
    assertThat(slow).isEqualTo(4);
    assertCounts(lines, latency, slow, 400);
  }

  @Test
  void jsonLogsWithPlainMillisecondFields() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      lines.add("{\"level\":\"info\",\"msg\":\"ok\",\"status\":" + (i < 2 ? 500 : 200) + ",\"latency_ms\":" + (i < 10 ? 400.5 : 20.25)
          + ",\"nested\":{\"status\":\"x\"}}");
    }
    LogSample sample = LogSample.analyze(lines);
    assertThat(sample.format()).isEqualTo(LogSample.Format.JSON);
    assertThat(sample.durationField()).contains(new LogSample.DurationField("latency_ms", false, "ms"));
    JsonNode file = YAML.readTree(SloTemplates.slothFile("search", "{app=\"query-api\"}", sample));
    JsonNode latency = file.get("slos").get(1);
    assertThat(latency.get("sli").get("events").get("error_query").asText()).contains("latency_ms > 500");
    // 1% errors: 98 leaves exactly half of its 2% budget.
    assertThat(file.get("slos").get(0).get("objective").asDouble()).isEqualTo(98.0);
    assertCounts(lines, file.get("slos").get(0), 2, 200);
    assertCounts(lines, latency, 0, 200);
  }

  @Test
  void accessLogsUseThePatternParserAndSecondsOfRequestTime() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int status = i < 3 ? 502 : 200;
      String seconds = i < 5 ? "0.620" : "0.031";
      lines.add("10.40.1." + i + " - - [06/Dec/2026:10:00:00 +0000] \"GET /api/items HTTP/1.1\" " + status
          + " 512 \"-\" \"curl/8.0\" " + seconds + " 0.029 4bf92f3577b34da6");
    }
    LogSample sample = LogSample.analyze(lines);
    assertThat(sample.format()).isEqualTo(LogSample.Format.ACCESS_LOG);
    JsonNode file = YAML.readTree(SloTemplates.slothFile("gateway", "{app=\"gateway\"}", sample));
    assertCounts(lines, file.get("slos").get(0), 3, 100);
    JsonNode latency = file.get("slos").get(1);
    assertThat(latency.get("sli").get("events").get("error_query").asText()).contains("request_time > 0.75");
    assertCounts(lines, latency, 0, 100);
  }

  @Test
  void linesWithoutStatusGetAnErrorLogRate() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      lines.add("2026-12-06 10:00:00.123 " + (i < 5 ? "ERROR" : "INFO ") + " [main] com.example.Worker : step " + i);
    }
    LogSample sample = LogSample.analyze(lines);
    assertThat(sample.format()).isEqualTo(LogSample.Format.UNKNOWN);
    JsonNode file = YAML.readTree(SloTemplates.slothFile("worker", "{app=\"worker\"}", sample));
    assertThat(file.get("slos")).hasSize(1);
    assertCounts(lines, file.get("slos").get(0), 5, 50);
  }

  @Test
  void theFileIsASlothFileTheSpecParserAccepts() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      lines.add("ts=2026-12-06T10:00:00Z level=info msg=\"it's fine\" status=" + (i == 0 ? 500 : 200) + " duration=" + (10 + i) + "ms");
    }
    String file = SloTemplates.slothFile("checkout", "{app=\"o'brien\"}", LogSample.analyze(lines));
    // One line per query, single-quoted (a quote inside doubled), as a person writes them.
    assertThat(file).contains("      error_query: 'sum(count_over_time({app=\"o''brien\"} | logfmt | status >= 500 [{{.window}}]))'\n");
    assertThat(file).contains("service: 'checkout'\n");
    var result = new dev.tonari.slo.spec.SloSpecParser().parse(file, "generated.yaml");
    assertThat(result).isInstanceOf(dev.tonari.slo.spec.SloSpecParser.ParseResult.Parsed.class);
    var slos = ((dev.tonari.slo.spec.SloSpecParser.ParseResult.Parsed) result).slos();
    assertThat(slos).extracting(dev.tonari.slo.model.SloSpec::id).containsExactly("checkout-requests-availability", "checkout-requests-latency");
    assertThat(slos.get(0).indicator()).isEqualTo(new dev.tonari.slo.model.Indicator.Ratio(
        dev.tonari.slo.model.SliQuery.logql("sum(count_over_time({app=\"o'brien\"} | logfmt | status >= 500 [{{.window}}]))"),
        dev.tonari.slo.model.SliQuery.logql("sum(count_over_time({app=\"o'brien\"} | logfmt | status != \"\" [{{.window}}]))"), false));
    assertThat(slos.get(0).alerting().tiers()).hasSize(4);
  }

  @Test
  void roundsAndObjectives() {
    assertThat(SloTemplates.roundUp(212)).isEqualTo(250);
    assertThat(SloTemplates.roundUp(250)).isEqualTo(250);
    assertThat(SloTemplates.roundUp(70_000)).isEqualTo(120_000);
    assertThat(SloTemplates.objectiveFor(0.0004)).isEqualTo(99.9);
    assertThat(SloTemplates.objectiveFor(0.0006)).isEqualTo(99.5);
    assertThat(SloTemplates.objectiveFor(0.003)).isEqualTo(99.0);
    assertThat(SloTemplates.objectiveFor(Double.NaN)).isEqualTo(99.0);
    assertThat(SloTemplates.durationText(1500)).isEqualTo("1500ms");
    assertThat(SloTemplates.durationText(2000)).isEqualTo("2s");
  }

  /** Runs the SLO's two queries over the lines (one per second) as one 10-minute window. */
  private static void assertCounts(List<String> lines, JsonNode slo, double expectedErrors, double expectedTotal) throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    Labels labels = Labels.of("app", "x");
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      entries.add(new LogEntry(i * 1_000_000_000L + 1, lines.get(i)));
    }
    store.append("t", List.of(new StreamBatch(labels, entries)));
    JsonNode events = slo.get("sli").get("events");
    assertThat(count(store, events.get("error_query").asText())).as(events.get("error_query").asText()).isEqualTo(expectedErrors);
    assertThat(count(store, events.get("total_query").asText())).as(events.get("total_query").asText()).isEqualTo(expectedTotal);
  }

  private static double count(InMemoryLogStore store, String template) throws Exception {
    String query = template.replace("{{.window}}", "10m").replaceAll("\\{app=\"[^\"]+\"}", "{app=\"x\"}");
    MetricQueryEngine engine = new MetricQueryEngine(store, QueryLimits.defaults());
    var result = engine.evaluate("t", LogqlParser.parseSampleExpr(query), 10 * MINUTE, 10 * MINUTE, MINUTE, true);
    return switch (result) {
      case MatrixResult matrix -> matrix.series().isEmpty() ? 0 : matrix.series().get(0).values()[0];
      case dev.tonari.query.metric.VectorResult vector -> vector.samples().isEmpty() ? 0 : vector.samples().get(0).value();
      case dev.tonari.query.metric.ScalarResult scalar -> throw new AssertionError("scalar for " + query);
    };
  }
}
