package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.server.TenantHttp.Identity;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.MutableClock;
import dev.tonari.tenancy.auth.Action;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.auth.TokenStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert history and toil API over real HTTP: the real server on a loopback port, its history
 * fed through {@link TonariServer#alertHistory()} as the ruler will, a clock the test sets.
 *
 * <p>Wednesday 2024-05-08 (ISO week 2024-W19), team-a: ErrorBurst (a page) fires at 03:00 (outside
 * the default 09:00-17:00 UTC) until 03:10, then 10:01 to 10:05 (acknowledged at 10:03), then
 * 10:21 to 10:25 (16 minutes after resolving: flapping); SlowRequests (a ticket) fires at 11:00 and
 * still does. team-b: one alert without severity. Now is 12:00.
 */
class AlertHistoryApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String A = "team-a";
  private static final String B = "team-b";
  private static final Instant NOW = Instant.parse("2024-05-08T12:00:00Z");

  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock(NOW);
  private TonariServer server;
  private TenantHttp http;
  private String tenantAdminA;
  private String readerA;
  private String writerA;
  private String readerB;

  private void start(boolean auth) throws Exception {
    if (auth && tenantAdminA == null) {
      TokenStore tokens = TokenStore.open(dataDir, clock);
      tenantAdminA = tokens.create("admin-a", Set.of(A), Role.TENANT_ADMIN, Optional.empty()).text();
      readerA = tokens.create("reader-a", Set.of(A), Role.READER, Optional.empty()).text();
      writerA = tokens.create("writer-a", Set.of(A), Role.WRITER, Optional.empty()).text();
      readerB = tokens.create("reader-b", Set.of(B), Role.READER, Optional.empty()).text();
    }
    server = TonariServer.start(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir).withAuthEnabled(auth)
        .withFailedAttemptsPerMinute(100_000), new InMemoryLogStore(), metrics -> {}, clock);
    http = new TenantHttp(server.baseUrl());
  }

  private void stop() throws Exception {
    if (http != null) {
      http.close();
      http = null;
    }
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    stop();
  }

  private static AlertTransition change(String tenant, String rule, Map<String, String> extra, AlertState from, AlertState to, String at) {
    Map<String, String> labels = new TreeMap<>(extra);
    labels.put("alertname", rule);
    return new AlertTransition(tenant, "errors", "bursts", rule, labels, Map.of("summary", rule + " is " + to.label()), from, to, Instant.parse(at),
        to == AlertState.INACTIVE ? Double.NaN : 42);
  }

  private void feed() {
    Map<String, String> page = Map.of("severity", "page", "pod", "a");
    Map<String, String> ticket = Map.of("severity", "ticket");
    String burst = "ErrorBurst";
    server.alertHistory().onTransitions(List.of(change(A, burst, page, AlertState.INACTIVE, AlertState.FIRING, "2024-05-08T03:00:00Z")));
    server.alertHistory().onTransitions(List.of(change(A, burst, page, AlertState.FIRING, AlertState.INACTIVE, "2024-05-08T03:10:00Z")));
    server.alertHistory().onTransitions(List.of(change(A, burst, page, AlertState.INACTIVE, AlertState.PENDING, "2024-05-08T10:00:00Z")));
    server.alertHistory().onTransitions(List.of(change(A, burst, page, AlertState.PENDING, AlertState.FIRING, "2024-05-08T10:01:00Z")));
    server.alertHistory().onTransitions(List.of(change(A, burst, page, AlertState.FIRING, AlertState.INACTIVE, "2024-05-08T10:05:00Z")));
    server.alertHistory().onTransitions(List.of(change(A, burst, page, AlertState.INACTIVE, AlertState.PENDING, "2024-05-08T10:20:00Z")));
    server.alertHistory().onTransitions(List.of(change(A, burst, page, AlertState.PENDING, AlertState.FIRING, "2024-05-08T10:21:00Z")));
    server.alertHistory().onTransitions(List.of(change(A, burst, page, AlertState.FIRING, AlertState.INACTIVE, "2024-05-08T10:25:00Z")));
    server.alertHistory().onTransitions(List.of(change(A, "SlowRequests", ticket, AlertState.INACTIVE, AlertState.FIRING, "2024-05-08T11:00:00Z"),
        change(B, "Other", Map.of(), AlertState.INACTIVE, AlertState.FIRING, "2024-05-08T11:30:00Z")));
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void historyEpisodesAcknowledgementsAndToilWithTheRolesOfTheTenancy() throws Exception {
    start(true);
    feed();
    Identity reader = Identity.bearer(readerA);
    Identity admin = Identity.bearer(tenantAdminA);

    JsonNode history = json(http.get(reader, "/tonari/api/v1/alerts/history")).path("data");
    assertThat(history).hasSize(9);
    assertThat(history.get(0).path("rule").asText()).isEqualTo("SlowRequests");
    assertThat(history.get(0).path("from").asText()).isEqualTo("inactive");
    assertThat(history.get(0).path("to").asText()).isEqualTo("firing");
    assertThat(history.get(0).path("time").asText()).isEqualTo("2024-05-08T11:00:00Z");
    assertThat(history.get(0).path("value").asDouble()).isEqualTo(42);
    assertThat(history.get(1).path("value").isNull()).as("NaN is null").isTrue();
    assertThat(history.get(0).path("labels").path("severity").asText()).isEqualTo("ticket");
    assertThat(history.get(0).path("annotations").path("summary").asText()).isEqualTo("SlowRequests is firing");
    assertThat(json(http.get(reader, "/tonari/api/v1/alerts/history?rule=ErrorBurst&limit=2")).path("data")).extracting(n -> n.path("time").asText())
        .containsExactly("2024-05-08T10:25:00Z", "2024-05-08T10:21:00Z");
    assertThat(json(http.get(reader, "/tonari/api/v1/alerts/history?label=severity%3Dticket")).path("data")).hasSize(1);
    assertThat(json(http.get(reader, "/tonari/api/v1/alerts/history?start=2024-05-08T10:00:00Z&end=2024-05-08T10:05:00Z")).path("data")).hasSize(3);
    assertThat(json(http.get(reader, "/tonari/api/v1/alerts/history?start=1715162400&end=1715162700")).path("data")).as("Unix seconds").hasSize(3);
    HttpResponse<String> badStart = http.get(reader, "/tonari/api/v1/alerts/history?start=yesterday");
    assertThat(badStart.statusCode()).isEqualTo(400);
    assertThat(badStart.body()).contains("invalid start parameter \"yesterday\"");
    assertThat(http.get(reader, "/tonari/api/v1/alerts/history?limit=0").body()).contains("limit 0 is out of range: expected 1 to 10000");
    assertThat(http.get(reader, "/tonari/api/v1/alerts/history?start=2024-05-09T00:00:00Z&end=2024-05-08T00:00:00Z").statusCode()).isEqualTo(400);
    assertThat(http.get(reader, "/tonari/api/v1/alerts/history?label=severity").body()).contains("expected NAME=VALUE");

    JsonNode episodes = json(http.get(reader, "/tonari/api/v1/alerts/episodes")).path("data");
    assertThat(episodes).extracting(n -> n.path("rule").asText() + " " + n.path("startedAt").asText()).containsExactly(
        "SlowRequests 2024-05-08T11:00:00Z", "ErrorBurst 2024-05-08T10:20:00Z", "ErrorBurst 2024-05-08T10:00:00Z", "ErrorBurst 2024-05-08T03:00:00Z");
    JsonNode open = episodes.get(0);
    assertThat(open.path("state").asText()).isEqualTo("firing");
    assertThat(open.path("severity").asText()).isEqualTo("ticket");
    assertThat(open.path("resolvedAt").isNull()).isTrue();
    JsonNode second = episodes.get(2);
    assertThat(second.path("firedAt").asText()).isEqualTo("2024-05-08T10:01:00Z");
    assertThat(second.path("resolvedAt").asText()).isEqualTo("2024-05-08T10:05:00Z");
    assertThat(second.path("severity").asText()).isEqualTo("page");
    assertThat(second.path("acknowledgedAt").isNull()).isTrue();
    String secondId = second.path("id").asText();

    // Roles: readers read, only tenant admins (and admins) acknowledge, a writer does neither; tenants stay apart.
    String ack = "/tonari/api/v1/alerts/" + secondId + "/ack";
    assertThat(http.postJson(reader, ack, "{}").statusCode()).isEqualTo(403);
    assertThat(http.get(Identity.bearer(writerA), "/tonari/api/v1/alerts/history").statusCode()).isEqualTo(403);
    assertThat(http.get(Identity.bearer(readerB), "/tonari/api/v1/alerts/history").body()).doesNotContain("ErrorBurst");
    assertThat(http.get(Identity.bearer(readerB).withHeader(A), "/tonari/api/v1/alerts/history").statusCode()).isEqualTo(403);
    assertThat(http.get(Identity.none(), "/tonari/api/v1/toil").statusCode()).isEqualTo(401);
    assertThat(http.postJson(Identity.bearer(readerB), ack, "{}").statusCode()).isEqualTo(403);

    clock.set(Instant.parse("2024-05-08T10:03:00Z"));
    JsonNode acknowledged = json(http.postJson(admin, ack, "")).path("data");
    assertThat(acknowledged.path("acknowledgedAt").asText()).isEqualTo("2024-05-08T10:03:00Z");
    assertThat(acknowledged.path("acknowledgedBy").asText()).as("the token's name").isEqualTo("admin-a");
    clock.set(NOW);
    JsonNode again = json(http.postJson(admin, ack, "{\"by\": \"bob\", \"comment\": \"again\"}")).path("data");
    assertThat(again.path("acknowledgedBy").asText()).as("the first acknowledgement stays").isEqualTo("admin-a");
    JsonNode withBody = json(http.postJson(admin, "/tonari/api/v1/alerts/" + open.path("id").asText() + "/ack",
        "{\"by\": \"carol\", \"comment\": \"on it\"}")).path("data");
    assertThat(withBody.path("acknowledgedBy").asText()).isEqualTo("carol");
    assertThat(withBody.path("acknowledgementComment").asText()).isEqualTo("on it");
    HttpResponse<String> unknown = http.postJson(admin, "/tonari/api/v1/alerts/20240508-0000000000000000/ack", "{}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).startsWith("alert episode not found: tenant team-a has no episode '20240508-0000000000000000'");
    assertThat(http.postJson(admin, ack, "{\"by\": 3}").body()).contains("'by' must be a string");
    assertThat(http.postJson(admin, ack, "{\"who\": \"x\"}").body()).contains("unknown field 'who'; known fields: by, comment");
    assertThat(http.postJson(admin, ack, "{not json").statusCode()).isEqualTo(400);
    assertThat(http.postJson(admin, ack, "{\"comment\": \"" + "x".repeat(4001) + "\"}").statusCode()).isEqualTo(400);
    assertThat(Files.readString(dataDir.resolve("audit.log"))).contains("alert.ack").contains("episode " + secondId + " by admin-a")
        .contains("refused: unknown episode");

    JsonNode toil = json(http.get(reader, "/tonari/api/v1/toil?since=1w")).path("data");
    JsonNode total = toil.path("total");
    assertThat(total.path("pages").asInt()).isEqualTo(3);
    assertThat(total.path("tickets").asInt()).isEqualTo(1);
    assertThat(total.path("pagesOutsideWorkingHours").asInt()).isEqualTo(1);
    assertThat(total.path("flapping").asInt()).isEqualTo(1);
    assertThat(total.path("noise").asInt()).as("03:00 and 10:21 resolved unacknowledged; 10:01 was acknowledged in 2m").isEqualTo(2);
    assertThat(total.path("timeToAcknowledge").path("medianSeconds").asDouble()).isEqualTo(120);
    assertThat(toil.path("settings").path("timeZone").asText()).isEqualTo("UTC");
    assertThat(toil.path("weeks")).extracting(week -> week.path("week").asText()).containsExactly("2024-W18", "2024-W19");
    assertThat(toil.path("noisiestRules").get(0).path("rule").asText()).isEqualTo("ErrorBurst");
    assertThat(http.get(reader, "/tonari/api/v1/toil?format=markdown").body()).startsWith("# Toil of team-a").contains("| **Total** | 3 | 1 | 1 | 0 | 1 | 2 |");
    assertThat(http.get(reader, "/tonari/api/v1/toil?format=text").body()).startsWith("Toil of team-a").contains("ErrorBurst");
    assertThat(http.get(reader, "/tonari/api/v1/toil?format=pdf").body()).contains("unknown format 'pdf'");
    assertThat(http.get(reader, "/tonari/api/v1/toil?since=soon").statusCode()).isEqualTo(400);
    assertThat(http.get(reader, "/tonari/api/v1/toil?since=500d").body()).contains("at most the history's retention");

    String metrics = http.get(Identity.none(), "/metrics").body();
    assertThat(metrics).contains("tonari_toil_pages{tenant=\"team-a\"} 3.0").contains("tonari_toil_tickets{tenant=\"team-a\"} 1.0")
        .contains("tonari_toil_pages_outside_working_hours{tenant=\"team-a\"} 1.0").contains("tonari_toil_flapping_episodes{tenant=\"team-a\"} 1.0")
        .contains("tonari_toil_noise_episodes{tenant=\"team-a\"} 2.0").contains("tonari_toil_pages{tenant=\"team-b\"} 0.0")
        .contains("tonari_toil_time_to_acknowledge_seconds{quantile=\"0.5\",tenant=\"team-a\"} 120.0")
        .contains("tonari_alert_history_open_episodes{tenant=\"team-a\"} 1.0").contains("tonari_alert_history_transitions_written_total 10.0");

    // A restart keeps the history and the acknowledgements.
    stop();
    start(true);
    JsonNode reopened = json(http.get(reader, "/tonari/api/v1/alerts/episodes")).path("data");
    assertThat(reopened).hasSize(4);
    assertThat(reopened.get(0).path("acknowledgedBy").asText()).isEqualTo("carol");
    assertThat(reopened.get(2).path("acknowledgedBy").asText()).isEqualTo("admin-a");
  }

  @Test
  void everyAlertRouteNeedsTheAlertsActionOfItsMethod() {
    TenantGate.Access read = new TenantGate.Access.Tenants(Action.ALERTS_READ);
    TenantGate.Access write = new TenantGate.Access.Tenants(Action.ALERTS_WRITE);
    assertThat(TenantGate.accessOf("GET", "/tonari/api/v1/alerts/history")).isEqualTo(read);
    assertThat(TenantGate.accessOf("GET", "/tonari/api/v1/alerts/episodes")).isEqualTo(read);
    assertThat(TenantGate.accessOf("HEAD", "//tonari/api/v1/alerts/history/")).isEqualTo(read);
    assertThat(TenantGate.accessOf("GET", "/tonari/api/v1/toil")).isEqualTo(read);
    assertThat(TenantGate.accessOf("GET", "/tonari/api/v1/toil/")).isEqualTo(read);
    assertThat(TenantGate.accessOf("POST", "/tonari/api/v1/alerts/20240508-0123456789abcdef/ack")).isEqualTo(write);
    assertThat(TenantGate.accessOf("POST", "/tonari/api/v1/alerts/history")).isEqualTo(write);
  }

  @Test
  void withoutAuthenticationTheAcknowledgementIsAnonymousAndTheTenantIsTheHeader() throws Exception {
    start(false);
    feed();
    JsonNode episodes = json(http.get(Identity.none().withHeader(B), "/tonari/api/v1/alerts/episodes")).path("data");
    assertThat(episodes).singleElement().satisfies(episode -> assertThat(episode.path("severity").asText()).isEqualTo("other"));
    String id = episodes.get(0).path("id").asText();
    JsonNode acknowledged = json(http.postJson(Identity.none().withHeader(B), "/tonari/api/v1/alerts/" + id + "/ack", "")).path("data");
    assertThat(acknowledged.path("acknowledgedBy").asText()).isEqualTo("anonymous");
    assertThat(http.postJson(Identity.none(), "/tonari/api/v1/alerts/" + id + "/ack", "").statusCode()).as("tenant fake has no such episode")
        .isEqualTo(404);
    assertThat(http.postJson(Identity.none().withHeader(A + "|" + B), "/tonari/api/v1/alerts/" + id + "/ack", "").statusCode()).isEqualTo(400);
    assertThat(http.get(Identity.none().withHeader(A), "/tonari/api/v1/toil/").statusCode()).as("a trailing slash still names the tenant")
        .isEqualTo(200);
  }
}
