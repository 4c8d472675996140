package dev.tonari.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.agent.BodyDecompression.Body;
import dev.tonari.ingest.jsonlines.JsonLinesDecoder;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON lines decoding, document times, and Loki's service_name / detected_level discovery. */
class JsonLinesAndDiscoveryTest {
  private static final long NOW = 1_714_557_000_000_000_000L;

  @Test
  void jsonLinesKeepGoodLinesAndNameTheBadOnes() {
    String body = """
        {"_msg":"first","_time":"2024-05-01T10:00:00Z","app":"cart","host":{"name":"a"}}

        not json
        {"message":"third","time":"2024-05-01 10:00:02.5","app":"cart"}
        {"message":"fourth","app":"web"}""";
    FieldMapping mapping = new FieldMapping(FieldMapping.DEFAULT_MESSAGE_FIELDS, FieldMapping.DEFAULT_TIME_FIELDS, List.of("app"), List.of(), Map.of());
    JsonLinesDecoder.Result result = JsonLinesDecoder.decode(Body.of(body.getBytes(StandardCharsets.UTF_8)), mapping, NOW);
    assertThat(result.refusedLines()).isEqualTo(1);
    assertThat(result.problems()).singleElement().asString().startsWith("line 3: ");
    assertThat(result.request().streams()).extracting(StreamBatch::labels).containsExactly(Labels.of("app", "cart"), Labels.of("app", "web"));
    List<LogEntry> cart = result.request().streams().get(0).entries();
    assertThat(cart).extracting(LogEntry::line).containsExactly("first", "third");
    assertThat(cart.get(0).timestampNanos()).isEqualTo(1_714_557_600_000_000_000L);
    assertThat(cart.get(1).timestampNanos()).isEqualTo(1_714_557_602_500_000_000L);
    assertThat(cart.get(0).metadata()).isEqualTo(Labels.of("host_name", "a"));
    assertThat(result.request().streams().get(1).entries().get(0).timestampNanos()).isEqualTo(NOW);
  }

  @Test
  void documentTimesInEveryUnit() {
    assertThat(DocumentTime.parseNanos("1714557600")).isEqualTo(1_714_557_600_000_000_000L);
    assertThat(DocumentTime.parseNanos("1714557600123")).isEqualTo(1_714_557_600_123_000_000L);
    assertThat(DocumentTime.parseNanos("1714557600123456")).isEqualTo(1_714_557_600_123_456_000L);
    assertThat(DocumentTime.parseNanos("1714557600123456789")).isEqualTo(1_714_557_600_123_456_789L);
    assertThat(DocumentTime.parseNanos("1714557600.25")).isEqualTo(1_714_557_600_250_000_000L);
    assertThat(DocumentTime.parseNanos("2024-05-01T12:00:00.000000001+02:00")).isEqualTo(1_714_557_600_000_000_001L);
    assertThatThrownBy(() -> DocumentTime.parseNanos("99999999999999999999")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DocumentTime.parseNanos("soon")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RFC 3339");
  }

  @Test
  void serviceNameIsDiscoveredFromTheFirstPresentLabelElseUnknown() {
    List<String> sources = LogDiscovery.DEFAULT_SERVICE_NAME_SOURCES;
    assertThat(LogDiscovery.withServiceName(Labels.of("job", "batch", "app", "api"), sources)).isEqualTo(Labels.of("job", "batch", "app", "api",
        "service_name", "api"));
    assertThat(LogDiscovery.withServiceName(Labels.of("env", "prod"), sources)).isEqualTo(Labels.of("env", "prod", "service_name", "unknown_service"));
    Labels given = Labels.of("service_name", "mine", "app", "api");
    assertThat(LogDiscovery.withServiceName(given, sources)).isSameAs(given);
  }

  @Test
  void levelsAreDetectedFromSeverityFieldsAndLines() {
    assertThat(level("x", Labels.of("severity_number", "17"))).isEqualTo("error");
    assertThat(level("x", Labels.of("severity_number", "22"))).isEqualTo("fatal");
    assertThat(level("x", Labels.of("severity_number", "0", "severity_text", "Warning"))).isEqualTo("warn");
    assertThat(level("x", Labels.of("level", "DBG"))).isEqualTo("debug");
    assertThat(level("{\"ts\":1,\"level\":\"warning\",\"msg\":\"disk\"}", Labels.EMPTY)).isEqualTo("warn");
    assertThat(level("ts=1 lvl=err msg=\"boom\"", Labels.EMPTY)).isEqualTo("error");
    assertThat(level("level=info msg=\"GET /users 200\"", Labels.EMPTY)).isEqualTo("info");
    assertThat(level("2024-05-01T10:00:01Z WARN cache miss", Labels.EMPTY)).isEqualTo("warn");
    assertThat(level("[error] upstream timed out", Labels.EMPTY)).isEqualTo("error");
    assertThat(level("the errorless information desk", Labels.EMPTY)).isEqualTo("unknown");
    assertThat(level("plain text", Labels.EMPTY)).isEqualTo("unknown");
  }

  @Test
  void discoveryAddsLabelsAndMetadataOnlyWhereMissing() {
    LogEntry tagged = new LogEntry(1, "ERROR x", Labels.of("detected_level", "info"));
    LogEntry plain = new LogEntry(2, "ERROR y");
    PushRequest request = new PushRequest(List.of(new StreamBatch(Labels.of("app", "api"), List.of(tagged, plain))));
    PushRequest discovered = LogDiscovery.apply(request, LogDiscovery.DEFAULT_SERVICE_NAME_SOURCES, true);
    StreamBatch stream = discovered.streams().get(0);
    assertThat(stream.labels()).isEqualTo(Labels.of("app", "api", "service_name", "api"));
    assertThat(stream.entries().get(0)).isSameAs(tagged);
    assertThat(stream.entries().get(1).metadata()).isEqualTo(Labels.of("detected_level", "error"));
    assertThat(LogDiscovery.apply(request, List.of(), false)).isSameAs(request);
  }

  private static String level(String line, Labels metadata) {
    return LogDiscovery.detectLevel(new LogEntry(0, line, metadata), null);
  }
}
