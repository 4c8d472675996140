package dev.tonari.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.logql.LogqlParser;
import dev.tonari.store.Labels;
import org.junit.jupiter.api.Test;

/** The stages of a log pipeline, each firing and not firing, with the examples of Loki's LogQL documentation. */
class LogPipelineTest {
  private static final Labels STREAM = Labels.of("job", "varlogs");

  /** The outcome of one line. */
  private record Outcome(boolean kept, String line, Labels labels) {}

  private static Outcome run(String query, Labels stream, String line, Labels metadata) throws Exception {
    LogPipeline pipeline = LogPipeline.compile(LogqlParser.parseLogSelector(query).pipeline());
    StreamPipeline streamPipeline = pipeline.forStream(stream);
    boolean kept = streamPipeline.process(1_000_000_000L, line, metadata);
    return new Outcome(kept, kept ? streamPipeline.line() : null, kept ? streamPipeline.labels() : null);
  }

  private static Outcome run(String query, String line) throws Exception {
    return run(query, STREAM, line, Labels.EMPTY);
  }

  private static final String JSON_LINE =
      "{\"protocol\": \"HTTP/2.0\",\"servers\": [\"129.0.1.1\",\"10.2.1.3\"],\"request\": {\"time\": \"6.032\",\"method\": \"GET\",\"host\": \"foo.grafana.net\",\"size\": \"55\","
          + "\"headers\": {\"Accept\": \"*/*\",\"User-Agent\": \"curl/7.68.0\"}},\"response\": {\"status\": 401,\"size\": \"228\",\"latency_seconds\": \"6.031\"}}";

  @Test
  void jsonFlattensNestedKeysAndSkipsArrays() throws Exception {
    Outcome outcome = run("{job=\"varlogs\"} | json", JSON_LINE);
    assertThat(outcome.labels().toMap())
        .containsExactlyInAnyOrderEntriesOf(
            Labels.of(
                    "job", "varlogs",
                    "protocol", "HTTP/2.0",
                    "request_time", "6.032",
                    "request_method", "GET",
                    "request_host", "foo.grafana.net",
                    "request_size", "55",
                    "request_headers_Accept", "*/*",
                    "request_headers_User_Agent", "curl/7.68.0",
                    "response_status", "401",
                    "response_size", "228",
                    "response_latency_seconds", "6.031")
                .toMap());
    assertThat(outcome.line()).isEqualTo(JSON_LINE);
  }

  @Test
  void jsonExtractionParameters() throws Exception {
    Outcome outcome = run("{job=\"varlogs\"} | json first_server=\"servers[0]\", ua=\"request.headers[\\\"User-Agent\\\"]\"", JSON_LINE);
    assertThat(outcome.labels()).isEqualTo(Labels.of("job", "varlogs", "first_server", "129.0.1.1", "ua", "curl/7.68.0"));
    Outcome objects = run("{job=\"varlogs\"} | json server_list=\"servers\", headers=\"request.headers\", missing=\"nope.x\"", JSON_LINE);
    assertThat(objects.labels().get("server_list")).isEqualTo("[\"129.0.1.1\",\"10.2.1.3\"]");
    assertThat(objects.labels().get("headers")).isEqualTo("{\"Accept\": \"*/*\",\"User-Agent\": \"curl/7.68.0\"}");
    assertThat(objects.labels().get("missing")).isEmpty();
  }

  @Test
  void invalidJsonIsMarkedNotDropped() throws Exception {
    Outcome outcome = run("{job=\"varlogs\"} | json", "not json");
    assertThat(outcome.kept()).isTrue();
    assertThat(outcome.labels().get("__error__")).isEqualTo("JSONParserErr");
    assertThat(outcome.labels().get("__error_details__")).isNotEmpty();
    assertThat(run("{job=\"varlogs\"} | json | __error__ != \"JSONParserErr\"", "not json").kept()).isFalse();
    assertThat(run("{job=\"varlogs\"} | json | __error__=\"\"", "{\"a\":1}").kept()).isTrue();
  }

  @Test
  void parsedLabelCollidingWithStreamLabelGetsExtractedSuffix() throws Exception {
    Outcome outcome = run("{job=\"varlogs\"} | logfmt", "job=other level=info");
    assertThat(outcome.labels()).isEqualTo(Labels.of("job", "varlogs", "job_extracted", "other", "level", "info"));
    Outcome json = run("{job=\"varlogs\"} | json", "{\"job\":{\"x\":1},\"1st\":\"a\",\"a-b\":\"c\"}");
    assertThat(json.labels()).isEqualTo(Labels.of("job", "varlogs", "job_x", "1", "_1st", "a", "a_b", "c"));
  }

