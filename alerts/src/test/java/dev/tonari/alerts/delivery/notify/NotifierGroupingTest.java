package dev.tonari.alerts.delivery.notify;

import static dev.tonari.alerts.delivery.notify.NotifierFixture.T0;
import static dev.tonari.alerts.delivery.notify.NotifierFixture.TENANT;
import static dev.tonari.alerts.delivery.notify.NotifierFixture.firing;
import static dev.tonari.alerts.delivery.notify.NotifierFixture.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.alerts.delivery.RecordingServer;
import dev.tonari.alerts.delivery.config.LabelMatcher;
import dev.tonari.alerts.delivery.silence.SilenceJson;
import dev.tonari.rules.alert.AlertFingerprint;
import dev.tonari.rules.alert.OutgoingAlert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alertmanager's grouping timings, dedup and silences, seen at a webhook receiver. */
class NotifierGroupingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private static JsonNode json(RecordingServer.Request request) throws Exception {
    return JSON.readTree(request.body());
  }

  @Test
  void groupWaitThenGroupIntervalThenRepeatInterval() throws Exception {
    try (RecordingServer hook = new RecordingServer();
        NotifierFixture fixture = new NotifierFixture(temp, NotifierFixture.webhookConfig(hook.url("/hook"), true, "[alertname]"))) {
      OutgoingAlert api = firing("HighErrors", Map.of("job", "api"), T0);
      OutgoingAlert web = firing("HighErrors", Map.of("job", "web"), T0.plusSeconds(20));
      fixture.notifier.send(TENANT, List.of(api));
      fixture.tickAndDrain(T0);
      fixture.tickAndDrain(T0.plusSeconds(20));
      fixture.notifier.send(TENANT, List.of(web));
      fixture.tickAndDrain(T0.plusSeconds(29));
      assertThat(hook.requests()).isEmpty();

      fixture.tickAndDrain(T0.plusSeconds(30));
      assertThat(hook.requests()).hasSize(1);
      JsonNode first = json(hook.requests().get(0));
      assertThat(first.get("version").asText()).isEqualTo("4");
      assertThat(first.get("groupKey").asText()).isEqualTo("{}:{alertname=\"HighErrors\"}");
      assertThat(first.get("status").asText()).isEqualTo("firing");
      assertThat(first.get("receiver").asText()).isEqualTo("hook");
      assertThat(first.get("truncatedAlerts").asInt()).isZero();
      assertThat(first.get("externalURL").asText()).isEqualTo("http://tonari.example");
      assertThat(first.get("groupLabels")).isEqualTo(JSON.readTree("{\"alertname\":\"HighErrors\"}"));
      assertThat(first.get("commonLabels")).isEqualTo(JSON.readTree("{\"alertname\":\"HighErrors\"}"));
      assertThat(first.get("alerts")).hasSize(2);
      JsonNode alert = first.get("alerts").get(0);
      assertThat(alert.get("labels").get("job").asText()).isEqualTo("api");
      assertThat(alert.get("status").asText()).isEqualTo("firing");
      assertThat(alert.get("startsAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
      assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
      assertThat(alert.get("fingerprint").asText()).isEqualTo(AlertFingerprint.of(api.labels()));
      assertThat(alert.get("generatorURL").asText()).isEqualTo("http://tonari.example/explore?expr=HighErrors");

      // The ruler resends, nothing changed: no notification at the next group interval.
      fixture.notifier.send(TENANT, List.of(api, web));
      fixture.tickAndDrain(T0.plus(Duration.ofSeconds(330)));
      assertThat(hook.requests()).hasSize(1);

      // One resolves: notified at the following group interval, then it leaves the group.
      fixture.notifier.send(TENANT, List.of(resolved(api, T0.plus(Duration.ofMinutes(6)))));
      fixture.tickAndDrain(T0.plus(Duration.ofMinutes(6)));
      assertThat(hook.requests()).hasSize(1);
      fixture.tickAndDrain(T0.plus(Duration.ofSeconds(630)));
      assertThat(hook.requests()).hasSize(2);
      JsonNode second = json(hook.requests().get(1));
      assertThat(second.get("status").asText()).isEqualTo("firing");
      assertThat(second.get("alerts").get(0).get("status").asText()).isEqualTo("resolved");
      assertThat(second.get("alerts").get(0).get("endsAt").asText()).isEqualTo("2026-03-01T10:06:00Z");
      assertThat(second.get("alerts").get(1).get("status").asText()).isEqualTo("firing");

      // Unchanged: sent again only once repeat_interval (1h) has passed since the last notification,
      // checked at group intervals as Alertmanager does.
      fixture.tickAndDrain(T0.plus(Duration.ofSeconds(630)).plus(Duration.ofHours(1)));
      assertThat(hook.requests()).hasSize(2);
      fixture.tickAndDrain(T0.plus(Duration.ofSeconds(930)).plus(Duration.ofHours(1)));
      assertThat(hook.requests()).hasSize(3);
      assertThat(json(hook.requests().get(2)).get("alerts")).hasSize(1);
    }
  }

  @Test
  void groupByAllMakesOneGroupPerLabelSetAndOldAlertsSkipGroupWait() throws Exception {
    try (RecordingServer hook = new RecordingServer();
        NotifierFixture fixture = new NotifierFixture(temp, NotifierFixture.webhookConfig(hook.url("/hook"), true, "['...']"))) {
      fixture.clock.set(T0.plus(Duration.ofMinutes(10)));
      fixture.notifier.send(TENANT, List.of(firing("Down", Map.of("job", "api"), T0), firing("Down", Map.of("job", "web"), T0)));
      fixture.tickAndDrain(T0.plus(Duration.ofMinutes(10)));
      assertThat(hook.requests()).hasSize(2);
      assertThat(hook.requests()).extracting(request -> json(request).get("groupKey").asText())
          .containsExactlyInAnyOrder("{}:{alertname=\"Down\", job=\"api\"}", "{}:{alertname=\"Down\", job=\"web\"}");
      assertThat(fixture.notifier.groupCount(TENANT)).isEqualTo(2);
    }
  }

  @Test
  void withoutSendResolvedOnlyFiringAlertsAreSentAndAResolvedGroupIsForgotten() throws Exception {
    try (RecordingServer hook = new RecordingServer();
        NotifierFixture fixture = new NotifierFixture(temp, NotifierFixture.webhookConfig(hook.url("/hook"), false, "[alertname]"))) {
      OutgoingAlert down = firing("Down", Map.of("job", "api"), T0);
      fixture.notifier.send(TENANT, List.of(down));
      fixture.tickAndDrain(T0);
      fixture.tickAndDrain(T0.plusSeconds(30));
      assertThat(hook.requests()).hasSize(1);
      fixture.notifier.send(TENANT, List.of(resolved(down, T0.plusSeconds(60))));
      fixture.tickAndDrain(T0.plusSeconds(330));
      assertThat(hook.requests()).hasSize(1);
      assertThat(fixture.notifier.groupCount(TENANT)).isZero();
      // It fires again: a new notification, although the firing set equals the first one's.
      fixture.notifier.send(TENANT, List.of(firing("Down", Map.of("job", "api"), T0.plusSeconds(400))));
      fixture.tickAndDrain(T0.plusSeconds(430));
      assertThat(hook.requests()).hasSize(1);
      fixture.tickAndDrain(T0.plusSeconds(460));
      assertThat(hook.requests()).hasSize(2);
    }
  }

  @Test
  void silencedAlertsAreNotNotifiedUntilTheSilenceExpires() throws Exception {
    try (RecordingServer hook = new RecordingServer();
        NotifierFixture fixture = new NotifierFixture(temp, NotifierFixture.webhookConfig(hook.url("/hook"), true, "[alertname]"))) {
      String id = fixture.silences.create(TENANT, new SilenceJson.Postable(Optional.empty(), List.of(new LabelMatcher("job", LabelMatcher.Type.REGEX, "ap.")), T0,
          T0.plus(Duration.ofHours(2)), "ops@example.com", "deploying api"));
      fixture.notifier.send(TENANT, List.of(firing("Down", Map.of("job", "api"), T0), firing("Down", Map.of("job", "db"), T0)));
      fixture.tickAndDrain(T0);
      fixture.tickAndDrain(T0.plusSeconds(30));
      assertThat(hook.requests()).hasSize(1);
      assertThat(json(hook.requests().get(0)).get("alerts")).extracting(alert -> alert.get("labels").get("job").asText()).containsExactly("db");

      fixture.clock.set(T0.plusSeconds(100));
      fixture.silences.expire(TENANT, id);
      fixture.tickAndDrain(T0.plusSeconds(330));
      assertThat(hook.requests()).hasSize(2);
      assertThat(json(hook.requests().get(1)).get("alerts")).extracting(alert -> alert.get("labels").get("job").asText()).containsExactly("api", "db");
    }
  }

  @Test
  void routesAndContinueSendToEveryMatchingReceiver() throws Exception {
    try (RecordingServer team = new RecordingServer(); RecordingServer pager = new RecordingServer()) {
      String config = """
          route:
            receiver: team
            group_wait: 0s
            routes:
              - receiver: pager
                matchers: ['severity="page"']
                continue: true
              - receiver: team
                matchers: ['team="db"']
          receivers:
            - name: team
              webhook_configs: [{url: '%s'}]
            - name: pager
              webhook_configs: [{url: '%s', max_alerts: 1}]
          """.formatted(team.url("/t"), pager.url("/p"));
      try (NotifierFixture fixture = new NotifierFixture(temp, config)) {
        fixture.notifier.send(TENANT, List.of(firing("Down", Map.of("severity", "page", "team", "db"), T0), firing("Slow", Map.of("severity", "page"), T0)));
        fixture.tickAndDrain(T0);
        assertThat(pager.requests()).hasSize(1);
        JsonNode paged = json(pager.requests().get(0));
        assertThat(paged.get("alerts")).hasSize(1);
        assertThat(paged.get("truncatedAlerts").asInt()).isEqualTo(1);
        assertThat(paged.get("groupKey").asText()).isEqualTo("{}/{severity=\"page\"}:{}");
        assertThat(team.requests()).hasSize(1);
        assertThat(json(team.requests().get(0)).get("groupKey").asText()).isEqualTo("{}/{team=\"db\"}:{}");
      }
    }
  }

  @Test
  void aConfigReloadReroutesAndAnInvalidEditKeepsTheLastGoodConfig() throws Exception {
    try (RecordingServer first = new RecordingServer(); RecordingServer second = new RecordingServer();
        NotifierFixture fixture = new NotifierFixture(temp, NotifierFixture.webhookConfig(first.url("/a"), true, "[alertname]"))) {
      fixture.writeConfig("route: {receiver: nobody}\nreceivers: []\n");
      assertThat(fixture.configs.reload()).isEmpty();
      assertThat(fixture.configs.problems().get(TENANT)).singleElement().satisfies(problem -> assertThat(problem.format()).contains("acme.yaml:1:19: error"));
      fixture.notifier.send(TENANT, List.of(firing("Down", Map.of(), T0)));
      fixture.tickAndDrain(T0);
      fixture.tickAndDrain(T0.plusSeconds(30));
      assertThat(first.requests()).hasSize(1);

      fixture.writeConfig(NotifierFixture.webhookConfig(second.url("/b"), true, "[alertname]"));
      assertThat(fixture.configs.reload()).containsExactly(TENANT);
      assertThat(fixture.configs.problems()).isEmpty();
      fixture.notifier.send(TENANT, List.of(firing("Other", Map.of(), T0.plusSeconds(40))));
      fixture.tickAndDrain(T0.plusSeconds(70));
      fixture.tickAndDrain(T0.plusSeconds(100));
      assertThat(first.requests()).hasSize(1);
      assertThat(second.requests()).extracting(request -> json(request).get("groupKey").asText()).contains("{}:{alertname=\"Other\"}");
    }
  }
}
