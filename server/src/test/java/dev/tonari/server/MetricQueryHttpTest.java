package dev.tonari.server;

import static dev.tonari.server.TenantHttp.encode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metric queries over HTTP against the real server: the exact JSON shapes of Loki's {@code
 * matrix}, {@code vector} and {@code scalar} answers, the {@code stats} summary Grafana reads, and
 * the refusals of bad steps.
 */
class MetricQueryHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dataDir;
  private LoopbackServer loopback;
  /** A whole minute ten minutes ago, in seconds: the first step of the queries. */
  private long baseSeconds;

  @BeforeEach
  void start() throws Exception {
    loopback = LoopbackServer.open(dataDir);
    baseSeconds = (System.currentTimeMillis() / 1000 / 60 - 10) * 60;
    long base = baseSeconds * SECOND;
    String body = """
        {"streams":[
          {"stream":{"app":"api"},"values":[["%d","error a"],["%d","ok"],["%d","error b"]]},
          {"stream":{"app":"web"},"values":[["%d","error c"]]}
        ]}""".formatted(base + SECOND, base + 2 * SECOND, base + 61 * SECOND, base + 3 * SECOND);
    HttpResponse<String> pushed = loopback.http().send(
        HttpRequest.newBuilder(uri("/loki/api/v1/push")).header("Content-Type", "application/json").header("X-Scope-OrgID", "team-a")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(204);
  }

  @AfterEach
  void stop() throws Exception {
    loopback.close();
  }

  @Test
  void rangeQueryAnswersLokisMatrixShape() throws Exception {
    HttpResponse<String> response = get("/loki/api/v1/query_range?query=" + encode("sum by (app) (count_over_time({app=~\"api|web\"} |= \"error\" [1m]))")
        + "&start=" + baseSeconds + "&end=" + (baseSeconds + 120) + "&step=60");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    JsonNode summary = answer.path("data").path("stats").path("summary");
    assertThat(summary.path("totalLinesProcessed").asLong()).as("lines the store ran the line filter on").isEqualTo(4);
    for (String field : new String[] {"bytesProcessedPerSecond", "linesProcessedPerSecond", "totalBytesProcessed", "execTime", "queueTime", "totalEntriesReturned"}) {
      assertThat(summary.has(field)).as(field).isTrue();
    }
    ((ObjectNode) answer.get("data")).remove("stats");
    long first = baseSeconds + 60;
    long second = baseSeconds + 120;
    assertThat(answer).isEqualTo(JSON.readTree("""
        {"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"app":"api"},"values":[[%d,"1"],[%d,"1"]]},
          {"metric":{"app":"web"},"values":[[%d,"1"]]}
        ]}}""".formatted(first, second, first)));
  }

  @Test
  void stepAsDurationEqualsStepAsSeconds() throws Exception {
    String query = "/loki/api/v1/query_range?query=" + encode("rate({app=\"api\"}[1m])") + "&start=" + baseSeconds + "&end=" + (baseSeconds + 120);
    JsonNode seconds = withoutStats(get(query + "&step=60").body());
    JsonNode duration = withoutStats(get(query + "&step=1m").body());
    assertThat(duration).isEqualTo(seconds);
    // 2 lines in (base, base+60] over a 60 s range.
    assertThat(seconds.path("data").path("result").get(0).path("values").get(0).get(1).asText()).isEqualTo("0.03333333333333333");
  }

  @Test
  void instantQueryAnswersAVectorAndLiteralsAScalar() throws Exception {
    long time = baseSeconds + 120;
    JsonNode vector = withoutStats(get("/loki/api/v1/query?query=" + encode("sum(count_over_time({app=\"api\"}[5m]))") + "&time=" + time).body());
    assertThat(vector).isEqualTo(JSON.readTree("""
        {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[%d,"3"]}]}}""".formatted(time)));
    JsonNode scalar = withoutStats(get("/loki/api/v1/query?query=" + encode("1 + 1") + "&time=" + time + ".5").body());
    assertThat(scalar).isEqualTo(JSON.readTree("""
        {"status":"success","data":{"resultType":"scalar","result":[%d.5,"2"]}}""".formatted(time)));
  }

  /** Loki 3.x refuses log selectors on the instant endpoint (Loki 2.x answered them over the hour before). */
  @Test
  void instantQueryOverALogSelectorIsRefusedAsLoki3Does() throws Exception {
    HttpResponse<String> refused = get("/loki/api/v1/query?query=" + encode("{app=\"api\"} |= \"x\"") + "&time=" + (baseSeconds + 120));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("log queries are not supported as an instant query type, please change your query to a range query type");
  }

  @Test
  void badStepsAreRefusedWithLokisMessages() throws Exception {
    String query = "/loki/api/v1/query_range?query=" + encode("rate({app=\"api\"}[1m])") + "&start=" + baseSeconds + "&end=" + (baseSeconds + 120);
    HttpResponse<String> zero = get(query + "&step=0");
    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(zero.body()).isEqualTo("zero or negative query resolution step widths are not accepted. Try a positive integer\n");
    HttpResponse<String> tooFine = get(query + "&step=0.001");
    assertThat(tooFine.statusCode()).isEqualTo(400);
    assertThat(tooFine.body()).isEqualTo("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)\n");
    HttpResponse<String> garbage = get(query + "&step=soon");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.body()).contains("cannot parse \"soon\" to a valid duration");
  }

  private JsonNode withoutStats(String body) throws Exception {
    JsonNode answer = JSON.readTree(body);
    ((ObjectNode) answer.get("data")).remove("stats");
    return answer;
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return loopback.get("team-a", pathAndQuery);
  }

  private URI uri(String pathAndQuery) {
    return loopback.uri(pathAndQuery);
  }
}
