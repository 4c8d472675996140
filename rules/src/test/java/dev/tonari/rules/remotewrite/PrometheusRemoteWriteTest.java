package dev.tonari.rules.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonari.rules.alert.RecordedSample;
import dev.tonari.rules.remotewrite.RemoteWriteClientSettings.QueueConfig;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sink writing into a real Prometheus' remote-write receiver, read back with PromQL. */
class PrometheusRemoteWriteTest {
  /** Prometheus' stale marker, which ends a series at once for instant queries. */
  private static final double STALE_NAN = Double.longBitsToDouble(0x7ff0000000000002L);
  private static final String METRIC = "tonari:errors:rate5m";

  private static PrometheusProcess prometheus;
  private static HttpClient httpClient;

  @BeforeAll
  static void start() throws Exception {
    PrometheusProcess.assumeInstalled();
    prometheus = PrometheusProcess.startWithRemoteWriteReceiver();
    httpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (httpClient != null) {
      httpClient.shutdownNow();
    }
    if (prometheus != null) {
      prometheus.close();
    }
  }

  @Test
  void samplesOfTwoTenantsAreStoredWithTheirLabelsAndValues() throws Exception {
    // The TSDB takes samples near its head, so the samples are stamped with the current time.
    long t = System.currentTimeMillis() / 1000 * 1000;
    QueueConfig queue = new QueueConfig(1_000, 100, Duration.ofMillis(50), Duration.ofMillis(30), Duration.ofSeconds(1), 3);
    RemoteWriteSettings settings = RemoteWriteSettings.of(RemoteWriteClientSettings.of("prometheus", prometheus.remoteWriteUrl()).withQueue(queue));
    try (RemoteWriteSink sink = new RemoteWriteSink(settings, "test", httpClient, Clock.systemUTC())) {
      sink.write("team-a", List.of(
          sample(Map.of("team", "a", "job", "api"), t, 0.25),
          sample(Map.of("team", "a", "job", "web"), t, 4),
          sample(Map.of("team", "a", "job", "api"), t + 1_000, 0.75)));
      sink.write("team-b", List.of(sample(Map.of("team", "b", "job", "api"), t, 1.5)));
      sink.write("team-b", List.of(sample(Map.of("team", "b", "job", "api"), t + 2_000, STALE_NAN)));
      sink.write("team-a", List.of(sample(Map.of("team", "a", "job", "web"), t + 2_000, Double.NaN)));

      assertThat(sink.close(Duration.ofSeconds(30))).isTrue();
      RemoteWriteCounters counters = sink.counters("prometheus");
      assertThat(counters.lastFailure()).isEmpty();
      assertThat(counters.samplesSent()).isEqualTo(6);
    }

    assertThat(valuesByTeamAndJob(prometheus.query(METRIC, t))).containsExactly(
        Map.entry("a/api", "0.25"), Map.entry("a/web", "4"), Map.entry("b/api", "1.5"));
    assertThat(valuesByTeamAndJob(prometheus.query(METRIC, t + 1_500))).containsExactly(
        Map.entry("a/api", "0.75"), Map.entry("a/web", "4"), Map.entry("b/api", "1.5"));
    // The stale marker arrived as such: team b's series has ended, while a plain NaN is a value.
    assertThat(valuesByTeamAndJob(prometheus.query(METRIC, t + 2_500))).containsExactly(
        Map.entry("a/api", "0.75"), Map.entry("a/web", "NaN"));
    List<JsonNode> one = prometheus.query(METRIC + "{team=\"b\"}", t);
    assertThat(one).hasSize(1);
    assertThat(one.get(0).path("metric").properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("__name__", "team", "job");
    assertThat(one.get(0).path("metric").path("__name__").asText()).isEqualTo(METRIC);
  }

  private static Map<String, String> valuesByTeamAndJob(List<JsonNode> vector) {
    return vector.stream().collect(Collectors.toMap(
        series -> series.path("metric").path("team").asText() + "/" + series.path("metric").path("job").asText(),
        series -> series.path("value").path(1).asText(), (a, b) -> a + "," + b, TreeMap::new));
  }

  private static RecordedSample sample(Map<String, String> labels, long timestampMillis, double value) {
    Map<String, String> all = new TreeMap<>(labels);
    all.put("__name__", METRIC);
    return new RecordedSample(all, timestampMillis, value);
  }
}
