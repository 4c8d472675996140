package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.alerts.delivery.AlertmanagerProcess;
import dev.tonari.alerts.delivery.RecordingServer;
import dev.tonari.alerts.delivery.alertmanager.AlertmanagerClientConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole alerting path on the real server: a rule loaded as lokitool loads it, evaluated over
 * pushed logs, visible in Prometheus' rules and alerts API, delivered by the built-in notifier to
 * a webhook (Alertmanager's webhook JSON) and through Debian's real Alertmanager to another, kept
 * in the alert history and counted in the toil report; then resolved when the errors age out of
 * the rule's window.
 */
class RulerEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(45);
  private static final String RULE_GROUP = """
      name: api-errors
      interval: 1s
      rules:
        - alert: ApiErrors
          expr: sum by (app) (count_over_time({app="api"} |= "error" [8s])) > 2
          for: 1s
          labels:
            severity: page
          annotations:
            summary: "{{ $labels.app }} logged {{ $value | humanize }} errors"
      """;

  @TempDir Path temp;

  @Test
  void aLoadedRuleFiresReachesBothReceiversIsKeptInHistoryAndResolves() throws Exception {
    boolean withAlertmanager = AlertmanagerProcess.installed();
    if (!withAlertmanager) {
      System.out.println("RulerEndToEndTest: the Alertmanager leg skipped: prometheus-alertmanager not installed");
    }
    Path notifications = Files.createDirectories(temp.resolve("notifications"));
    try (RecordingServer direct = new RecordingServer(); RecordingServer viaAlertmanager = new RecordingServer()) {
      Files.writeString(notifications.resolve("team-a.yaml"), AlertmanagerProcess.webhookConfig(direct.url("/hook")));
      AlertmanagerProcess alertmanager = withAlertmanager
          ? AlertmanagerProcess.start(temp.resolve("alertmanager"), AlertmanagerProcess.webhookConfig(viaAlertmanager.url("/hook")))
          : null;
      try {
        AlertingSettings alerting = AlertingSettings.defaults().withNotificationsDirectory(notifications);
        if (alertmanager != null) {
          alerting = alerting.withAlertmanager(AlertmanagerClientConfig.of(alertmanager.url()));
        }
        ServerConfig config = ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(temp.resolve("data")).withAlerting(alerting);
        config = config.withRuler(config.ruler().rules().withEvaluation(config.ruler().rules().evaluation().withResendDelay(Duration.ofSeconds(1))));
        try (TonariServer server = TonariServer.open(config); HttpClient http = HttpClient.newHttpClient()) {
          String base = server.baseUrl();
          // lokitool rules load: POST one group as YAML to the namespace.
          HttpResponse<String> loaded = http.send(HttpRequest.newBuilder(URI.create(base + "/loki/api/v1/rules/api"))
              .header("X-Scope-OrgID", "team-a").header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(RULE_GROUP)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(202);

          long now = Instant.now().toEpochMilli() * 1_000_000L;
          List<String> values = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            values.add("[\"" + (now + i) + "\",\"level=error msg=\\\"upstream timeout\\\" try=" + i + "\"]");
          }
          HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(URI.create(base + "/loki/api/v1/push")).header("X-Scope-OrgID", "team-a")
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                  "{\"streams\":[{\"stream\":{\"app\":\"api\"},\"values\":[" + String.join(",", values) + "]}]}")).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(204);

          JsonNode firing = awaitWebhook(direct, body -> body.path("status").asText().equals("firing"), "the notifier's firing notification");
          JsonNode alert = firing.get("alerts").get(0);
          assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("ApiErrors");
          assertThat(alert.get("labels").get("app").asText()).isEqualTo("api");
          assertThat(alert.get("annotations").get("summary").asText()).isEqualTo("api logged 5 errors");
          assertThat(alert.get("generatorURL").asText()).startsWith(base + "/explore");

          JsonNode rules = json(http, base, "/prometheus/api/v1/rules?type=alert");
          JsonNode rule = rules.at("/data/groups/0/rules/0");
          assertThat(rules.at("/data/groups/0/file").asText()).isEqualTo("api");
          assertThat(rule.get("name").asText()).isEqualTo("ApiErrors");
          assertThat(rule.get("health").asText()).isEqualTo("ok");
          JsonNode alerts = json(http, base, "/prometheus/api/v1/alerts");
          assertThat(alerts.at("/data/alerts/0/labels/alertname").asText()).isEqualTo("ApiErrors");

          if (alertmanager != null) {
            JsonNode relayed = awaitWebhook(viaAlertmanager, body -> body.path("status").asText().equals("firing"), "Alertmanager's notification");
            assertThat(relayed.get("groupKey").asText()).isEqualTo("{}:{alertname=\"ApiErrors\"}");
            assertThat(relayed.at("/alerts/0/annotations/summary").asText()).isEqualTo("api logged 5 errors");
          }

          // The errors leave the 8 s window: the alert resolves, and both receivers hear of it.
          awaitWebhook(direct, body -> body.path("status").asText().equals("resolved"), "the notifier's resolved notification");
          if (alertmanager != null) {
            awaitWebhook(viaAlertmanager, body -> body.path("status").asText().equals("resolved"), "Alertmanager's resolved notification");
          }
          JsonNode history = json(http, base, "/tonari/api/v1/alerts/history?since=1h");
          List<String> changes = new ArrayList<>();
          history.get("data").forEach(entry -> changes.add(entry.get("from").asText() + "->" + entry.get("to").asText()));
          assertThat(changes).containsExactly("firing->inactive", "pending->firing", "inactive->pending");
          JsonNode toil = json(http, base, "/tonari/api/v1/toil?since=1w&format=json");
          assertThat(toil.toString()).contains("\"pages\":1");
        }
      } finally {
        if (alertmanager != null) {
          alertmanager.close();
        }
      }
    }
  }

  private static JsonNode json(HttpClient http, String base, String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("X-Scope-OrgID", "team-a").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode awaitWebhook(RecordingServer hook, Predicate<JsonNode> wanted, String what) throws Exception {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (Instant.now().isBefore(deadline)) {
      for (RecordingServer.Request request : hook.requests()) {
        JsonNode body = JSON.readTree(request.body());
        if (wanted.test(body)) {
          return body;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + what + " within " + PATIENCE + "; requests: " + hook.requests());
  }

}
