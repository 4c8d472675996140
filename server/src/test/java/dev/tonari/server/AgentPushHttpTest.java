package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import dev.tonari.ingest.Limits;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agents' endpoints on the real server (port 0), read back through the Loki API: the
 * OpenTelemetry Java SDK's OTLP/HTTP exporter (protobuf, gzip), hand-written OTLP/JSON, recorded
 * Filebeat, Fluent Bit and Logstash bulk bodies, JSON lines, and the error answers of each.
 */
class AgentPushHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private TonariServer server;
  private HttpClient http;

  @BeforeEach
  void start() throws Exception {
    Limits defaults = ServerConfig.defaults().limits();
    Limits limits = new Limits(defaults.rejectOldSamples(), defaults.rejectOldSamplesMaxAge(), defaults.creationGracePeriod(),
        defaults.maxLineSize(), defaults.maxLineSizeTruncate(), defaults.maxLabelNamesPerSeries(), defaults.maxLabelNameLength(),
        defaults.maxLabelValueLength(), 256 * 1024);
    server = TonariServer.open(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir).withLimits(limits));
    http = HttpClient.newHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    http.close();
    server.close();
  }

  private String base() {
    return "http://127.0.0.1:" + server.port();
  }

  @Test
  void openTelemetrySdkExporterPushesProtobufWithGzip() throws Exception {
    OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder().setEndpoint(base() + "/otlp/v1/logs").setCompression("gzip")
        .addHeader("X-Scope-OrgID", "team-otel").build();
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.builder()
        .put("service.name", "checkout").put("k8s.namespace.name", "shop").put("host.name", "node-1").build()));
    SdkLoggerProvider provider = SdkLoggerProvider.builder().setResource(resource)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter)).build();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    try {
      Logger logger = provider.loggerBuilder("dev.tonari.checkout").setInstrumentationVersion("1.2.3").build();
      logger.logRecordBuilder().setTimestamp(now.minusSeconds(2)).setSeverity(Severity.INFO).setSeverityText("INFO")
          .setBody("payment accepted").setAttribute(AttributeKey.stringKey("order.id"), "o-1").emit();
      logger.logRecordBuilder().setTimestamp(now.minusSeconds(1)).setSeverity(Severity.ERROR2)
          .setBody("card declined").setAttribute(AttributeKey.longKey("http.status_code"), 402L).emit();
      CompletableResultCode flushed = provider.forceFlush().join(20, TimeUnit.SECONDS);
      assertThat(flushed.isSuccess()).as("the exporter's export succeeded").isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    JsonNode result = queryCategorized("team-otel", "{service_name=\"checkout\"}");
    assertThat(result).hasSize(1);
    assertThat(result.get(0).get("stream")).isEqualTo(JSON.readTree("{\"k8s_namespace_name\":\"shop\",\"service_name\":\"checkout\"}"));
    JsonNode values = result.get(0).get("values");
    assertThat(values).hasSize(2);
    assertThat(values.get(0).get(0).asText()).isEqualTo(Long.toString(nanos(now.minusSeconds(1))));
    assertThat(values.get(0).get(1).asText()).isEqualTo("card declined");
    Map<String, String> declined = metadata(values.get(0));
    assertThat(declined).containsEntry("severity_number", "18").containsEntry("detected_level", "error")
        .containsEntry("http_status_code", "402").containsEntry("scope_name", "dev.tonari.checkout").containsEntry("scope_version", "1.2.3")
        .containsEntry("host_name", "node-1").containsEntry("telemetry_sdk_language", "java").containsKey("observed_timestamp");
    Map<String, String> accepted = metadata(values.get(1));
    assertThat(accepted).containsEntry("severity_text", "INFO").containsEntry("severity_number", "9").containsEntry("order_id", "o-1")
        .containsEntry("detected_level", "info");
  }

  @Test
  void handWrittenOtlpJsonAndItsErrors() throws Exception {
    long now = nanos(Instant.now());
    String body = """
        {"resourceLogs":[{"resource":{"attributes":[{"key":"k8s.container.name","value":{"stringValue":"cart"}}]},
          "scopeLogs":[{"scope":{"name":"s"},"logRecords":[
            {"timeUnixNano":"%d","severityNumber":13,"body":{"stringValue":"low stock"},
             "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","flags":1}]}]}]}""".formatted(now - 1_000_000_000L);
    HttpResponse<byte[]> ok = post("/otlp/v1/logs", "team-json", "application/json", null, body.getBytes(StandardCharsets.UTF_8));
    assertThat(ok.statusCode()).isEqualTo(204);
    JsonNode result = queryCategorized("team-json", "{service_name=\"cart\"}");
    assertThat(result.get(0).get("stream")).isEqualTo(JSON.readTree("{\"k8s_container_name\":\"cart\",\"service_name\":\"cart\"}"));
    assertThat(metadata(result.get(0).get("values").get(0))).containsEntry("trace_id", "5b8efff798038103d269b633813fc60c")
        .containsEntry("span_id", "eee19b7ec3c1b174").containsEntry("flags", "1").containsEntry("detected_level", "warn");

    HttpResponse<byte[]> badJson = post("/otlp/v1/logs", "team-json", "application/json", null, "{\"resourceLogs\":[{".getBytes(StandardCharsets.UTF_8));
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(badJson.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode status = JSON.readTree(badJson.body());
    assertThat(status.get("code").asInt()).as("INVALID_ARGUMENT").isEqualTo(3);
    assertThat(status.get("message").asText()).startsWith("error parsing OTLP JSON body:");

    HttpResponse<byte[]> badProtobuf = post("/otlp/v1/logs", "team-json", "application/x-protobuf", "gzip", gzip(new byte[] {0x0a, 0x7f, 0x01}));
    assertThat(badProtobuf.statusCode()).isEqualTo(400);
    assertThat(badProtobuf.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    CodedInputStream in = CodedInputStream.newInstance(badProtobuf.body());
    assertThat(in.readTag()).isEqualTo(8);
    assertThat(in.readInt32()).isEqualTo(3);
    assertThat(in.readTag()).isEqualTo(18);
    assertThat(in.readString()).startsWith("error parsing OTLP protobuf body:");

    HttpResponse<byte[]> tooLarge = post("/otlp/v1/logs", "team-json", "application/x-protobuf", "gzip", gzip(new byte[1_000_000]));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    HttpResponse<byte[]> wrongType = post("/otlp/v1/logs", "team-json", "text/plain", null, new byte[0]);
    assertThat(wrongType.statusCode()).isEqualTo(415);
    assertThat(JSON.readTree(wrongType.body()).get("message").asText()).contains("use application/x-protobuf or application/json");
  }

  @Test
  void elasticsearchHandshakeAnswersAsElasticsearch() throws Exception {
    HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create(base() + "/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.headers().firstValue("X-Elastic-Product")).hasValue("Elasticsearch");
    JsonNode version = JSON.readTree(root.body());
    assertThat(version.get("version").get("number").asText()).isEqualTo(ElasticHandlers.ELASTIC_VERSION);
    assertThat(version.get("tagline").asText()).isEqualTo("You Know, for Search");
    HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(base() + "/")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("X-Elastic-Product")).hasValue("Elasticsearch");
    HttpResponse<String> license = http.send(HttpRequest.newBuilder(URI.create(base() + "/_license?human=false")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(license.body()).get("license").get("status").asText()).isEqualTo("active");
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base() + "/_cluster/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("green");
  }

  @Test
  void recordedShipperBulkBodiesAreStoredAndReadBack() throws Exception {
    String minute = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:").withZone(ZoneOffset.UTC).format(Instant.now().minusSeconds(120));
    for (String name : List.of("filebeat-8.15-bulk.ndjson", "fluentbit-3.1-es-bulk.ndjson", "logstash-8.14-bulk.ndjson")) {
      byte[] body = recorded(name).replace("2024-05-01T10:00:", minute).getBytes(StandardCharsets.UTF_8);
      HttpResponse<byte[]> response = post("/_bulk", "team-es", "application/x-ndjson", null, body);
      assertThat(response.statusCode()).as(name).isEqualTo(200);
      assertThat(response.headers().firstValue("X-Elastic-Product")).hasValue("Elasticsearch");
      JsonNode answer = JSON.readTree(response.body());
      assertThat(answer.get("errors").asBoolean()).as("%s: %s", name, answer).isFalse();
      assertThat(answer.get("items")).hasSize(2).allSatisfy(item -> assertThat(item.elements().next().get("status").asInt()).isEqualTo(201));
    }
    JsonNode filebeat = queryCategorized("team-es", "{index=\"filebeat-8.15.0\"}");
    assertThat(filebeat.get(0).get("stream")).isEqualTo(JSON.readTree("{\"index\":\"filebeat-8.15.0\",\"service_name\":\"unknown_service\"}"));
    JsonNode lines = filebeat.get(0).get("values");
    assertThat(lines.get(0).get(1).asText()).isEqualTo("level=error msg=\"GET /orders 500\" duration=230ms");
    assertThat(metadata(lines.get(0))).containsEntry("detected_level", "error").containsEntry("host_name", "web-1")
        .containsEntry("log_file_path", "/var/log/app/app.log");
    JsonNode fluentBit = queryCategorized("team-es", "{index=\"fluent-bit\"} |= \"cache miss\"");
    assertThat(metadata(fluentBit.get(0).get("values").get(0))).containsEntry("kubernetes_namespace_name", "shop")
        .containsEntry("detected_level", "warn");
    JsonNode logstash = queryCategorized("team-es", "{index=\"logstash-2024.05.01\"}");
    assertThat(logstash.get(0).get("values")).hasSize(2);
  }

  @Test
  void bulkItemsAnswerInRequestOrderAndMalformedBodiesAre400() throws Exception {
    long seconds = Instant.now().getEpochSecond() - 5;
    String body = String.join("\n", "{\"index\":{\"_id\":\"a\"}}", "{\"message\":\"kept\",\"@timestamp\":" + seconds + ",\"app\":\"api\"}",
        "{\"update\":{\"_id\":\"b\"}}", "{\"doc\":{}}", "{\"delete\":{\"_id\":\"c\"}}", "{\"create\":{}}", "{\"message\":\"broken",
        "{\"create\":{}}", "{\"message\":\"also kept\",\"@timestamp\":" + (seconds + 1) + ",\"app\":\"api\"}") + "\n";
    HttpResponse<byte[]> response = post("/logs/_bulk?_stream_fields=app", "team-bulk", "application/x-ndjson", null, body.getBytes(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("errors").asBoolean()).isTrue();
    List<String> statuses = new ArrayList<>();
    answer.get("items").forEach(item -> {
      String action = item.fieldNames().next();
      statuses.add(action + ":" + item.get(action).get("status").asInt());
    });
    assertThat(statuses).containsExactly("index:201", "update:400", "delete:400", "create:400", "create:201");
    assertThat(answer.get("items").get(0).get("index").get("_id").asText()).isEqualTo("a");
    assertThat(answer.get("items").get(0).get("index").get("_index").asText()).isEqualTo("logs");
    JsonNode stored = queryCategorized("team-bulk", "{app=\"api\", index=\"logs\"}");
    assertThat(stored.get(0).get("values")).extracting(value -> value.get(1).asText()).containsExactly("also kept", "kept");

    HttpResponse<byte[]> noNewline = post("/_bulk", "team-bulk", "application/x-ndjson", null, "{\"index\":{}}\n{\"message\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(noNewline.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(noNewline.body());
    assertThat(error.get("error").get("type").asText()).isEqualTo("illegal_argument_exception");
    assertThat(error.get("error").get("reason").asText()).isEqualTo("The bulk request must be terminated by a newline [\\n]");
    assertThat(error.get("status").asInt()).isEqualTo(400);
  }

  @Test
  void jsonLinesForCurlAndVector() throws Exception {
    long now = Instant.now().getEpochSecond();
    String body = "{\"msg\":\"one\",\"time\":" + (now - 3) + ",\"app\":\"cart\",\"level\":\"warn\"}\n"
        + "{\"msg\":\"two\",\"time\":" + (now - 2) + ",\"app\":\"cart\"}\n";
    HttpResponse<byte[]> ok = post("/tonari/api/v1/push/jsonl", "team-jsonl", "application/x-ndjson", "gzip",
        gzipOf(body), Map.of("VL-Stream-Fields", "app"));
    assertThat(ok.statusCode()).as(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo(204);
    JsonNode stored = queryCategorized("team-jsonl", "{app=\"cart\"}");
    assertThat(stored.get(0).get("stream")).isEqualTo(JSON.readTree("{\"app\":\"cart\",\"service_name\":\"cart\"}"));
    assertThat(stored.get(0).get("values")).extracting(value -> value.get(1).asText()).containsExactly("two", "one");
    assertThat(metadata(stored.get(0).get("values").get(1))).containsEntry("level", "warn").containsEntry("detected_level", "warn");

    HttpResponse<byte[]> partly = post("/tonari/api/v1/push/jsonl?_stream_fields=app", "team-jsonl", "application/x-ndjson", null,
        ("{\"msg\":\"three\",\"app\":\"cart\"}\n[1,2]\n").getBytes(StandardCharsets.UTF_8));
    assertThat(partly.statusCode()).isEqualTo(400);
    assertThat(new String(partly.body(), StandardCharsets.UTF_8)).startsWith("1 line refused").contains("line 2: expected a JSON object");
    assertThat(queryCategorized("team-jsonl", "{app=\"cart\"} |= \"three\"")).hasSize(1);
  }

  // ---- helpers ----

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static String recorded(String name) throws IOException {
    try (InputStream in = AgentPushHttpTest.class.getResourceAsStream("/elastic/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Map<String, String> metadata(JsonNode value) {
    Map<String, String> metadata = new TreeMap<>();
    if (value.size() > 2) {
      value.get(2).path("structuredMetadata").fields().forEachRemaining(field -> metadata.put(field.getKey(), field.getValue().asText()));
    }
    return metadata;
  }

  private JsonNode queryCategorized(String tenant, String query) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/loki/api/v1/query_range?since=1h&query="
            + URLEncoder.encode(query, StandardCharsets.UTF_8)))
        .header("X-Scope-OrgID", tenant).header("X-Loki-Response-Encoding-Flags", "categorize-labels").build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).get("data").get("result");
  }

  private HttpResponse<byte[]> post(String path, String tenant, String contentType, String encoding, byte[] body) throws Exception {
    return post(path, tenant, contentType, encoding, body, Map.of());
  }

  private HttpResponse<byte[]> post(String path, String tenant, String contentType, String encoding, byte[] body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).header("X-Scope-OrgID", tenant)
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] gzipOf(String text) throws IOException {
    return gzip(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }
}
