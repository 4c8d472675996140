package dev.tonari.ingest.elastic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.ingest.PushException;
import dev.tonari.ingest.agent.BodyDecompression.Body;
import dev.tonari.ingest.agent.FieldMapping;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bulk bodies as Filebeat, Fluent Bit's es output and Logstash send them (test resources), and the error cases. */
class BulkDecoderTest {
  private static final long NOW = 1_714_557_000_000_000_000L;

  static Body resource(String name) throws IOException {
    try (InputStream in = BulkDecoderTest.class.getResourceAsStream("/elastic/" + name)) {
      return Body.of(in.readAllBytes());
    }
  }

  private static long nanos(String iso) {
    Instant instant = Instant.parse(iso);
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  @Test
  void filebeatDocumentsKeepTheirMessageTimeAndFlattenedFields() throws Exception {
    BulkRequest bulk = BulkDecoder.decode(resource("filebeat-8.15-bulk.ndjson"), null, FieldMapping.defaults(), NOW);
    assertThat(bulk.items()).extracting(BulkRequest.Item::action).containsExactly("create", "create");
    assertThat(bulk.items()).allSatisfy(item -> assertThat(item.error()).isNull());
    StreamBatch stream = bulk.request().streams().get(0);
    assertThat(stream.labels()).isEqualTo(Labels.of("index", "filebeat-8.15.0"));
    LogEntry first = stream.entries().get(0);
    assertThat(first.line()).isEqualTo("level=info msg=\"GET /users 200\" duration=12ms");
    assertThat(first.timestampNanos()).isEqualTo(nanos("2024-05-01T10:00:00.123Z"));
    assertThat(first.metadata().get("host_name")).isEqualTo("web-1");
    assertThat(first.metadata().get("host_os_platform")).isEqualTo("ubuntu");
    assertThat(first.metadata().get("host_ip")).isEqualTo("[\"10.0.1.17\",\"fe80::8ff:2aff:fe3e:8c1b\"]");
    assertThat(first.metadata().get("log_file_path")).isEqualTo("/var/log/app/app.log");
    assertThat(first.metadata().get("agent_type")).isEqualTo("filebeat");
    assertThat(first.metadata().get("ecs_version")).isEqualTo("8.0.0");
    assertThat(first.metadata().get("message")).as("the line is not repeated as metadata").isNull();
    assertThat(first.metadata().get("host_containerized")).isEqualTo("false");
  }

  @Test
  void fluentBitLogFieldIsTheLineAndStreamFieldsAreLabels() throws Exception {
    FieldMapping mapping = new FieldMapping(FieldMapping.DEFAULT_MESSAGE_FIELDS, FieldMapping.DEFAULT_TIME_FIELDS,
        List.of("kubernetes.namespace_name", "kubernetes_container_name"), List.of("time"), Map.of());
    BulkRequest bulk = BulkDecoder.decode(resource("fluentbit-3.1-es-bulk.ndjson"), null, mapping, NOW);
    assertThat(bulk.items()).extracting(BulkRequest.Item::action).containsExactly("create", "index");
    assertThat(bulk.request().streams()).hasSize(1);
    StreamBatch stream = bulk.request().streams().get(0);
    assertThat(stream.labels()).isEqualTo(Labels.of("index", "fluent-bit", "kubernetes_namespace_name", "shop", "kubernetes_container_name", "cart"));
    assertThat(stream.entries()).extracting(LogEntry::line)
        .containsExactly("2024-05-01T10:00:01Z WARN cache miss for key user:42", "2024-05-01T10:00:02Z INFO served 12 requests");
    assertThat(stream.entries().get(0).metadata().get("time")).as("ignored").isNull();
    assertThat(stream.entries().get(0).metadata().get("kubernetes_labels_app")).isEqualTo("cart");
  }

  @Test
  void logstashNullIdsAndPathIndex() throws Exception {
    BulkRequest bulk = BulkDecoder.decode(resource("logstash-8.14-bulk.ndjson"), "ignored-when-the-action-names-one", FieldMapping.defaults(), NOW);
    assertThat(bulk.items()).extracting(BulkRequest.Item::id).containsExactly("", "doc-7");
    assertThat(bulk.request().streams().get(0).labels()).isEqualTo(Labels.of("index", "logstash-2024.05.01"));
    LogEntry first = bulk.request().streams().get(0).entries().get(0);
    assertThat(first.metadata().get("tags")).isEqualTo("[\"ssh\",\"auth\"]");
    assertThat(first.metadata().get("_version")).as("@version, as a label name").isEqualTo("1");
    assertThat(first.metadata().get("event_original")).startsWith("May  1 10:00:03 bastion sshd[1234]");
  }

  @Test
  void perItemErrorsInRequestOrder() throws Exception {
    BulkRequest bulk = BulkDecoder.decode(resource("errors-bulk.ndjson"), "from-path", FieldMapping.defaults(), NOW);
    assertThat(bulk.items()).extracting(BulkRequest.Item::action).containsExactly("index", "update", "delete", "create", "index", "create");
    assertThat(bulk.items()).extracting(item -> item.error() == null ? 0 : item.error().status()).containsExactly(0, 400, 400, 400, 400, 0);
    assertThat(bulk.items().get(1).error().reason()).contains("update (line 3) is not supported");
    assertThat(bulk.items().get(3).error().type()).isEqualTo("document_parsing_exception");
    assertThat(bulk.items().get(3).error().reason()).contains("line 7");
    assertThat(bulk.items().get(4).error().reason()).contains("cannot parse time \"yesterday\"");
    assertThat(bulk.items()).extracting(BulkRequest.Item::index).containsExactly("app", "app", "app", "from-path", "from-path", "other");
    assertThat(bulk.request().streams()).extracting(StreamBatch::labels).containsExactly(Labels.of("index", "app"), Labels.of("index", "other"));
    assertThat(bulk.request().streams().get(0).entries().get(0).timestampNanos()).as("10-digit seconds").isEqualTo(1_714_557_600_000_000_000L);
    assertThat(bulk.request().streams().get(1).entries().get(0).timestampNanos()).as("13-digit milliseconds").isEqualTo(1_714_557_601_123_000_000L);
    assertThat(bulk.request().streams().get(1).entries().get(0).line()).isEqualTo("second kept");
  }

  @Test
  void malformedBodiesAreA400ForTheWholeRequest() {
    assertThatThrownBy(() -> BulkDecoder.decode(resource("no-final-newline-bulk.ndjson"), null, FieldMapping.defaults(), NOW))
        .isInstanceOf(PushException.class).hasMessage("The bulk request must be terminated by a newline [\\n]");
    assertThatThrownBy(() -> BulkDecoder.decode(resource("unknown-action-bulk.ndjson"), null, FieldMapping.defaults(), NOW))
        .isInstanceOf(PushException.class)
        .hasMessage("Malformed action/metadata line [1], expected one of [create, delete, index, update] but found [upsert]");
    assertThatThrownBy(() -> BulkDecoder.decode(resource("malformed-action-bulk.ndjson"), null, FieldMapping.defaults(), NOW))
        .isInstanceOf(PushException.class).hasMessageStartingWith("Malformed action/metadata line [1]: ");
    assertThatThrownBy(() -> BulkDecoder.decode(Body.of("{\"index\":{}}\n".getBytes()), null, FieldMapping.defaults(), NOW))
        .isInstanceOf(PushException.class).hasMessageContaining("has no source line");
  }

  @Test
  void aDocumentWithoutMessageFieldIsStoredWhole() throws Exception {
    BulkRequest bulk = BulkDecoder.decode(Body.of("{\"index\":{}}\n{\"a\":{\"b\":1}}\n".getBytes()), null, FieldMapping.defaults(), NOW);
    LogEntry entry = bulk.request().streams().get(0).entries().get(0);
    assertThat(entry.line()).isEqualTo("{\"a\":{\"b\":1}}");
    assertThat(entry.timestampNanos()).isEqualTo(NOW);
    assertThat(entry.metadata().get("a_b")).isEqualTo("1");
    assertThat(bulk.request().streams().get(0).labels()).isEqualTo(Labels.EMPTY);
  }
}
