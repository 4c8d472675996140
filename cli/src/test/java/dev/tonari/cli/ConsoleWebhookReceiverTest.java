package dev.tonari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleWebhookReceiverTest {
  /** Alertmanager's webhook body, as its configuration docs give it (version 4). */
  private static final String ALERTMANAGER_BODY = """
      {"version":"4","groupKey":"{}:{alertname=\\"CheckoutErrorBurst\\"}","truncatedAlerts":0,"status":"firing","receiver":"console",
       "groupLabels":{"alertname":"CheckoutErrorBurst"},"commonLabels":{"alertname":"CheckoutErrorBurst","severity":"page"},
       "commonAnnotations":{},"externalURL":"http://127.0.0.1:9093",
       "alerts":[
        {"status":"firing","labels":{"alertname":"CheckoutErrorBurst","app":"checkout-api","severity":"page"},
         "annotations":{"summary":"12 errors in 5m"},"startsAt":"2026-12-06T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",
         "generatorURL":"http://127.0.0.1:3100/x","fingerprint":"c5b1e6c2b7a6f0aa"},
        {"status":"resolved","labels":{"alertname":"CheckoutErrorBurst","app":"cart"},
         "annotations":{},"startsAt":"2026-12-06T09:00:00Z","endsAt":"2026-12-06T09:30:00Z",
         "generatorURL":"","fingerprint":"aa"}]}
      """;

  @Test
  void printsOneLinePerAlertOfAnAlertmanagerWebhookBody() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        ConsoleWebhookReceiver receiver = ConsoleWebhookReceiver.start(out, new Terminal(false))) {
      HttpResponse<String> response = post(receiver.url(), ALERTMANAGER_BODY);
      assertThat(response.statusCode()).isEqualTo(200);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "[webhook console] FIRING   CheckoutErrorBurst {app=checkout-api, severity=page} 12 errors in 5m",
        "[webhook console] RESOLVED CheckoutErrorBurst {app=cart}");
  }

  @Test
  void refusesABodyThatIsNotWebhookJson() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        ConsoleWebhookReceiver receiver = ConsoleWebhookReceiver.start(out, new Terminal(false))) {
      HttpResponse<String> notJson = post(receiver.url(), "alerts: []");
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(notJson.body()).startsWith("not Alertmanager's webhook JSON");
      HttpResponse<String> alertsNotArray = post(receiver.url(), "{\"alerts\": 3}");
      assertThat(alertsNotArray.statusCode()).isEqualTo(400);
      assertThat(alertsNotArray.body()).contains("alerts must be an array");
    }
    assertThat(printed.size()).isZero();
  }

  private static HttpResponse<String> post(String url, String body) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
