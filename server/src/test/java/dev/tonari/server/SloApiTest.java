package dev.tonari.server;

import dev.tonari.tenancy.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.server.TenantHttp.Identity;
import dev.tonari.slo.engine.SloSettings;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.auth.TokenStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SLO API over real HTTP: the real server on a loopback port with authentication on, an
 * in-memory store fed through the push API, and a clock the test sets, so the evaluation (driven
 * through {@link TonariServer#slos()}) sees exactly the minutes the test pushed. Roles: a tenant
 * admin writes, a reader reads, a writer (pusher) does neither, and a reader of another tenant
 * sees nothing of {@code team-a}.
 *
 * <p>Traffic: from 10:00 one hour of 20 requests a minute without error, then one hour of 40 a
 * minute with one 500 (2.5 %: a burn rate of 25 against 99.9 %, over the page tier's 14.4).
 */
class SloApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String A = "team-a";
  private static final String B = "team-b";
  private static final String ID = "api-availability";
  private static final long SECOND = 1_000_000_000L;
  /** 2024-05-01T10:00Z (Wednesday of ISO week 2024-W18) as an epoch minute: minute 0 of the traffic. */
  private static final long BASE = Instant.parse("2024-05-01T10:00:00Z").getEpochSecond() / 60;

  static final String SLOTH = """
      version: "prometheus/v1"
      service: "api"
      slos:
        - name: "availability"
          objective: %s
          description: "Requests answered without a 5xx."
          sli:
            events:
              error_query: sum(count_over_time({app="api"} | logfmt | status >= 500 [{{.window}}]))
              total_query: sum(count_over_time({app="api"} [{{.window}}]))
          alerting:
            name: ApiAvailability
            page_alert:
              labels:
                severity: critical
            ticket_alert:
              labels:
                severity: warning
      """;

  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock(at(120).plusSeconds(30));
  private TonariServer server;
  private TenantHttp http;
  private final HttpClient client = HttpClient.newHttpClient();
  private String admin;
  private String tenantAdminA;
  private String readerA;
  private String writerA;
  private String readerB;

  private static Instant at(long minute) {
    return Instant.ofEpochSecond((BASE + minute) * 60);
  }

  private void start(boolean auth, SloSettings slo) throws Exception {
    TokenStore tokens = TokenStore.open(dataDir, clock);
    admin = tokens.create("platform", Set.of("*"), Role.ADMIN, Optional.empty()).text();
    tenantAdminA = tokens.create("admin-a", Set.of(A), Role.TENANT_ADMIN, Optional.empty()).text();
    readerA = tokens.create("reader-a", Set.of(A), Role.READER, Optional.empty()).text();
    writerA = tokens.create("writer-a", Set.of(A), Role.WRITER, Optional.empty()).text();
    readerB = tokens.create("reader-b", Set.of(B), Role.READER, Optional.empty()).text();
    server = TonariServer.start(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir).withAuthEnabled(auth)
        .withFailedAttemptsPerMinute(100_000).withSlo(slo), new InMemoryLogStore(), metrics -> {}, clock);
    http = new TenantHttp(server.baseUrl());
  }

  @AfterEach
  void stop() throws Exception {
    if (http != null) {
      http.close();
    }
    if (server != null) {
      server.close();
    }
    client.close();
  }

  private HttpResponse<String> postYaml(Identity identity, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/tonari/api/v1/slos"))
        .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(body));
    identity.headers().forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Pushes the two hours of traffic as team-a's writer, one request per line. */
  private void pushTraffic() throws Exception {
    for (int hour = 0; hour < 2; hour++) {
      List<String> values = new ArrayList<>();
      int perMinute = hour == 0 ? 20 : 40;
      for (long minute = hour * 60L; minute < hour * 60L + 60; minute++) {
        for (int i = 0; i < perMinute; i++) {
          long nanos = (BASE + minute) * 60 * SECOND + i * (60 * SECOND / perMinute);
          int status = hour == 1 && i == 0 ? 500 : 200;
          values.add("[\"" + nanos + "\",\"status=" + status + " path=/orders request=" + i + "\"]");
        }
      }
      String streams = "{\"stream\":{\"app\":\"api\",\"pod\":\"a\"},\"values\":[" + String.join(",", values) + "]}";
      assertThat(http.push(Identity.bearer(writerA), streams).statusCode()).isEqualTo(204);
    }
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void applyReadAndDeleteSlosWithTheRolesOfTheTenancyWork() throws Exception {
    start(true, SloSettings.defaults());
    Identity writer = Identity.bearer(tenantAdminA);
    Identity reader = Identity.bearer(readerA);

    HttpResponse<String> created = postYaml(writer, SLOTH.formatted("99.9"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertThat(json(created).path("data").path("created")).extracting(JsonNode::asText).containsExactly(ID);
    assertThat(json(created).path("data").path("replaced")).isEmpty();
    HttpResponse<String> replaced = postYaml(writer, SLOTH.formatted("99.9"));
    assertThat(json(replaced).path("data").path("created")).isEmpty();
    assertThat(json(replaced).path("data").path("replaced")).extracting(JsonNode::asText).containsExactly(ID);

    // Before any line: no data, never 100 % or NaN.
    JsonNode empty = json(http.get(reader, "/tonari/api/v1/slos")).path("data");
    assertThat(empty).hasSize(1);
    assertThat(empty.get(0).path("id").asText()).isEqualTo(ID);
    assertThat(empty.get(0).path("noData").asBoolean()).isTrue();
    assertThat(empty.get(0).path("sli").isNull()).isTrue();
    assertThat(empty.get(0).path("budgetRemaining").isNull()).isTrue();
    assertThat(empty.get(0).path("policy").path("state").asText()).isEqualTo("no_data");

    pushTraffic();
    server.slos().evaluateAllNow();

    HttpResponse<String> one = http.get(reader, "/tonari/api/v1/slos/" + ID);
    assertThat(one.statusCode()).isEqualTo(200);
    JsonNode slo = json(one).path("data");
    assertThat(slo.path("id").asText()).isEqualTo(ID);
    assertThat(slo.path("tenant").asText()).isEqualTo(A);
    assertThat(slo.path("objective").asDouble()).isCloseTo(99.9, within(1e-9));
    assertThat(slo.path("noData").asBoolean()).isFalse();
    // 1,200 + 2,400 requests, 60 bad: SLI 1 - 60/3,600; budget 3.6 requests, spent 16.7 times.
    assertThat(slo.path("events").path("total").asDouble()).isEqualTo(3_600);
    assertThat(slo.path("events").path("bad").asDouble()).isEqualTo(60);
    assertThat(slo.path("sli").asDouble()).isCloseTo(1 - 60 / 3600.0, within(1e-12));
    assertThat(slo.path("budgetRemaining").asDouble()).isCloseTo(1 - 60 / 3.6, within(1e-9));
    assertThat(slo.path("burnRate").path("5m").asDouble()).isCloseTo(25, within(1e-9));
    assertThat(slo.path("burnRate").path("1h").asDouble()).isCloseTo(25, within(1e-9));
    assertThat(slo.path("policy").path("state").asText()).isEqualTo("exhausted");
    assertThat(slo.path("alerts")).hasSize(4);
    assertThat(slo.path("alerts").get(0).path("name").asText()).isEqualTo("page-1h");
    assertThat(slo.path("alerts").get(0).path("state").asText()).isEqualTo("firing");
    // Replayed over the last day on a 5-minute grid: at 11:25 the hour held 25 burst minutes, 25 bad of 1,700 (burn 14.7 >= 14.4).
    assertThat(slo.path("alerts").get(0).path("since").asText()).isEqualTo(at(85).toString());
    assertThat(slo.path("evaluation").path("backfillProgress").asDouble()).isEqualTo(1);
    assertThat(slo.path("evaluation").path("lastError").isNull()).isTrue();
    assertThat(json(http.get(reader, "/tonari/api/v1/slos")).path("data").get(0).path("sli").asDouble()).isEqualTo(slo.path("sli").asDouble());

    // A bad objective: 400 with the place, and nothing stored.
    HttpResponse<String> invalid = postYaml(writer, SLOTH.formatted("120"));
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).startsWith("body:5:16: error: slos[0].objective: objective 120 is out of range")
        .contains("1 error; nothing was applied");
    assertThat(json(http.get(reader, "/tonari/api/v1/slos/" + ID)).path("data").path("objective").asDouble()).isCloseTo(99.9, within(1e-9));
    HttpResponse<String> notYaml = postYaml(writer, "slos: [unclosed");
    assertThat(notYaml.statusCode()).isEqualTo(400);
    assertThat(notYaml.body()).startsWith("body:");

    HttpResponse<String> unknown = http.get(reader, "/tonari/api/v1/slos/api-nothing");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).startsWith("slo not found");

    // Roles: a reader reads only; a writer (pusher) neither reads nor writes SLOs; no token is 401.
    assertThat(postYaml(reader, SLOTH.formatted("99")).statusCode()).isEqualTo(403);
    assertThat(http.delete(reader, "/tonari/api/v1/slos/" + ID).statusCode()).isEqualTo(403);
    assertThat(http.get(Identity.bearer(writerA), "/tonari/api/v1/slos").statusCode()).isEqualTo(403);
    assertThat(postYaml(Identity.bearer(writerA), SLOTH.formatted("99")).statusCode()).isEqualTo(403);
    assertThat(http.get(Identity.none(), "/tonari/api/v1/slos").statusCode()).isEqualTo(401);
    // The admin names the tenant; without it the request is ambiguous.
    assertThat(json(http.get(Identity.bearer(admin).withHeader(A), "/tonari/api/v1/slos")).path("data")).hasSize(1);
    assertThat(http.get(Identity.bearer(admin), "/tonari/api/v1/slos").statusCode()).isEqualTo(400);

    // Another tenant's reader sees its own (empty) list, is refused team-a, and cannot find team-a's SLO.
    HttpResponse<String> ownList = http.get(Identity.bearer(readerB), "/tonari/api/v1/slos");
    assertThat(ownList.statusCode()).isEqualTo(200);
    assertThat(json(ownList).path("data")).isEmpty();
    assertThat(http.get(Identity.bearer(readerB).withHeader(A), "/tonari/api/v1/slos").statusCode()).isEqualTo(403);
    assertThat(http.get(Identity.bearer(readerB).withHeader(A), "/tonari/api/v1/slos/" + ID).statusCode()).isEqualTo(403);
    HttpResponse<String> notTheirs = http.get(Identity.bearer(readerB), "/tonari/api/v1/slos/" + ID);
    assertThat(notTheirs.statusCode()).isEqualTo(404);
    assertThat(notTheirs.body()).doesNotContain(A);
    HttpResponse<String> theirReport = http.get(Identity.bearer(readerB), "/tonari/api/v1/slo_report?week=2024-W18");
    assertThat(theirReport.statusCode()).isEqualTo(200);
    assertThat(theirReport.body()).doesNotContain(ID).doesNotContain(A);
    assertThat(http.get(Identity.bearer(readerB).withHeader(A + "|" + B), "/tonari/api/v1/slos").statusCode()).isIn(400, 403);

    HttpResponse<String> deleted = http.delete(writer, "/tonari/api/v1/slos/" + ID);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(http.get(reader, "/tonari/api/v1/slos/" + ID).statusCode()).isEqualTo(404);
    assertThat(http.delete(writer, "/tonari/api/v1/slos/" + ID).statusCode()).isEqualTo(404);
    assertThat(json(http.get(reader, "/tonari/api/v1/slos")).path("data")).isEmpty();
  }

  @Test
  void theWeeklyReportAndMetricsShowTheEvaluatedSlo() throws Exception {
    start(true, SloSettings.defaults());
    assertThat(postYaml(Identity.bearer(tenantAdminA), SLOTH.formatted("99.9")).statusCode()).isEqualTo(200);
    pushTraffic();
    server.slos().evaluateAllNow();
    Identity reader = Identity.bearer(readerA);

    HttpResponse<String> report = http.get(reader, "/tonari/api/v1/slo_report?week=2024-W18&format=json");
    assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
    JsonNode week = json(report).path("data");
    assertThat(week.path("week").asText()).isEqualTo("2024-W18");
    assertThat(week.path("tenant").asText()).isEqualTo(A);
    assertThat(week.path("slos")).hasSize(1);
    JsonNode row = week.path("slos").get(0);
    assertThat(row.path("id").asText()).isEqualTo(ID);
    assertThat(row.path("totalEvents").asDouble()).isEqualTo(3_600);
    assertThat(row.path("badEvents").asDouble()).isEqualTo(60);
    assertThat(row.path("worstBurnRate").asDouble()).isCloseTo(25, within(1e-9));
    assertThat(row.path("policyAtEnd").asText()).isEqualTo("exhausted");
    // The report's patterns read the week's error lines from the store: the one 500 line shape.
    assertThat(row.path("errorPatterns")).isNotEmpty();
    assertThat(row.path("errorPatterns").get(0).path("count").asInt()).isEqualTo(60);

    HttpResponse<String> markdown = http.get(reader, "/tonari/api/v1/slo_report?week=2024-W18&format=markdown");
    assertThat(markdown.statusCode()).isEqualTo(200);
    assertThat(markdown.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/markdown"));
    assertThat(markdown.body()).contains("| SLO | objective |").contains("| " + ID + " | 99.900% | 98.333% |");
    HttpResponse<String> text = http.get(reader, "/tonari/api/v1/slo_report?week=2024-W18&format=text");
    assertThat(text.body()).startsWith("SLO report 2024-W18 for tenant team-a").contains(ID);
    HttpResponse<String> badWeek = http.get(reader, "/tonari/api/v1/slo_report?week=2024-18");
    assertThat(badWeek.statusCode()).isEqualTo(400);
    assertThat(badWeek.body()).contains("invalid week \"2024-18\"").contains("YYYY-Www");
    assertThat(http.get(reader, "/tonari/api/v1/slo_report?week=2024-W54").statusCode()).isEqualTo(400);
    assertThat(http.get(reader, "/tonari/api/v1/slo_report?week=2024-W18&format=pdf").statusCode()).isEqualTo(400);
    assertThat(http.get(reader, "/tonari/api/v1/slo_report?week=2024-W18&id=api-nothing").statusCode()).isEqualTo(404);

    // /metrics is open, as Prometheus scrapes it: Sloth's series with the tenant.
    HttpResponse<String> metrics = http.get(Identity.none(), "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    List<String> fiveMinutes = metrics.body().lines().filter(line -> line.startsWith("slo:sli_error:ratio_rate5m{")).toList();
    assertThat(fiveMinutes).hasSize(1);
    assertThat(fiveMinutes.getFirst()).contains("sloth_id=\"" + ID + "\"").contains("sloth_service=\"api\"").contains("sloth_slo=\"availability\"")
        .contains("tenant=\"team-a\"");
    assertThat(Double.parseDouble(fiveMinutes.getFirst().substring(fiveMinutes.getFirst().lastIndexOf(' ') + 1))).isCloseTo(0.025, within(1e-12));
    assertThat(metrics.body().lines().filter(line -> line.startsWith("sloth_slo_info{")))
        .singleElement().satisfies(line -> assertThat(line).contains("sloth_id=\"" + ID + "\"").contains("tenant=\"team-a\"")
            .satisfies(info -> assertThat(Double.parseDouble(info.substring(info.lastIndexOf(' ') + 1))).isEqualTo(1)));
    assertThat(metrics.body()).contains("slo:objective:ratio{").contains("slo:period_error_budget_remaining:ratio{");
  }

  @Test
  void withAuthenticationOffTheScopeHeaderPicksTheTenant() throws Exception {
    start(false, SloSettings.defaults());
    HttpResponse<String> created = postYaml(Identity.none().withHeader("team-x"), SLOTH.formatted("99"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

    assertThat(json(http.get(Identity.none().withHeader("team-x"), "/tonari/api/v1/slos")).path("data")).hasSize(1);
    assertThat(json(http.get(Identity.none().withHeader("team-y"), "/tonari/api/v1/slos")).path("data")).isEmpty();
    assertThat(json(http.get(Identity.none(), "/tonari/api/v1/slos")).path("data")).as("tenant fake").isEmpty();
    assertThat(http.get(Identity.none().withHeader("team-x|team-y"), "/tonari/api/v1/slos").statusCode()).isEqualTo(400);
    assertThat(http.get(Identity.none().withHeader("team-y"), "/tonari/api/v1/slos/" + ID).statusCode()).isEqualTo(404);
    assertThat(http.delete(Identity.none().withHeader("team-x"), "/tonari/api/v1/slos/" + ID).statusCode()).isEqualTo(200);
  }

  @Test
  void slosOfTheSloDirectoryCannotBeChangedThroughTheApi() throws Exception {
    Path directory = dataDir.resolve("slos");
    Files.createDirectories(directory.resolve(A));
    Path file = directory.resolve(A).resolve("api.yaml");
    Files.writeString(file, SLOTH.formatted("99.9"));
    start(true, SloSettings.defaults().withDirectory(directory));

    HttpResponse<String> conflict = postYaml(Identity.bearer(tenantAdminA), SLOTH.formatted("99"));
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.body()).contains(file.toString());
    HttpResponse<String> delete = http.delete(Identity.bearer(tenantAdminA), "/tonari/api/v1/slos/" + ID);
    assertThat(delete.statusCode()).isEqualTo(409);
    JsonNode slo = json(http.get(Identity.bearer(readerA), "/tonari/api/v1/slos/" + ID)).path("data");
    assertThat(slo.path("objective").asDouble()).isCloseTo(99.9, within(1e-9));
    assertThat(slo.path("source").asText()).isEqualTo(file + ":4");
  }
}
