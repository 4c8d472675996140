package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.ingest.PushEncoder;
import dev.tonari.ingest.PushRequest;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the real server on a free loopback port and talks to it over HTTP only: pushes in every
 * wire format (and through the real loki4j Logback appender), reads back through the Loki API and
 * compares the exact JSON shapes.
 */
class ServerEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dataDir;
  private TonariServer server;
  private HttpClient http;
  private long now;

  @BeforeEach
  void start() throws Exception {
    ServerConfig config = ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir)
        .withLimits(ServerConfig.defaults().limits().withMaxLineSize(1000, false));
    server = TonariServer.open(config);
    http = HttpClient.newHttpClient();
    now = System.currentTimeMillis() * 1_000_000L;
  }

  @AfterEach
  void stop() throws Exception {
    http.close();
    server.close();
  }

  @Test
  void jsonWithAndWithoutStructuredMetadataIsStoredAndReadBackInLokisShape() throws Exception {
    String body = """
        {"streams":[
          {"stream":{"app":"api","env":"prod"},"values":[["%d","GET /users 200"],["%d","GET /orders 500",{"trace_id":"abc"}]]},
          {"stream":{"app":"web","env":"dev"},"values":[["%d","render home"]]}
        ]}""".formatted(now - 3 * SECOND, now - 2 * SECOND, now - SECOND);
    assertThat(push("team-a", "application/json", null, body.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(204);

    HttpResponse<String> response = get("team-a", "/loki/api/v1/query_range?query=" + encode("{app=\"api\"}")
        + "&start=" + (now - 60 * SECOND) + "&end=" + now + "&direction=forward");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.path("data").path("stats").path("summary").has("execTime")).isTrue();
    ((ObjectNode) answer.get("data")).remove("stats");
    // Without categorize-labels, Loki shows structured metadata as labels, splitting the stream;
    // service_name and detected_level are Loki's discover_service_name and discover_log_levels.
    assertThat(answer).isEqualTo(JSON.readTree("""
        {"status":"success","data":{"resultType":"streams","result":[
          {"stream":{"app":"api","detected_level":"unknown","env":"prod","service_name":"api"},"values":[["%d","GET /users 200"]]},
          {"stream":{"app":"api","detected_level":"unknown","env":"prod","service_name":"api","trace_id":"abc"},"values":[["%d","GET /orders 500"]]}
        ]}}""".formatted(now - 3 * SECOND, now - 2 * SECOND)));

    HttpRequest categorized = HttpRequest.newBuilder(uri("/loki/api/v1/query_range?query=" + encode("{app=\"api\"}") + "&since=1m"))
        .header("X-Scope-OrgID", "team-a").header("X-Loki-Response-Encoding-Flags", "categorize-labels").build();
    JsonNode categorizedAnswer = JSON.readTree(http.send(categorized, HttpResponse.BodyHandlers.ofString()).body());
    ((ObjectNode) categorizedAnswer.get("data")).remove("stats");
    assertThat(categorizedAnswer).isEqualTo(JSON.readTree("""
        {"status":"success","data":{"resultType":"streams","result":[
          {"stream":{"app":"api","env":"prod","service_name":"api"},"values":[
            ["%d","GET /orders 500",{"structuredMetadata":{"detected_level":"unknown","trace_id":"abc"}}],
            ["%d","GET /users 200",{"structuredMetadata":{"detected_level":"unknown"}}]]}
        ],"encodingFlags":["categorize-labels"]}}""".formatted(now - 2 * SECOND, now - 3 * SECOND)));

    assertThat(JSON.readTree(get("team-a", "/loki/api/v1/labels").body()))
        .isEqualTo(JSON.readTree("{\"status\":\"success\",\"data\":[\"app\",\"env\",\"service_name\"]}"));
    assertThat(JSON.readTree(get("team-a", "/loki/api/v1/label/app/values").body()))
        .isEqualTo(JSON.readTree("{\"status\":\"success\",\"data\":[\"api\",\"web\"]}"));
    assertThat(JSON.readTree(get("team-a", "/loki/api/v1/series?match[]=" + encode("{env=\"dev\"}")).body()))
        .isEqualTo(JSON.readTree("{\"status\":\"success\",\"data\":[{\"app\":\"web\",\"env\":\"dev\",\"service_name\":\"web\"}]}"));
    HttpResponse<String> seriesByForm = http.send(HttpRequest.newBuilder(uri("/loki/api/v1/series"))
        .header("X-Scope-OrgID", "team-a").header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("match[]=" + encode("{app=\"api\"}"))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(seriesByForm.body()))
        .isEqualTo(JSON.readTree("{\"status\":\"success\",\"data\":[{\"app\":\"api\",\"env\":\"prod\",\"service_name\":\"api\"}]}"));

    // Tenants are isolated; the default tenant sees nothing of team-a.
    assertThat(JSON.readTree(get(null, "/loki/api/v1/labels").body()))
        .isEqualTo(JSON.readTree("{\"status\":\"success\",\"data\":[]}"));
  }

  @Test
  void gzipJsonAndProtobufBodiesAreAccepted() throws Exception {
    PushRequest request = new PushRequest(List.of(new StreamBatch(Labels.of("app", "batch"), List.of(
        new LogEntry(now - 5 * SECOND, "first"), new LogEntry(now - 4 * SECOND, "second", Labels.of("user", "u1"))))));
    for (PushEncoder.Format format : PushEncoder.Format.values()) {
      PushEncoder.EncodedPush encoded = PushEncoder.encode(request, format);
      HttpResponse<String> response = push(format.name(), encoded.contentType(), encoded.contentEncoding(), encoded.body());
      assertThat(response.statusCode()).as("%s answered %s", format, response.body()).isEqualTo(204);
      JsonNode answer = JSON.readTree(get(format.name(), "/loki/api/v1/query_range?query=" + encode("{app=\"batch\"} |= \"s\"")
          + "&limit=10&direction=forward").body());
      JsonNode result = answer.path("data").path("result");
      assertThat(result).hasSize(2);
      assertThat(result.get(0).path("values").get(0).get(1).asText()).isEqualTo("first");
      assertThat(result.get(1).path("stream").path("user").asText()).isEqualTo("u1");
    }
    String metrics = get(null, "/metrics").body();
    assertThat(metrics).contains("tonari_ingested_lines_total{tenant=\"PROTOBUF_SNAPPY\"} 2.0");
    assertThat(metrics).contains("tonari_push_request_duration_seconds_bucket");
    assertThat(metrics).contains("tonari_query_requests_total{endpoint=\"query_range\",status=\"200\"}");
    assertThat(metrics).contains("jvm_memory_used_bytes");
  }

  @Test
  void refusalsComeBackWithLokisStatusesAndMessagesAndGoodEntriesAreKept() throws Exception {
    String longLine = "x".repeat(1001);
    String mixed = """
        {"streams":[{"stream":{"app":"mixed"},"values":[["%d","fine"],["%d","%s"]]}]}""".formatted(now, now + 1, longLine);
    HttpResponse<String> partial = push("t", "application/json", null, mixed.getBytes(StandardCharsets.UTF_8));
    assertThat(partial.statusCode()).isEqualTo(400);
    assertThat(partial.body()).contains("1 of 2 entries refused").contains("Max entry size '1000' bytes exceeded");
    JsonNode kept = JSON.readTree(get("t", "/loki/api/v1/query_range?query=" + encode("{app=\"mixed\"}")).body());
    assertThat(kept.path("data").path("result").get(0).path("values")).hasSize(1);
    assertThat(get(null, "/metrics").body()).contains("tonari_refused_entries_total{reason=\"line_too_long\",tenant=\"t\"} 1.0");

    HttpResponse<String> malformed = push("t", "application/json", null, "{\"streams\":[".getBytes(StandardCharsets.UTF_8));
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).startsWith("error parsing push request");

    HttpResponse<String> badTenant = push("a/b", "application/json", null, mixed.getBytes(StandardCharsets.UTF_8));
    assertThat(badTenant.statusCode()).isEqualTo(400);
    assertThat(badTenant.body()).contains("unsupported character '/'");

    HttpResponse<String> badTime = get("t", "/loki/api/v1/query_range?query=" + encode("{app=\"mixed\"}") + "&start=yesterday");
    assertThat(badTime.statusCode()).isEqualTo(400);
    assertThat(badTime.body()).contains("invalid start parameter \"yesterday\"");
    assertThat(badTime.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));

    assertThat(get("t", "/loki/api/v1/query_range?query=" + encode("{app=\"mixed\"}") + "&limit=0").statusCode()).isEqualTo(400);
    assertThat(get("t", "/loki/api/v1/query_range?query=" + encode("{app=")).statusCode()).isEqualTo(400);
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    server.close();
    ServerConfig small = ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir);
    small = small.withLimits(new dev.tonari.ingest.Limits(true, Duration.ofHours(168), Duration.ofMinutes(10), 1000, false, 15, 1024, 2048, 100));
    server = TonariServer.start(small, new InMemoryLogStore(), metrics -> {}, Clock.systemUTC());
    String body = "{\"streams\":[{\"stream\":{\"app\":\"big\"},\"values\":[[\"%d\",\"%s\"]]}]}".formatted(now, "y".repeat(200));
    HttpResponse<String> response = push("t", "application/json", null, body.getBytes(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("request body too large").contains("100 bytes");
  }

  @Test
  void readyBuildInfoAndMetricsAnswer() throws Exception {
    HttpResponse<String> ready = get(null, "/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body().trim()).isEqualTo("ready");
    JsonNode buildInfo = JSON.readTree(get(null, "/loki/api/v1/status/buildinfo").body());
    assertThat(buildInfo.has("version")).isTrue();
    assertThat(get(null, "/metrics").headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
  }

  @Test
  void theRealLoki4jAppenderPushesItsDefaultJsonWithStructuredMetadata() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setName("loki4j-e2e");
    // A context made by hand has no MDC adapter; the one logback's own initialisation would set.
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    String xml = """
        <configuration>
          <appender name="LOKI" class="com.github.loki4j.logback.Loki4jAppender">
            <http><url>%s/loki/api/v1/push</url><tenantId>apps</tenantId></http>
            <batch><timeoutMs>100</timeoutMs></batch>
          </appender>
          <root level="INFO"><appender-ref ref="LOKI"/></root>
        </configuration>""".formatted(server.baseUrl());
    configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    try {
      org.slf4j.Logger logger = context.getLogger("dev.tonari.e2e.Checkout");
      for (int i = 0; i < 5; i++) {
        logger.info("order {} paid", i);
      }
      logger.warn("payment provider slow");
    } finally {
      context.stop();
    }
    String query = "/loki/api/v1/query_range?query=" + encode("{agent=\"loki4j\", app=\"loki4j-e2e\"}") + "&since=5m&direction=forward";
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
      HttpRequest request = HttpRequest.newBuilder(uri(query)).header("X-Scope-OrgID", "apps")
          .header("X-Loki-Response-Encoding-Flags", "categorize-labels").build();
      JsonNode answer = JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
      JsonNode values = answer.path("data").path("result").path(0).path("values");
      assertThat(values).hasSize(6);
      assertThat(values.get(0).get(1).asText()).contains("order 0 paid");
      JsonNode metadata = values.get(5).get(2).path("structuredMetadata");
      assertThat(metadata.path("level").asText()).isEqualTo("WARN");
      assertThat(metadata.path("logger").asText()).isEqualTo("dev.tonari.e2e.Checkout");
    });
    List<String> labels = new java.util.ArrayList<>();
    JSON.readTree(get("apps", "/loki/api/v1/labels").body()).path("data").forEach(name -> labels.add(name.asText()));
    assertThat(labels).contains("agent", "app", "host");
  }

  private HttpResponse<String> push(String tenant, String contentType, String contentEncoding, byte[] body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri("/loki/api/v1/push"))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (tenant != null) {
      request.header("X-Scope-OrgID", tenant);
    }
    if (contentEncoding != null) {
      request.header("Content-Encoding", contentEncoding);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String tenant, String pathAndQuery) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
    if (tenant != null) {
      request.header("X-Scope-OrgID", tenant);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String pathAndQuery) {
    return URI.create(server.baseUrl() + pathAndQuery);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
