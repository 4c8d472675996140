package dev.tonari.alerts.delivery.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.alerts.delivery.AlertmanagerProcess;
import dev.tonari.alerts.delivery.DeliveryStats;
import dev.tonari.alerts.delivery.RecordingServer;
import dev.tonari.rules.alert.AlertFingerprint;
import dev.tonari.rules.alert.OutgoingAlert;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Alertmanager client against Debian's real Alertmanager, whose webhook receiver is a local
 * server: the alert must arrive grouped, then resolved. Bounded polling, real time (Alertmanager's).
 */
class RealAlertmanagerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private static Optional<JsonNode> await(RecordingServer hook, Predicate<JsonNode> wanted) throws Exception {
    Instant deadline = Instant.now().plus(AlertmanagerProcess.WAIT);
    while (Instant.now().isBefore(deadline)) {
      for (RecordingServer.Request request : hook.requests()) {
        JsonNode body = JSON.readTree(request.body());
        if (wanted.test(body)) {
          return Optional.of(body);
        }
      }
      Thread.sleep(100);
    }
    return Optional.empty();
  }

  @Test
  void alertArrivesGroupedAtTheWebhookThenResolved() throws Exception {
    Assumptions.assumeTrue(AlertmanagerProcess.installed(), "skipped: prometheus-alertmanager not installed");
    try (RecordingServer hook = new RecordingServer();
        AlertmanagerProcess alertmanager = AlertmanagerProcess.start(temp, AlertmanagerProcess.webhookConfig(hook.url("/hook")))) {
      Clock clock = Clock.systemUTC();
      DeliveryStats stats = new DeliveryStats();
      AlertmanagerSink sink = new AlertmanagerSink(AlertmanagerClientConfig.of(alertmanager.url()), clock, new Random(3), stats);
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      Map<String, String> labels = Map.of("alertname", "TonariDeliveryTest", "job", "api", "severity", "page");
      OutgoingAlert firing = new OutgoingAlert(labels, Map.of("summary", "errors above threshold"), now.minusSeconds(60), now.plus(Duration.ofMinutes(5)),
          "http://tonari.example/explore?expr=x");
      sink.send("acme", List.of(firing));
      assertThat(sink.drain(clock.instant())).as("alerts accepted by Alertmanager").isEqualTo(1);

      JsonNode notified = await(hook, body -> body.path("status").asText().equals("firing"))
          .orElseThrow(() -> new AssertionError("no firing notification within " + AlertmanagerProcess.WAIT + "; log: " + alertmanager.log()));
      assertThat(notified.get("version").asText()).isEqualTo("4");
      assertThat(notified.get("groupKey").asText()).isEqualTo("{}:{alertname=\"TonariDeliveryTest\"}");
      assertThat(notified.get("groupLabels").get("alertname").asText()).isEqualTo("TonariDeliveryTest");
      assertThat(notified.get("commonLabels").get("severity").asText()).isEqualTo("page");
      JsonNode alert = notified.get("alerts").get(0);
      assertThat(alert.get("labels").get("job").asText()).isEqualTo("api");
      assertThat(alert.get("annotations").get("summary").asText()).isEqualTo("errors above threshold");
      assertThat(alert.get("generatorURL").asText()).isEqualTo("http://tonari.example/explore?expr=x");
      assertThat(Instant.parse(alert.get("startsAt").asText())).isEqualTo(firing.startsAt());
      // Alertmanager names alerts by the same fingerprint as Tonari.
      assertThat(alert.get("fingerprint").asText()).isEqualTo(AlertFingerprint.of(labels));

      Instant resolvedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      sink.send("acme", List.of(new OutgoingAlert(labels, firing.annotations(), firing.startsAt(), resolvedAt, firing.generatorUrl())));
      assertThat(sink.drain(clock.instant())).isEqualTo(1);
      JsonNode resolved = await(hook, body -> body.path("status").asText().equals("resolved"))
          .orElseThrow(() -> new AssertionError("no resolved notification within " + AlertmanagerProcess.WAIT + "; log: " + alertmanager.log()));
      assertThat(resolved.get("alerts").get(0).get("status").asText()).isEqualTo("resolved");
      assertThat(Instant.parse(resolved.get("alerts").get(0).get("endsAt").asText())).isEqualTo(resolvedAt);
      assertThat(stats.delivered()).containsEntry("alertmanager", 2L);
    }
  }
}
