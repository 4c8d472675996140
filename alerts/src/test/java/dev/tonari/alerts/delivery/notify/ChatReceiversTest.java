package dev.tonari.alerts.delivery.notify;

import static dev.tonari.alerts.delivery.notify.NotifierFixture.T0;
import static dev.tonari.alerts.delivery.notify.NotifierFixture.TENANT;
import static dev.tonari.alerts.delivery.notify.NotifierFixture.firing;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.alerts.delivery.RecordingServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slack and Google Chat incoming webhooks played by local servers. */
class ChatReceiversTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private static String slackConfig(String urlLine, String extra) {
    return """
        templates:
          summary: '{{ range .Alerts }}{{ .Annotations.summary }} {{ end }}'
        route:
          receiver: slack
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1m
        receivers:
          - name: slack
            slack_configs:
              - %s
                channel: '#oncall'
        %s""".formatted(urlLine, extra);
  }

  @Test
  void slackGetsBlocksAndRetriesA429AfterRetryAfterAndA500WithBackoff() throws Exception {
    try (RecordingServer slack = new RecordingServer()) {
      slack.answer(200, "ok").answer(429, "rate_limited", Map.of("Retry-After", "7")).answer(500, "oops").answer(200, "ok");
      String config = slackConfig("api_url: " + slack.url("/services/T1/B1/SECRET"), "");
      try (NotifierFixture fixture = new NotifierFixture(temp, config)) {
        fixture.notifier.send(TENANT, List.of(new dev.tonari.rules.alert.OutgoingAlert(Map.of("alertname", "HighErrors", "job", "api", "severity", "page"),
            Map.of("summary", "5xx above 5% <!channel>", "value", "0.07"), T0, T0.plus(Duration.ofHours(1)), "http://tonari.example/explore?x=1")));
        assertThat(fixture.tickAndDrain(T0)).isEqualTo(1);
        RecordingServer.Request request = slack.requests().get(0);
        assertThat(request.path()).isEqualTo("/services/T1/B1/SECRET");
        assertThat(request.header("content-type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("channel").asText()).isEqualTo("#oncall");
        assertThat(body.get("text").asText()).startsWith("[FIRING:1] HighErrors (api page)");
        JsonNode blocks = body.get("blocks");
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).get("text").get("type").asText()).isEqualTo("plain_text");
        assertThat(blocks.get(0).get("text").get("text").asText()).isEqualTo("[FIRING:1] HighErrors (api page)");
        JsonNode section = blocks.get(1);
        assertThat(section.get("type").asText()).isEqualTo("section");
        assertThat(section.get("text").get("type").asText()).isEqualTo("mrkdwn");
        assertThat(section.get("text").get("text").asText()).contains("*FIRING* 5xx above 5% &lt;!channel&gt;").contains("*Value:* 0.07").contains("`job=api`");
        assertThat(section.get("accessory").get("type").asText()).isEqualTo("button");
        assertThat(section.get("accessory").get("url").asText()).isEqualTo("http://tonari.example/explore?x=1");

        // A second alert joins the group: the next notification meets a 429 with Retry-After: 7.
        fixture.notifier.send(TENANT, List.of(firing("HighErrors", Map.of("job", "web"), T0.plusSeconds(10))));
        Instant flush = T0.plus(Duration.ofMinutes(1));
        assertThat(fixture.tickAndDrain(flush)).isZero();
        assertThat(slack.requests()).hasSize(2);
        assertThat(fixture.notifier.pending(TENANT)).singleElement().satisfies(item -> {
          assertThat(item.attempts()).isEqualTo(1);
          assertThat(item.nextAttemptAt()).isEqualTo(flush.plusSeconds(7));
          assertThat(item.lastError()).contains("429").contains("rate_limited").doesNotContain("SECRET");
        });
        fixture.notifier.drain(flush.plusSeconds(6));
        assertThat(slack.requests()).hasSize(2);
        fixture.notifier.drain(flush.plusSeconds(7));
        assertThat(slack.requests()).hasSize(3);
        Instant afterServerError = fixture.notifier.pending(TENANT).get(0).nextAttemptAt();
        // Second failure: 2 s backoff less up to 20 % jitter.
        assertThat(Duration.between(flush.plusSeconds(7), afterServerError)).isBetween(Duration.ofMillis(1600), Duration.ofSeconds(2));
        assertThat(fixture.notifier.drain(afterServerError)).isEqualTo(1);
        assertThat(slack.requests()).hasSize(4);
        assertThat(slack.requests().get(3).body()).isEqualTo(slack.requests().get(1).body());
        assertThat(fixture.notifier.pending(TENANT)).isEmpty();
        assertThat(fixture.stats.delivered()).containsEntry("slack", 2L);
        assertThat(fixture.stats.failedAttempts()).containsEntry("slack", 2L);
        assertThat(fixture.stats.latency().get("slack").count()).isEqualTo(2);
      }
    }
  }

  @Test
  void slackAnswerOtherThanOkIsADeadLetterAndTheUrlFileIsReadAtSendTime() throws Exception {
    try (RecordingServer slack = new RecordingServer()) {
      slack.answer(200, "invalid_blocks");
      Path urlFile = temp.resolve("slack-url");
      Files.writeString(urlFile, slack.url("/services/FROM/FILE") + "\n");
      String config = slackConfig("api_url_file: " + urlFile, "").replace("channel: '#oncall'", "text: '{{ template \"summary\" . }}'");
      try (NotifierFixture fixture = new NotifierFixture(temp.resolve("n"), config)) {
        fixture.notifier.send(TENANT, List.of(firing("Down", Map.of("job", "api"), T0)));
        fixture.tickAndDrain(T0);
        assertThat(slack.requests()).singleElement().satisfies(request -> {
          assertThat(request.path()).isEqualTo("/services/FROM/FILE");
          assertThat(JSON.readTree(request.body()).get("blocks").get(1).get("text").get("text").asText()).isEqualTo("Down on api ");
        });
        assertThat(fixture.notifier.deadLetters(TENANT)).singleElement().satisfies(item -> assertThat(item.lastError()).contains("invalid_blocks instead of ok"));
      }
    }
  }

  @Test
  void googleChatGetsACardAndOneThreadPerGroup() throws Exception {
    try (RecordingServer chat = new RecordingServer()) {
      chat.answer(200, "{}").answer(200, "{}").answer(200, "{}");
      String config = """
          route:
            receiver: chat
            group_by: [alertname]
            group_wait: 0s
            group_interval: 1m
          receivers:
            - name: chat
              google_chat_configs:
                - url: '%s'
                  title: '{{ .CommonLabels.alertname }} is {{ .Status }}'
          """.formatted(chat.url("/v1/spaces/AAA/messages?key=K&token=T"));
      try (NotifierFixture fixture = new NotifierFixture(temp, config)) {
        fixture.notifier.send(TENANT, List.of(firing("Down", Map.of("job", "api"), T0), firing("Slow", Map.of("job", "api"), T0)));
        fixture.tickAndDrain(T0);
        fixture.notifier.send(TENANT, List.of(firing("Down", Map.of("job", "web"), T0.plusSeconds(5))));
        fixture.tickAndDrain(T0.plus(Duration.ofMinutes(1)));
        List<RecordingServer.Request> requests = chat.requests();
        assertThat(requests).hasSize(3);
        for (RecordingServer.Request request : requests) {
          assertThat(request.path()).isEqualTo("/v1/spaces/AAA/messages");
          assertThat(request.query()).startsWith("key=K&token=T&threadKey=").endsWith("&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
          JsonNode body = JSON.readTree(request.body());
          String threadKey = URLDecoder.decode(request.query().replaceAll(".*threadKey=([^&]*).*", "$1"), StandardCharsets.UTF_8);
          assertThat(body.get("thread").get("threadKey").asText()).isEqualTo(threadKey);
          JsonNode card = body.get("cardsV2").get(0).get("card");
          assertThat(card.get("header").get("title").asText()).matches("(Down|Slow) is firing");
          assertThat(card.get("sections").get(0).get("widgets")).anySatisfy(widget -> assertThat(widget.has("decoratedText")).isTrue());
          assertThat(card.get("sections").get(0).get("widgets")).anySatisfy(
              widget -> assertThat(widget.path("buttonList").path("buttons").path(0).path("onClick").path("openLink").path("url").asText()).startsWith("http://tonari.example/"));
        }
        List<String> threads = requests.stream().map(request -> request.query().replaceAll(".*threadKey=([^&]*).*", "$1")).toList();
        String down = URLDecoder.decode(threads.get(2), StandardCharsets.UTF_8);
        assertThat(down).isEqualTo("{}:{alertname=\"Down\"}");
        assertThat(threads.subList(0, 2)).containsExactlyInAnyOrder(threads.get(2), java.net.URLEncoder.encode("{}:{alertname=\"Slow\"}", StandardCharsets.UTF_8));
        assertThat(JSON.readTree(requests.get(2).body()).get("cardsV2").get(0).get("card").get("sections")).hasSize(2);
      }
    }
  }
}