  @Test
  void logfmtDocumentedExample() throws Exception {
    Outcome outcome = run("{job=\"varlogs\"} | logfmt", "at=info method=GET path=/ host=grafana.net fwd=\"124.133.124.161\" service=8ms status=200");
    assertThat(outcome.labels())
        .isEqualTo(Labels.of("job", "varlogs", "at", "info", "method", "GET", "path", "/", "host", "grafana.net", "fwd", "124.133.124.161", "service", "8ms", "status", "200"));
  }

  @Test
  void logfmtStrictAndKeepEmpty() throws Exception {
    Outcome lenient = run("{job=\"varlogs\"} | logfmt", "a=1 b==2 standalone c=3");
    assertThat(lenient.labels()).isEqualTo(Labels.of("job", "varlogs", "a", "1", "c", "3"));
    Outcome strict = run("{job=\"varlogs\"} | logfmt --strict", "a=1 b==2 c=3");
    assertThat(strict.labels().get("a")).isEqualTo("1");
    assertThat(strict.labels().get("c")).isNull();
    assertThat(strict.labels().get("__error__")).isEqualTo("LogfmtParserErr");
    assertThat(strict.labels().get("__error_details__")).contains("unexpected '='");
    Outcome keepEmpty = run("{job=\"varlogs\"} | logfmt --keep-empty", "a=1 standalone");
    assertThat(keepEmpty.labels().toMap()).containsEntry("standalone", "");
    Outcome extracted = run("{job=\"varlogs\"} | logfmt level, m=\"msg\"", "level=warn msg=hi other=x");
    assertThat(extracted.labels()).isEqualTo(Labels.of("job", "varlogs", "level", "warn", "m", "hi"));
  }

  @Test
  void patternDocumentedExample() throws Exception {
    String line =
        "0.191.12.2 - - [10/Jun/2021:09:14:29 +0000] \"GET /api/plugins/versioncheck HTTP/1.1\" 200 2 \"-\" \"Go-http-client/2.0\" \"13.76.247.102, 34.120.177.193\" \"TLS13\" \"US\" \"\"";
    Outcome outcome = run("{job=\"varlogs\"} | pattern \"<ip> - - <_> \\\"<method> <uri> <_>\\\" <status> <size> <_> \\\"<agent>\\\" <_>\"", line);
    assertThat(outcome.labels())
        .isEqualTo(Labels.of("job", "varlogs", "ip", "0.191.12.2", "method", "GET", "uri", "/api/plugins/versioncheck", "status", "200", "size", "2", "agent", "Go-http-client/2.0"));
    Outcome partial = run("{job=\"varlogs\"} | pattern \"<a> x <b> y <c>\"", "1 x 2");
    assertThat(partial.labels()).isEqualTo(Labels.of("job", "varlogs", "a", "1", "b", "2"));
    Outcome noMatch = run("{job=\"varlogs\"} | pattern \"GET <path>\"", "POST /x");
    assertThat(noMatch.labels()).isEqualTo(STREAM);
  }

  @Test
  void regexpDocumentedExample() throws Exception {
    Outcome outcome = run("{job=\"varlogs\"} | regexp \"(?P<method>\\\\w+) (?P<path>[\\\\w|/]+) \\\\((?P<status>\\\\d+?)\\\\) (?P<duration>.*)\"", "POST /api/prom/api/v1/query_range (200) 1.5s");
    assertThat(outcome.labels())
        .isEqualTo(Labels.of("job", "varlogs", "method", "POST", "path", "/api/prom/api/v1/query_range", "status", "200", "duration", "1.5s"));
    assertThat(run("{job=\"varlogs\"} | regexp \"(?P<x>\\\\d+)\"", "none").labels()).isEqualTo(STREAM);
    assertThatThrownBy(() -> LogPipeline.compile(LogqlParser.parseLogSelector("{job=\"varlogs\"} | regexp \"(\\\\d+)\"").pipeline()))
        .isInstanceOf(PipelineCompileException.class)
        .hasMessage("at least one named capture must be supplied");
  }

  @Test
  void unpackRestoresPackedLine() throws Exception {
    Outcome outcome = run("{job=\"varlogs\"} | unpack", "{\"container\":\"myapp\",\"pod\":\"pod-3223f\",\"_entry\":\"original log message\"}");
    assertThat(outcome.line()).isEqualTo("original log message");
    assertThat(outcome.labels()).isEqualTo(Labels.of("job", "varlogs", "container", "myapp", "pod", "pod-3223f"));
    Outcome invalid = run("{job=\"varlogs\"} | unpack", "plain");
    assertThat(invalid.line()).isEqualTo("plain");
    assertThat(invalid.labels().get("__error__")).isEqualTo("JSONParserErr");
  }

