package dev.tonari.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.ingest.PushException;
import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.agent.LogDiscovery;
import dev.tonari.ingest.otlp.OtlpLogs.AnyValue;
import dev.tonari.ingest.otlp.OtlpLogs.Attribute;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import com.google.re2j.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The OTLP endpoint's decoding and Loki's mapping, on the OTLP specification's example and on hand-made requests. */
class OtlpDecoderTest {
  private static final long NOW = 1_700_000_000_000_000_000L;
  private static final OtlpMapping DEFAULTS = OtlpMapping.defaults(LogDiscovery.DEFAULT_SERVICE_NAME_SOURCES);

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = OtlpDecoderTest.class.getResourceAsStream("/otlp/" + name)) {
      return in.readAllBytes();
    }
  }

  private static PushRequest decodeJson(byte[] body, OtlpMapping mapping) throws PushException {
    return OtlpDecoder.decode("application/json", null, body, 1 << 20, "limit", mapping, NOW);
  }

  @Test
  void specificationExampleMapsAsLokiMapsIt() throws Exception {
    PushRequest request = decodeJson(resource("logs.json"), DEFAULTS);
    assertThat(request.streams()).hasSize(1);
    StreamBatch stream = request.streams().get(0);
    assertThat(stream.labels()).isEqualTo(Labels.of("service_name", "my.service"));
    LogEntry entry = stream.entries().get(0);
    assertThat(entry.timestampNanos()).isEqualTo(1544712660300000000L);
    assertThat(entry.line()).isEqualTo("Example log record");
    assertThat(entry.metadata().toMap()).isEqualTo(Map.ofEntries(
        Map.entry("scope_name", "my.library"),
        Map.entry("scope_version", "1.0.0"),
        Map.entry("my_scope_attribute", "some scope attribute"),
        Map.entry("string_attribute", "some string"),
        Map.entry("boolean_attribute", "true"),
        Map.entry("int_attribute", "10"),
        Map.entry("double_attribute", "637.704"),
        Map.entry("array_attribute", "[\"many\",\"values\"]"),
        Map.entry("map_attribute_some_map_key", "some value"),
        Map.entry("severity_text", "Information"),
        Map.entry("severity_number", "10"),
        Map.entry("trace_id", "5b8efff798038103d269b633813fc60c"),
        Map.entry("span_id", "eee19b7ec3c1b174"),
        Map.entry("observed_timestamp", "1544712660300000000")));
  }

  @Test
  void protobufAndJsonOfTheSameRequestDecodeAlike() throws Exception {
    OtlpLogs logs = OtlpJsonReader.read(dev.tonari.ingest.agent.BodyDecompression.Body.of(resource("logs.json")));
    byte[] protobuf = OtlpTestEncoder.protobuf(logs);
    assertThat(OtlpDecoder.read("application/x-protobuf", null, protobuf, 1 << 20, "limit")).isEqualTo(logs);
    assertThat(OtlpDecoder.read("application/x-protobuf", "gzip", gzip(protobuf), 1 << 20, "limit")).isEqualTo(logs);
    assertThat(OtlpDecoder.read("application/x-protobuf", "zstd", com.github.luben.zstd.Zstd.compress(protobuf), 1 << 20, "limit"))
        .isEqualTo(logs);
  }

  @Test
  void defaultIndexLabelsAndServiceNameDiscovery() throws Exception {
    String body = """
        {"resourceLogs":[
          {"resource":{"attributes":[
            {"key":"k8s.namespace.name","value":{"stringValue":"shop"}},
            {"key":"k8s.container.name","value":{"stringValue":"cart"}},
            {"key":"host.name","value":{"stringValue":"node-1"}},
            {"key":"deployment.environment.name","value":{"stringValue":"prod"}}]},
           "scopeLogs":[{"logRecords":[
             {"observedTimeUnixNano":"1700000000000000001","body":{"kvlistValue":{"values":[{"key":"msg","value":{"stringValue":"hi"}},{"key":"n","value":{"intValue":2}}]}}},
             {"body":{"arrayValue":{"values":[{"intValue":"1"},{"boolValue":false}]}}}
           ]}]},
          {"resource":{},"scopeLogs":[{"logRecords":[{"timeUnixNano":"5","body":{"stringValue":"no resource"}}]}]}
        ]}""";
    PushRequest request = decodeJson(body.getBytes(StandardCharsets.UTF_8), DEFAULTS);
    assertThat(request.streams()).extracting(StreamBatch::labels).containsExactly(
        Labels.of("k8s_namespace_name", "shop", "k8s_container_name", "cart", "deployment_environment_name", "prod", "service_name", "cart"),
        Labels.of("service_name", "unknown_service"));
    List<LogEntry> entries = request.streams().get(0).entries();
    assertThat(entries.get(0).line()).isEqualTo("{\"msg\":\"hi\",\"n\":2}");
    assertThat(entries.get(0).timestampNanos()).as("observed time when time_unix_nano is absent").isEqualTo(1700000000000000001L);
    assertThat(entries.get(0).metadata().get("host_name")).isEqualTo("node-1");
    assertThat(entries.get(1).line()).isEqualTo("[1,false]");
    assertThat(entries.get(1).timestampNanos()).as("now when neither time is set").isEqualTo(NOW);
    assertThat(request.streams().get(1).entries().get(0).timestampNanos()).isEqualTo(5);
  }

  @Test
  void otlpConfigRulesDecideFirstMatchWins() throws Exception {
    String body = """
        {"resourceLogs":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"api"}},
            {"key":"k8s.node.name","value":{"stringValue":"n1"}},
            {"key":"process.pid","value":{"intValue":"42"}},
            {"key":"k8s.pod.name","value":{"stringValue":"api-1"}}]},
          "scopeLogs":[{"scope":{"name":"lib","attributes":[{"key":"secret","value":{"stringValue":"x"}}]},
            "logRecords":[{"timeUnixNano":"1","body":{"stringValue":"b"},"attributes":[
              {"key":"tenant","value":{"stringValue":"t1"}},{"key":"debug.blob","value":{"stringValue":"zzz"}}]}]}]}]}""";
    OtlpMapping mapping = new OtlpMapping(true,
        List.of(new OtlpMapping.Rule(OtlpMapping.Action.INDEX_LABEL, Set.of("service.name", "k8s.node.name"), Optional.empty()),
            new OtlpMapping.Rule(OtlpMapping.Action.DROP, Set.of(), Optional.of(Pattern.compile("process\\..*")))),
        List.of(new OtlpMapping.Rule(OtlpMapping.Action.DROP, Set.of("secret"), Optional.empty())),
        List.of(new OtlpMapping.Rule(OtlpMapping.Action.INDEX_LABEL, Set.of("tenant"), Optional.empty()),
            new OtlpMapping.Rule(OtlpMapping.Action.DROP, Set.of(), Optional.of(Pattern.compile("debug\\..*")))),
        List.of());
    StreamBatch stream = decodeJson(body.getBytes(StandardCharsets.UTF_8), mapping).streams().get(0);
    assertThat(stream.labels()).as("ignore_defaults: k8s.pod.name is metadata").isEqualTo(
        Labels.of("service_name", "api", "k8s_node_name", "n1", "tenant", "t1"));
    assertThat(stream.entries().get(0).metadata().toMap()).isEqualTo(Map.of("k8s_pod_name", "api-1", "scope_name", "lib"));
  }

  @Test
  void snakeCaseKeysNumbersForInt64AndUnknownFieldsAreAccepted() throws Exception {
    String body = """
        {"resource_logs":[{"resource":{"attributes":[{"key":"service.name","value":{"string_value":"s"}}],"future":1},
          "scope_logs":[{"log_records":[{"time_unix_nano":1700000000000000000,"severity_number":17,"body":{"string_value":"x"},
            "unknown":{"deep":[1,2,{"a":null}]}}]}]}]}""";
    LogEntry entry = decodeJson(body.getBytes(StandardCharsets.UTF_8), DEFAULTS).streams().get(0).entries().get(0);
    assertThat(entry.timestampNanos()).isEqualTo(1700000000000000000L);
    assertThat(entry.metadata().get("severity_number")).isEqualTo("17");
  }

  @Test
  void badBodiesAre400sThatSayWhatAndWhere() {
    assertThatThrownBy(() -> decodeJson("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"xyz\"}]}]}]}"
        .getBytes(StandardCharsets.UTF_8), DEFAULTS))
        .isInstanceOf(PushException.class).hasMessageContaining("traceId must be 32 hex digits, got \"xyz\"").hasMessageContaining("byte offset")
        .extracting(e -> ((PushException) e).status()).isEqualTo(400);
    assertThatThrownBy(() -> decodeJson("{\"resourceLogs\":[".getBytes(StandardCharsets.UTF_8), DEFAULTS))
        .isInstanceOf(PushException.class).extracting(e -> ((PushException) e).status()).isEqualTo(400);
    assertThatThrownBy(() -> OtlpDecoder.read("application/x-protobuf", null, new byte[] {0x0a, 0x05, 0x01}, 1 << 20, "limit"))
        .isInstanceOf(PushException.class).hasMessageStartingWith("error parsing OTLP protobuf body:");
    assertThatThrownBy(() -> OtlpDecoder.read("text/plain", null, new byte[0], 1 << 20, "limit"))
        .isInstanceOf(PushException.class).extracting(e -> ((PushException) e).status()).isEqualTo(415);
    assertThatThrownBy(() -> OtlpDecoder.read("application/json", "br", new byte[0], 1 << 20, "limit"))
        .isInstanceOf(PushException.class).extracting(e -> ((PushException) e).status()).isEqualTo(415);
  }

  @Test
  void decompressedSizeIsBoundedAndNamesTheLimit() throws Exception {
    byte[] bomb = gzip(new byte[10_000_000]);
    assertThatThrownBy(() -> OtlpDecoder.read("application/x-protobuf", "gzip", bomb, 1 << 20, "limits.max_push_body_size"))
        .isInstanceOf(PushException.class)
        .hasMessage("request body too large: more than 1048576 bytes after gzip decompression, limit (limits.max_push_body_size) is 1048576 bytes")
        .extracting(e -> ((PushException) e).status()).isEqualTo(413);
  }

  @Test
  void deeplyNestedValuesAreRefusedNotAStackOverflow() {
    AnyValue value = new AnyValue.Text("leaf");
    for (int i = 0; i < 200; i++) {
      value = new AnyValue.Array(List.of(value));
    }
    OtlpLogs logs = new OtlpLogs(List.of(new OtlpLogs.ResourceLogs(List.of(new Attribute("a", value)), List.of())));
    byte[] protobuf = OtlpTestEncoder.protobuf(logs);
    assertThatThrownBy(() -> OtlpDecoder.read("application/x-protobuf", null, protobuf, 1 << 20, "limit"))
        .isInstanceOf(PushException.class).hasMessageContaining("nested deeper than 64 levels");
    byte[] json = OtlpTestEncoder.json(logs).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OtlpDecoder.read("application/json", null, json, 1 << 20, "limit")).isInstanceOf(PushException.class);
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }
}
