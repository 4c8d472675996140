package dev.tonari.alerts.delivery.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.alerts.delivery.DeliveryStats;
import dev.tonari.alerts.delivery.RecordingServer;
import dev.tonari.alerts.delivery.RetryPolicy;
import dev.tonari.rules.alert.OutgoingAlert;
import dev.tonari.tenancy.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Alertmanager client against local servers playing Alertmanager's v2 API. */
class AlertmanagerSinkTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.5Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static OutgoingAlert alert(int n, Instant endsAt) {
    return new OutgoingAlert(Map.of("alertname", "Down", "instance", "host-" + n), Map.of("summary", "host " + n + " is down"), T0, endsAt, "http://tonari/g?" + n);
  }

  @Test
  void postsPostableAlertsToEveryUrlPerTenantInBatches() throws Exception {
    try (RecordingServer first = new RecordingServer(); RecordingServer second = new RecordingServer()) {
      MutableClock clock = new MutableClock(T0);
      DeliveryStats stats = new DeliveryStats();
      AlertmanagerClientConfig config = AlertmanagerClientConfig.of(first.url("/") + " , " + second.url("/prefix/")).withCredentials("Bearer", "s3cret");
      AlertmanagerSink sink = new AlertmanagerSink(config, clock, new Random(1), stats);
      List<OutgoingAlert> alerts = new ArrayList<>();
      for (int i = 0; i < 130; i++) {
        alerts.add(alert(i, T0.plus(Duration.ofMinutes(4))));
      }
      sink.send("acme", alerts);
      assertThat(first.requests()).isEmpty();
      assertThat(sink.drain(T0)).isEqualTo(6);
      assertThat(first.requests()).extracting(RecordingServer.Request::path).containsOnly("/api/v2/alerts");
      assertThat(second.requests()).extracting(RecordingServer.Request::path).containsOnly("/prefix/api/v2/alerts");
      RecordingServer.Request request = first.requests().get(0);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.header("X-Scope-OrgID")).isEqualTo("acme");
      assertThat(request.header("Authorization")).isEqualTo("Bearer s3cret");
      assertThat(first.requests()).extracting(r -> JSON.readTree(r.body()).size()).containsExactly(64, 64, 2);
      JsonNode posted = JSON.readTree(request.body()).get(0);
      assertThat(posted).isEqualTo(JSON.readTree("""
          {"labels": {"alertname": "Down", "instance": "host-0"}, "annotations": {"summary": "host 0 is down"},
           "startsAt": "2026-03-01T10:00:00.5Z", "endsAt": "2026-03-01T10:04:00.5Z", "generatorURL": "http://tonari/g?0"}
          """));
      assertThat(stats.delivered()).containsEntry("alertmanager", 6L);
      assertThat(sink.pending()).isZero();
    }
  }

  @Test
  void retriesAFailingUrlWithBackoffAndANewerStateReplacesTheWaitingOne() throws Exception {
    try (RecordingServer am = new RecordingServer()) {
      am.answer(503, "not ready").answer(500, "oops");
      MutableClock clock = new MutableClock(T0);
      DeliveryStats stats = new DeliveryStats();
      AlertmanagerClientConfig config = AlertmanagerClientConfig.of("http://user:p%40ss@" + am.url("/").substring("http://".length()))
          .withLimits(Duration.ofSeconds(5), 100, 64, new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(30), 0, 5));
      AlertmanagerSink sink = new AlertmanagerSink(config, clock, new Random(1), stats);
      sink.send("acme", List.of(alert(1, T0.plus(Duration.ofMinutes(4))), alert(2, T0.plus(Duration.ofMinutes(4)))));
      assertThat(sink.drain(T0)).isZero();
      assertThat(am.requests().get(0).header("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString("user:p@ss".getBytes(StandardCharsets.UTF_8)));
      assertThat(sink.drain(T0.plusSeconds(1))).isZero();
      assertThat(am.requests()).hasSize(1);
      assertThat(sink.drain(T0.plusSeconds(2))).isZero();
      assertThat(am.requests()).hasSize(2);
      // Alert 1 resolves while the batch waits: the late retry must not send it as firing.
      sink.send("acme", List.of(alert(1, T0.plusSeconds(3))));
      assertThat(sink.drain(T0.plusSeconds(6))).isEqualTo(2);
      List<JsonNode> bodies = new ArrayList<>();
      for (RecordingServer.Request request : am.requests().subList(2, 4)) {
        bodies.add(JSON.readTree(request.body()));
      }
      assertThat(bodies).extracting(body -> body.toString()).anySatisfy(body -> assertThat(body).contains("host-1").contains("\"endsAt\":\"2026-03-01T10:00:03.5Z\""));
      assertThat(bodies).allSatisfy(body -> assertThat(body.toString()).doesNotContain("host-1\"},\"annotations\":{\"summary\":\"host 1 is down\"},\"startsAt\":\"2026-03-01T10:00:00.5Z\",\"endsAt\":\"2026-03-01T10:04"));
      assertThat(stats.failedAttempts()).containsEntry("alertmanager", 2L);
    }
  }

  @Test
  void aFullQueueDropsTheOldestAndAFailingUrlIsGivenUpAfterItsAttempts() throws Exception {
    try (RecordingServer am = new RecordingServer()) {
      for (int i = 0; i < 3; i++) {
        am.answer(500, "down");
      }
      MutableClock clock = new MutableClock(T0);
      DeliveryStats stats = new DeliveryStats();
      AlertmanagerClientConfig config = AlertmanagerClientConfig.of(am.url("")).withLimits(Duration.ofSeconds(5), 3, 64, new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, 2));
      AlertmanagerSink sink = new AlertmanagerSink(config, clock, new Random(1), stats);
      sink.send("acme", List.of(alert(1, T0), alert(2, T0), alert(3, T0), alert(4, T0), alert(5, T0)));
      assertThat(stats.dropped()).containsEntry("alertmanager", 2L);
      sink.drain(T0);
      assertThat(JSON.readTree(am.requests().get(0).body())).extracting(node -> node.get("labels").get("instance").asText()).containsExactly("host-3", "host-4", "host-5");
      sink.drain(T0.plusSeconds(1));
      assertThat(am.requests()).hasSize(2);
      assertThat(stats.dropped()).containsEntry("alertmanager", 5L);
      assertThat(sink.pending()).isZero();
      sink.drain(T0.plusSeconds(10));
      assertThat(am.requests()).hasSize(2);
    }
  }

  @Test
  void rejectsBadSettingsWithTheKeyName() {
    assertThatThrownBy(() -> AlertmanagerClientConfig.of(" , ")).hasMessageContaining("ruler.alertmanager_url");
    assertThatThrownBy(() -> AlertmanagerClientConfig.of("ftp://am:9093")).hasMessageContaining("not an http(s) URL");
    assertThatThrownBy(() -> AlertmanagerClientConfig.of("http://am:9093").withBasicAuth("u", "p").withCredentials("Bearer", "t"))
        .hasMessageContaining("mutually exclusive");
  }
}