  @Test
  void decolorizeStripsAnsi() throws Exception {
    assertThat(run("{job=\"varlogs\"} | decolorize", "\u001b[31mred\u001b[0m text").line()).isEqualTo("red text");
    assertThat(run("{job=\"varlogs\"} | decolorize", "plain").line()).isEqualTo("plain");
  }

  @Test
  void labelFiltersWithUnitsAndPrecedence() throws Exception {
    String query = "{job=\"varlogs\"} | logfmt | duration > 1m and bytes_consumed > 20MB";
    assertThat(run(query, "duration=2m bytes_consumed=25MB").kept()).isTrue();
    assertThat(run(query, "duration=30s bytes_consumed=25MB").kept()).isFalse();
    assertThat(run(query, "duration=2m bytes_consumed=1KiB").kept()).isFalse();
    String precedence = "{job=\"varlogs\"} | logfmt | duration >= 20ms or method=\"GET\" and size <= 20KB";
    assertThat(run(precedence, "duration=25ms method=POST size=1MB").kept()).isTrue();
    assertThat(run(precedence, "duration=1ms method=GET size=1KB").kept()).isTrue();
    assertThat(run(precedence, "duration=1ms method=GET size=1MB").kept()).isFalse();
    assertThat(run(precedence, "duration=1ms method=POST size=1KB").kept()).isFalse();
    assertThat(run("{job=\"varlogs\"} | logfmt | status >= 500", "status=503").kept()).isTrue();
    assertThat(run("{job=\"varlogs\"} | logfmt | status >= 500", "status=200").kept()).isFalse();
    assertThat(run("{job=\"varlogs\"} | logfmt | status >= 500", "other=1").kept()).isFalse();
    assertThat(run("{job=\"varlogs\"} | logfmt | (status = 200 or status = 201), method=\"GET\"", "status=201 method=GET").kept()).isTrue();
  }

  @Test
  void conversionFailuresMarkLabelFilterErr() throws Exception {
    Outcome numeric = run("{job=\"varlogs\"} | logfmt | status > 300", "status=abc");
    assertThat(numeric.kept()).isTrue();
    assertThat(numeric.labels().get("__error__")).isEqualTo("LabelFilterErr");
    assertThat(numeric.labels().get("__error_details__")).isEqualTo("strconv.ParseFloat: parsing \"abc\": invalid syntax");
    Outcome duration = run("{job=\"varlogs\"} | logfmt | took > 1s", "took=soon");
    assertThat(duration.labels().get("__error_details__")).isEqualTo("time: invalid duration \"soon\"");
    Outcome bytes = run("{job=\"varlogs\"} | logfmt | size > 1KB", "size=big");
    assertThat(bytes.labels().get("__error__")).isEqualTo("LabelFilterErr");
    assertThat(run("{job=\"varlogs\"} | logfmt | status > 300 | __error__=\"\"", "status=abc").kept()).isFalse();
  }

  @Test
  void ipLabelAndLineFilters() throws Exception {
    assertThat(run("{job=\"varlogs\"} | logfmt | addr = ip(\"192.168.0.0/16\")", "addr=192.168.4.5").kept()).isTrue();
    assertThat(run("{job=\"varlogs\"} | logfmt | addr = ip(\"192.168.0.0/16\")", "addr=10.0.0.1").kept()).isFalse();
    assertThat(run("{job=\"varlogs\"} | logfmt | addr != ip(\"10.0.0.1-10.0.0.9\")", "addr=10.0.0.10").kept()).isTrue();
    assertThat(run("{job=\"varlogs\"} |= ip(\"::1\")", "from ::1 port 80").kept()).isTrue();
    assertThat(run("{job=\"varlogs\"} != ip(\"10.0.0.0/8\")", "from 10.1.2.3").kept()).isFalse();
  }

  @Test
  void lineFiltersAfterParsersSeeTheRewrittenLine() throws Exception {
    String query = "{job=\"varlogs\"} | json | line_format \"{{.msg}}\" |= \"boom\"";
    assertThat(run(query, "{\"msg\":\"boom here\",\"other\":\"x\"}").line()).isEqualTo("boom here");
    assertThat(run(query, "{\"msg\":\"fine\",\"other\":\"boom\"}").kept()).isFalse();
    assertThat(run("{job=\"varlogs\"} |> \"<_> error <_>\"", "x error y").kept()).isTrue();
    assertThat(run("{job=\"varlogs\"} !> \"<_> error <_>\"", "x error y").kept()).isFalse();
    assertThat(run("{job=\"varlogs\"} |~ \"err(or)?\" or \"fatal\"", "fatal thing").kept()).isTrue();
  }

