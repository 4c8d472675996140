package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.tonari.server.TenantHttp.encode;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server on a free loopback port: {@code format_query}, {@code index/stats}, {@code
 * index/volume} and {@code index/volume_range} answer Loki's exact JSON on known data. (The tail
 * WebSocket has its own test, {@link TailHttpTest}.)
 */
class ReadApiHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dataDir;
  private LoopbackServer loopback;
  private TonariServer server;
  private HttpClient http;
  /** A whole minute ten minutes ago, so that volume buckets of 60 s start at it. */
  private long base;

  @BeforeEach
  void start() throws Exception {
    loopback = LoopbackServer.open(dataDir);
    server = loopback.server();
    http = loopback.http();
    long now = System.currentTimeMillis() * 1_000_000L;
    base = (now / (60 * SECOND)) * 60 * SECOND - 600 * SECOND;
    String body = """
        {"streams":[
          {"stream":{"app":"api","env":"prod"},"values":[["%d","GET /users 200"],["%d","GET /orders 500"]]},
          {"stream":{"app":"web","env":"prod"},"values":[["%d","render"]]},
          {"stream":{"app":"api","env":"dev"},"values":[["%d","debug"]]}
        ]}""".formatted(base + 10 * SECOND, base + 70 * SECOND, base + 20 * SECOND, base + 30 * SECOND);
    HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(uri("/loki/api/v1/push"))
        .header("Content-Type", "application/json").header("X-Scope-OrgID", "team-a")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(204);
  }

  @AfterEach
  void stop() throws Exception {
    loopback.close();
  }

  @Test
  void formatQueryAnswersTheCanonicalQueryWithGosEscaping() throws Exception {
    // Loki's documented example: {foo=   "bar"} is formatted into {foo="bar"}.
    HttpResponse<String> simple = get("team-a", "/loki/api/v1/format_query?query=" + encode("{foo=   \"bar\"}"));
    assertThat(simple.statusCode()).isEqualTo(200);
    assertThat(simple.body()).isEqualTo("{\"status\":\"success\",\"data\":\"{foo=\\\"bar\\\"}\"}\n");

    HttpResponse<String> metric = http.send(HttpRequest.newBuilder(uri("/loki/api/v1/format_query"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("query=" + encode("sum by(app)(rate({env=\"prod\"}|logfmt|status>=500[5m]))")))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metric.statusCode()).isEqualTo(200);
    assertThat(metric.body()).isEqualTo(
        "{\"status\":\"success\",\"data\":\"sum by (app) (rate({env=\\\"prod\\\"} | logfmt | status \\u003e= 500 [5m]))\"}\n");

    HttpResponse<String> broken = get("team-a", "/loki/api/v1/format_query?query=" + encode("{foo=\"bar\""));
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body()).startsWith("parse error at line 1, col ");
  }

  @Test
  void indexStatsCountsTheStreamsLinesAndBytesTheSelectorCovers() throws Exception {
    HttpResponse<String> response = get("team-a", "/loki/api/v1/index/stats?query=" + encode("{env=\"prod\"}")
        + "&start=" + base + "&end=" + (base + 120 * SECOND));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    // 14 + 15 + 6 bytes in 3 entries of 2 streams; one chunk per stream at this size.
    assertThat(response.body()).isEqualTo("{\"streams\":2,\"chunks\":2,\"bytes\":35,\"entries\":3}");

    // The end is inclusive, as Loki's index treats it; another tenant sees nothing.
    assertThat(get("team-a", "/loki/api/v1/index/stats?query=" + encode("{app=\"api\"}") + "&start=" + base + "&end=" + (base + 30 * SECOND)).body())
        .isEqualTo("{\"streams\":2,\"chunks\":2,\"bytes\":19,\"entries\":2}");
    assertThat(get("team-b", "/loki/api/v1/index/stats?query=" + encode("{env=\"prod\"}") + "&start=" + base + "&end=" + (base + 120 * SECOND)).body())
        .isEqualTo("{\"streams\":0,\"chunks\":0,\"bytes\":0,\"entries\":0}");

    HttpResponse<String> refused = get("team-a", "/loki/api/v1/index/stats?query=" + encode("{env=~\".*\"}"));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("queries require at least one regexp or equality matcher that does not have an empty-compatible value");
  }

  @Test
  void indexVolumeAnswersAVectorOfBytesPerGroupAtTheEnd() throws Exception {
    long end = base + 120 * SECOND;
    JsonNode byApp = answer("/loki/api/v1/index/volume?query=" + encode("{app=~\".+\"}") + "&start=" + base + "&end=" + end);
    assertThat(byApp).isEqualTo(JSON.readTree("""
        {"status":"success","data":{"resultType":"vector","result":[
          {"metric":{"app":"api"},"value":[%d,"34"]},
          {"metric":{"app":"web"},"value":[%d,"6"]}
        ]}}""".formatted(end / SECOND, end / SECOND)));

    JsonNode byTarget = answer("/loki/api/v1/index/volume?query=" + encode("{app=\"api\"}") + "&targetLabels=env&limit=1&start=" + base + "&end=" + end);
    assertThat(byTarget).isEqualTo(JSON.readTree("""
        {"status":"success","data":{"resultType":"vector","result":[{"metric":{"env":"prod"},"value":[%d,"29"]}]}}"""
        .formatted(end / SECOND)));

    JsonNode byLabels = answer("/loki/api/v1/index/volume?query=" + encode("{env=\"prod\"}") + "&aggregateBy=labels&start=" + base + "&end=" + end);
    assertThat(byLabels).isEqualTo(JSON.readTree("""
        {"status":"success","data":{"resultType":"vector","result":[
          {"metric":{"app":""},"value":[%d,"35"]},
          {"metric":{"env":""},"value":[%d,"35"]},
          {"metric":{"service_name":""},"value":[%d,"35"]}
        ]}}""".formatted(end / SECOND, end / SECOND, end / SECOND)));

    HttpResponse<String> refused = get("team-a", "/loki/api/v1/index/volume?query=" + encode("{app=\"api\"}") + "&aggregateBy=streams");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo("invalid aggregation option\n");
  }

  @Test
  void indexVolumeRangeAnswersAMatrixPerStepBucket() throws Exception {
    JsonNode answer = answer("/loki/api/v1/index/volume_range?query=" + encode("{env=\"prod\"}") + "&step=60&start=" + base
        + "&end=" + (base + 120 * SECOND));
    // Buckets [base, base+60s) reported at base+59.999 and [base+60s, base+120s] at base+120.
    assertThat(answer).isEqualTo(JSON.readTree("""
        {"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"env":"prod"},"values":[[%d.999,"20"],[%d,"15"]]}
        ]}}""".formatted(base / SECOND + 59, base / SECOND + 120)));

    HttpResponse<String> tooFine = get("team-a", "/loki/api/v1/index/volume_range?query=" + encode("{env=\"prod\"}") + "&step=0.001&start="
        + base + "&end=" + (base + 120 * SECOND));
    assertThat(tooFine.statusCode()).isEqualTo(400);
    assertThat(tooFine.body()).startsWith("exceeded maximum resolution of 11,000 points per timeseries");
  }

  @Test
  void tailRefusesBadParametersWithHttp400BeforeTheUpgrade() {
    URI tail = URI.create(server.baseUrl().replace("http://", "ws://") + "/loki/api/v1/tail?query=" + encode("{app=\"api\"}") + "&delay_for=6");
    CompletionException failure = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> http.newWebSocketBuilder().buildAsync(tail, new java.net.http.WebSocket.Listener() {}).join());
    assertThat(failure.getCause()).isInstanceOf(WebSocketHandshakeException.class);
    assertThat(((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode()).isEqualTo(400);
    await().atMost(Duration.ofSeconds(10)).until(() -> TailHttpTest.tailThreads().isEmpty());
  }

  /** The JSON of a 200 answer of tenant team-a, without the stats (present, all zero for index endpoints). */
  private JsonNode answer(String pathAndQuery) throws Exception {
    HttpResponse<String> response = get("team-a", pathAndQuery);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.path("data").has("stats")).isTrue();
    ((ObjectNode) answer.get("data")).remove("stats");
    return answer;
  }

  private HttpResponse<String> get(String tenant, String pathAndQuery) throws Exception {
    return loopback.get(tenant, pathAndQuery);
  }

  private URI uri(String pathAndQuery) {
    return loopback.uri(pathAndQuery);
  }
}
