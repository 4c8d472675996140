package dev.tonari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.server.ServerConfig;
import dev.tonari.store.Direction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class QueryCommandTest {
  private static final String ANSWER = """
      {"status":"success","data":{"resultType":"streams","result":[
        {"stream":{"app":"api","env":"prod"},"values":[["1700000002000000000","GET /b 500"],["1700000000000000000","GET /a 200"]]},
        {"stream":{"app":"web"},"values":[["1700000001500000000","render"]]}
      ]}}""";

  private static QueryCommand parse(String... args) {
    CommandLine root = TonariCommand.commandLine();
    CommandLine.ParseResult result = root.parseArgs(args);
    return (QueryCommand) result.subcommand().commandSpec().userObject();
  }

  @Test
  void defaultsAreLogclis() {
    QueryCommand query = parse("query", "{app=\"api\"}");
    assertThat(query.limit).isEqualTo(30);
    assertThat(query.direction).isEqualTo(Direction.BACKWARD);
    assertThat(query.output).isEqualTo(QueryOutput.Mode.DEFAULT);
    long now = 1_700_000_000_000_000_000L;
    assertThat(query.requestUri(now).toString()).endsWith("/loki/api/v1/query_range?query=%7Bapp%3D%22api%22%7D"
        + "&start=" + (now - 3_600_000_000_000L) + "&end=" + now + "&limit=30&direction=backward");
  }

  @Test
  void sinceFromToLimitDirectionAndOutputAreParsed() {
    QueryCommand since = parse("query", "--addr", "http://h:1/", "--since", "10m", "--limit", "5", "--direction", "FORWARD", "-o", "jsonl", "{a=\"b\"}");
    assertThat(since.requestUri(600_000_000_000L).toString())
        .isEqualTo("http://h:1/loki/api/v1/query_range?query=%7Ba%3D%22b%22%7D&start=0&end=600000000000&limit=5&direction=forward");
    assertThat(since.output).isEqualTo(QueryOutput.Mode.JSONL);

    QueryCommand bounds = parse("query", "--from", "2023-11-14T22:13:20Z", "--to", "1700000060", "{a=\"b\"}");
    assertThat(bounds.requestUri(0).toString()).contains("&start=1700000000000000000&end=1700000060000000000&");
  }

  @Test
  void sinceAndFromAreExclusive() {
    CommandLine root = TonariCommand.commandLine();
    root.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
    assertThat(root.execute("query", "--since", "1h", "--from", "1700000000", "{a=\"b\"}")).isEqualTo(2);
  }

  @Test
  void defaultOutputMergesStreamsByTimeWithLabels() throws Exception {
    JsonNode answer = new ObjectMapper().readTree(ANSWER);
    QueryOutput plain = new QueryOutput(QueryOutput.Mode.DEFAULT, new Terminal(false), ZoneOffset.UTC);
    List<String> lines = QueryOutput.rows(answer, Direction.BACKWARD).stream().map(plain::format).toList();
    assertThat(lines).containsExactly(
        "2023-11-14T22:13:22Z {app=\"api\", env=\"prod\"} GET /b 500",
        "2023-11-14T22:13:21.5Z {app=\"web\"} render",
        "2023-11-14T22:13:20Z {app=\"api\", env=\"prod\"} GET /a 200");
  }

  @Test
  void metricAnswersPrintOnePointPerLine() throws Exception {
    JsonNode matrix = new ObjectMapper().readTree("""
        {"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"app":"api"},"values":[[1795756902.382,"2"],[1795756962.382,"0.5"]]},
          {"metric":{"app":"web"},"values":[[1795756902.382,"NaN"]]}
        ]}}""");
    assertThat(QueryOutput.isMetric(matrix)).isTrue();
    QueryOutput plain = new QueryOutput(QueryOutput.Mode.DEFAULT, new Terminal(false), ZoneOffset.UTC);
    assertThat(QueryOutput.samples(matrix).stream().map(plain::format).toList()).containsExactly(
        "2026-11-27T05:21:42.382Z {app=\"api\"} 2",
        "2026-11-27T05:22:42.382Z {app=\"api\"} 0.5",
        "2026-11-27T05:21:42.382Z {app=\"web\"} NaN");
    JsonNode vector = new ObjectMapper().readTree("""
        {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"42"]}]}}""");
    QueryOutput jsonl = new QueryOutput(QueryOutput.Mode.JSONL, new Terminal(false), ZoneOffset.UTC);
    assertThat(jsonl.format(QueryOutput.samples(vector).get(0)))
        .isEqualTo("{\"timestamp\":\"2023-11-14T22:13:20Z\",\"labels\":{},\"value\":\"42\"}");
    JsonNode scalar = new ObjectMapper().readTree("""
        {"status":"success","data":{"resultType":"scalar","result":[1700000000.5,"2"]}}""");
    QueryOutput raw = new QueryOutput(QueryOutput.Mode.RAW, new Terminal(false), ZoneOffset.UTC);
    assertThat(raw.format(QueryOutput.samples(scalar).get(0))).isEqualTo("{}\t2023-11-14T22:13:20.500Z\t2");
    assertThat(QueryOutput.isMetric(new ObjectMapper().readTree(ANSWER))).isFalse();
  }

  @Test
  void rawAndJsonlAndColourLayouts() throws Exception {
    JsonNode answer = new ObjectMapper().readTree(ANSWER);
    List<QueryOutput.Row> forward = QueryOutput.rows(answer, Direction.FORWARD);
    QueryOutput raw = new QueryOutput(QueryOutput.Mode.RAW, new Terminal(true), ZoneOffset.UTC);
    assertThat(forward.stream().map(raw::format).toList()).containsExactly("GET /a 200", "render", "GET /b 500");
    QueryOutput jsonl = new QueryOutput(QueryOutput.Mode.JSONL, new Terminal(false), ZoneOffset.UTC);
    assertThat(jsonl.format(forward.get(1)))
        .isEqualTo("{\"timestamp\":\"2023-11-14T22:13:21.500Z\",\"labels\":{\"app\":\"web\"},\"line\":\"render\"}");
    QueryOutput coloured = new QueryOutput(QueryOutput.Mode.DEFAULT, new Terminal(true), ZoneOffset.UTC);
    assertThat(coloured.format(forward.get(0))).contains("\u001b[").endsWith(" GET /a 200");
  }

  @Test
  void gzipInputIsDetectedByMagicBytes() throws Exception {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write("one\ntwo\n".getBytes(StandardCharsets.UTF_8));
    }
    try (InputStream in = PushCommand.maybeGunzip(new ByteArrayInputStream(compressed.toByteArray()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one\ntwo\n");
    }
    try (InputStream in = PushCommand.maybeGunzip(new ByteArrayInputStream("plain\n".getBytes(StandardCharsets.UTF_8)))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("plain\n");
    }
  }

  @Test
  void serverFlagsWinOverTheConfigFile(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("tonari.yaml");
    Files.writeString(file, "server:\n  listen: 0.0.0.0:4100\nstorage:\n  data_dir: /srv/tonari\n");
    ServerConfig fromFile = ServerCommand.resolve(file, null, null);
    assertThat(fromFile.listen()).isEqualTo("0.0.0.0:4100");
    ServerConfig withFlags = ServerCommand.resolve(file, "127.0.0.1:5100", directory);
    assertThat(withFlags.listen()).isEqualTo("127.0.0.1:5100");
    assertThat(withFlags.dataDir()).isEqualTo(directory);
    assertThat(ServerCommand.resolve(null, null, null)).isEqualTo(ServerConfig.defaults());
  }
}