  @Test
  void lineFormatAndTemplateErrors() throws Exception {
    Outcome outcome = run("{job=\"varlogs\"} | logfmt | line_format \"{{.query}} {{.duration}}\"", "query=up duration=1s");
    assertThat(outcome.line()).isEqualTo("up 1s");
    Outcome failing = run("{job=\"varlogs\"} | logfmt | line_format \"{{ div 1 0 }}\"", "a=1");
    assertThat(failing.line()).isEqualTo("a=1");
    assertThat(failing.labels().get("__error__")).isEqualTo("TemplateFormatErr");
    assertThat(failing.labels().get("__error_details__")).contains("integer divide by zero");
    assertThatThrownBy(() -> LogPipeline.compile(LogqlParser.parseLogSelector("{job=\"varlogs\"} | line_format \"{{ nope }}\"").pipeline()))
        .isInstanceOf(PipelineCompileException.class)
        .hasMessage("invalid line template: template: line:1: function \"nope\" not defined");
  }

  @Test
  void labelFormatRenamesAndTemplates() throws Exception {
    Outcome rename = run("{job=\"varlogs\"} | logfmt | label_format foo=bar", "bar=1");
    assertThat(rename.labels()).isEqualTo(Labels.of("job", "varlogs", "foo", "1"));
    Outcome missing = run("{job=\"varlogs\"} | logfmt | label_format foo=bar", "baz=1");
    assertThat(missing.labels()).isEqualTo(Labels.of("job", "varlogs", "baz", "1"));
    Outcome template = run("{job=\"varlogs\"} | logfmt | label_format foo=\"{{.bar}}-{{.baz}}\", bar=\"{{.baz}}\"", "bar=1 baz=2");
    assertThat(template.labels()).isEqualTo(Labels.of("job", "varlogs", "foo", "1-2", "bar", "2", "baz", "2"));
    assertThatThrownBy(() -> LogPipeline.compile(LogqlParser.parseLogSelector("{job=\"varlogs\"} | label_format a=b, a=c").pipeline()))
        .isInstanceOf(PipelineCompileException.class)
        .hasMessage("multiple label name 'a' not allowed in a single format operation");
  }

  @Test
  void dropAndKeep() throws Exception {
    String line = "{\"level\": \"info\", \"method\": \"GET\", \"path\": \"/\", \"host\": \"grafana.net\", \"status\": \"200\"}";
    assertThat(run("{job=\"varlogs\"} | json | drop level, method=\"GET\"", line).labels())
        .isEqualTo(Labels.of("job", "varlogs", "path", "/", "host", "grafana.net", "status", "200"));
    assertThat(run("{job=\"varlogs\"} | json | drop method=\"POST\"", line).labels().get("method")).isEqualTo("GET");
    assertThat(run("{job=\"varlogs\"} | json | keep level, method=\"GET\"", line).labels()).isEqualTo(Labels.of("level", "info", "method", "GET"));
    assertThat(run("{job=\"varlogs\"} | json | keep level, method=\"POST\"", line).labels()).isEqualTo(Labels.of("level", "info"));
    Outcome error = run("{job=\"varlogs\"} | json | keep job", "bad");
    assertThat(error.labels().get("__error__")).isEqualTo("JSONParserErr");
    assertThat(run("{job=\"varlogs\"} | json | drop __error__, __error_details__", "bad").labels()).isEqualTo(STREAM);
  }

  @Test
  void structuredMetadataJoinsTheLabels() throws Exception {
    Outcome outcome = run("{job=\"varlogs\"}", STREAM, "line", Labels.of("trace_id", "abc", "job", "meta"));
    assertThat(outcome.labels()).isEqualTo(Labels.of("job", "varlogs", "job_extracted", "meta", "trace_id", "abc"));
    assertThat(run("{job=\"varlogs\"} | trace_id=\"abc\"", STREAM, "line", Labels.of("trace_id", "abc")).kept()).isTrue();
    assertThat(run("{job=\"varlogs\"} | trace_id=\"abc\"", STREAM, "line", Labels.EMPTY).kept()).isFalse();
  }

  @Test
  void sameResultLabelsAreTheSameInstance() throws Exception {
    LogPipeline pipeline = LogPipeline.compile(LogqlParser.parseLogSelector("{job=\"varlogs\"} | logfmt").pipeline());
    StreamPipeline stream = pipeline.forStream(STREAM);
    stream.process(1, "a=1 b=2", Labels.EMPTY);
    Labels first = stream.labels();
    stream.process(2, "b=2 a=1", Labels.EMPTY);
    assertThat(stream.labels()).isSameAs(first);
    assertThat(stream.labelValue("a")).isEqualTo("1");
    stream.process(3, "c=1", Labels.EMPTY);
    assertThat(stream.labels()).isEqualTo(Labels.of("job", "varlogs", "c", "1"));
    stream.process(4, "no pairs here", Labels.EMPTY);
    assertThat(stream.labels()).isSameAs(STREAM);
  }
}
