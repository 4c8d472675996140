package dev.tonari.server;

import static dev.tonari.server.TenantHttp.encode;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code limits.max_query_memory_bytes} of the server config reaches the query engine: a metric
 * query whose series would hold more is refused with a 400 that names the limit, and a small one
 * still answers.
 */
class QueryMemoryLimitHttpTest {
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dataDir;
  private TonariServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private long baseSeconds;

  @BeforeEach
  void start() throws Exception {
    server = TonariServer.open(ServerConfig.parse("limits:\n  max_query_memory_bytes: 16KB\n", "tonari.yaml")
        .withListen("127.0.0.1:0").withDataDir(dataDir));
    baseSeconds = (System.currentTimeMillis() / 1000 / 60 - 30) * 60;
    StringBuilder body = new StringBuilder("{\"streams\":[");
    for (int series = 0; series < 300; series++) {
      body.append(series == 0 ? "" : ",").append("{\"stream\":{\"app\":\"api\",\"pod\":\"pod-").append(series).append("\"},\"values\":[");
      for (int minute = 0; minute < 20; minute++) {
        body.append(minute == 0 ? "" : ",").append("[\"").append((baseSeconds + minute * 60L + series % 60) * SECOND).append("\",\"error ")
            .append(minute).append("\"]");
      }
      body.append("]}");
    }
    body.append("]}");
    HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/loki/api/v1/push"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(204);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    http.close();
  }

  @Test
  void aMetricQueryBeyondTheMemoryLimitIsRefusedWithA400NamingIt() throws Exception {
    HttpResponse<String> wide = get("sum by (pod) (count_over_time({app=\"api\"}[1m]))");
    assertThat(wide.statusCode()).as(wide.body()).isEqualTo(400);
    assertThat(wide.body()).contains("the query would hold too much memory").contains("limit: 16 kB").contains("(max_query_memory_bytes)");

    HttpResponse<String> narrow = get("sum(count_over_time({app=\"api\"}[1m]))");
    assertThat(narrow.statusCode()).as(narrow.body()).isEqualTo(200);
    assertThat(narrow.body()).contains("\"resultType\":\"matrix\"");
  }

  private HttpResponse<String> get(String query) throws Exception {
    String path = "/loki/api/v1/query_range?query=" + encode(query) + "&start=" + baseSeconds + "&end=" + (baseSeconds + 1200) + "&step=60";
    return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
