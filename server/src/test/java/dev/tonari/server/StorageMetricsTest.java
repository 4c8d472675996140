package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.object.ObjectRequestCounters;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorageMetricsTest {
  @Test
  void requestsAndBytesArePerTenantAndOperation() throws Exception {
    ObjectRequestCounters counters = new ObjectRequestCounters();
    counters.count("team-a", ObjectRequestCounters.Operation.PUT, 100, 0);
    counters.count("team-a", ObjectRequestCounters.Operation.GET, 0, 40);
    counters.count(ObjectRequestCounters.NO_TENANT, ObjectRequestCounters.Operation.LIST, 0, 0);
    ServerMetrics metrics = new ServerMetrics();
    metrics.registerLabelledCounter("tonari_object_store_requests", "Requests.", List.of("tenant", "operation"), () -> StorageMetrics.requests(counters));
    metrics.registerLabelledCounter("tonari_object_store_bytes", "Bytes.", List.of("tenant", "direction"), () -> StorageMetrics.bytes(counters));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    metrics.write(out);
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("tonari_object_store_requests_total{operation=\"PUT\",tenant=\"team-a\"} 1.0")
        .contains("tonari_object_store_requests_total{operation=\"GET\",tenant=\"team-a\"} 1.0")
        .contains("tonari_object_store_requests_total{operation=\"LIST\",tenant=\"<store>\"} 1.0")
        .contains("tonari_object_store_bytes_total{direction=\"upload\",tenant=\"team-a\"} 100.0")
        .contains("tonari_object_store_bytes_total{direction=\"download\",tenant=\"team-a\"} 40.0");
  }
}
