package dev.tonari.server;

import static dev.tonari.server.TenantHttp.encode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.server.TenantHttp.Identity;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.auth.TokenStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route the server registers, called as tenant A while tenant B has data in every store
 * (logs, rules, SLOs, silences, alert history, tokens): no byte of B comes back, and every route
 * but the open ones refuses a request without credentials (401) and one of A's tokens naming B
 * (403). The routes come from {@link TonariServer#routes()}: a route missing from {@link
 * #calls()} fails the test, so a new endpoint cannot be left out.
 *
 * <p>Each of B's things carries a marker ({@link #CONTENT}, its tenant ID, its object names and
 * IDs); a response leaks when it contains a marker that A's request did not contain itself (a 404
 * may echo the name A asked for). {@code /metrics} is open (Prometheus scrapes it without
 * credentials, as Loki's): its per-tenant series name tenants, rule groups and SLOs, never lines,
 * labels, expressions, silences or tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryEndpointIsolationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String A = "aateam";
  private static final String B = "bbtenant";
  /** In every line, label name and value, rule, SLO, silence, alert and token name of B. */
  private static final String CONTENT = "zqxsecret";
  private static final String B_NAMESPACE = "zqxnamespace";
  private static final String B_GROUP = "ZqxGroup";
  private static final long SECOND = 1_000_000_000L;
  /** Routes that answer without credentials, with the reason. */
  private static final Map<String, String> OPEN_ROUTES = Map.of(
      "GET /ready", "load balancers and orchestrators probe it without credentials; it says ready or not, nothing else",
      "GET /metrics", "Prometheus scrapes it without credentials, as Loki's; per-tenant series name tenants, never their data",
      "GET /ui", "the UI's static pages hold no tenant data; what they show comes from the API, which checks credentials",
      "GET /ui/<path>", "the UI's static pages and scripts, the same for everyone",
      "GET /ui/config.json", "tells the sign-in page whether single sign-on is on, before anyone is signed in",
      "GET /ui/login", "starts a sign-in, necessarily before credentials exist",
      "GET /ui/callback", "the identity provider's redirect back, before the session exists",
      "POST /ui/logout", "ends the caller's own session cookie, if any");

  @TempDir static Path dataDir;
  private TonariServer server;
  private TenantHttp http;
  private final HttpClient client = HttpClient.newHttpClient();
  private long now;
  private String adminOfA;
  private String adminOfB;
  private String tokenIdOfB;
  private String sloIdOfB;
  private String silenceIdOfB;
  private String episodeIdOfB;

  @BeforeAll
  void start() throws Exception {
    TokenStore tokens = TokenStore.open(dataDir, Clock.systemUTC());
    adminOfA = tokens.create("admin-a", Set.of(A), Role.TENANT_ADMIN, Optional.empty()).text();
    TokenStore.CreatedToken ofB = tokens.create(CONTENT + "-admin-b", Set.of(B), Role.TENANT_ADMIN, Optional.empty());
    adminOfB = ofB.text();
    tokenIdOfB = ofB.record().id();
    server = TonariServer.open(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir).withAuthEnabled(true)
        .withFailedAttemptsPerMinute(100_000));
    http = new TenantHttp(server.baseUrl());
    now = System.currentTimeMillis() * 1_000_000L;
    Identity a = Identity.bearer(adminOfA);
    Identity b = Identity.bearer(adminOfB);
    expect(204, http.push(a, TenantHttp.stream("{\"app\":\"shop\",\"owner\":\"a\"}", now - 10 * SECOND, "aaline order placed")));
    expect(204, http.push(b, TenantHttp.stream("{\"app\":\"shop\",\"owner\":\"" + CONTENT + "-owner\",\"" + CONTENT + "_label\":\"" + CONTENT
        + "-value\"}", now - 9 * SECOND, CONTENT + " payment")));
    expect(202, send(b, "POST", "/loki/api/v1/rules/" + B_NAMESPACE, "application/yaml", """
        name: %s
        interval: 1m
        rules:
          - record: %s:rate1m
            expr: sum(rate({app="shop", %s_label="%s-value"}[1m]))
          - alert: %sAlert
            expr: sum(rate({app="shop"} |= "%s" [1m])) > 1000000
            annotations:
              summary: %s
        """.formatted(B_GROUP, CONTENT, CONTENT, CONTENT, CONTENT, CONTENT, CONTENT)));
    HttpResponse<String> slo = send(b, "POST", "/tonari/api/v1/slos", "application/yaml", """
        version: "prometheus/v1"
        service: "zqxservice"
        slos:
          - name: "availability"
            objective: 99.9
            description: "%s availability"
            sli:
              events:
                error_query: sum(count_over_time({app="shop"} |= "%s" [{{.window}}]))
                total_query: sum(count_over_time({app="shop"} [{{.window}}]))
            alerting:
              name: %sSlo
        """.formatted(CONTENT, CONTENT, CONTENT));
    assertThat(slo.statusCode()).as(slo.body()).isBetween(200, 201);
    sloIdOfB = JSON.readTree(send(b, "GET", "/tonari/api/v1/slos", null, null).body()).path("data").get(0).path("id").asText();
    Instant start = Instant.now().minusSeconds(60);
    HttpResponse<String> silence = send(b, "POST", "/alertmanager/api/v2/silences", "application/json", """
        {"matchers": [{"name": "alertname", "value": "%sAlert", "isRegex": false}],
         "startsAt": "%s", "endsAt": "%s", "createdBy": "%s@example.com", "comment": "%s maintenance"}
        """.formatted(CONTENT, start, start.plus(Duration.ofDays(1)), CONTENT, CONTENT));
    expect(200, silence);
    silenceIdOfB = JSON.readTree(silence.body()).path("silenceID").asText();
    server.alertHistory().onTransitions(List.of(new AlertTransition(B, B_NAMESPACE, B_GROUP, CONTENT + "Alert",
        Map.of("alertname", CONTENT + "Alert", "severity", "page"), Map.of("summary", CONTENT), AlertState.INACTIVE, AlertState.FIRING,
        Instant.now().minusSeconds(30), 42)));
    episodeIdOfB = JSON.readTree(send(b, "GET", "/tonari/api/v1/alerts/episodes", null, null).body()).path("data").get(0).path("id").asText();
    assertThat(episodeIdOfB).isNotEmpty();
  }

  @AfterAll
  void stop() throws Exception {
    http.close();
    server.close();
    client.close();
  }

  private static void expect(int status, HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.request().method() + " " + response.uri() + ": " + response.body()).isEqualTo(status);
  }

  /** What a response of A may not contain, unless A's request contained it. */
  private List<String> markersOfB() {
    return List.of(CONTENT, B, B_NAMESPACE, B_GROUP, sloIdOfB, silenceIdOfB, episodeIdOfB, tokenIdOfB);
  }

  /**
   * What the open {@code /metrics} may say of B: its tenant ID and the names of its rule groups and
   * SLOs (the labels of the ruler's and SLO engine's per-tenant series), never their content.
   */
  private Set<String> namesInMetrics() {
    return Set.of(B, B_NAMESPACE, B_GROUP, sloIdOfB);
  }

  /** One request of the table. */
  private record Call(String method, String pathAndQuery, String contentType, String body) {
    static Call get(String pathAndQuery) {
      return new Call("GET", pathAndQuery, null, null);
    }

    static Call form(String path, String form) {
      return new Call("POST", path, "application/x-www-form-urlencoded", form);
    }

    static Call json(String method, String path, String json) {
      return new Call(method, path, "application/json", json);
    }

    String request() {
      return pathAndQuery + (body == null ? "" : " " + body);
    }
  }

  private String range() {
    return "start=" + (now - 3600 * SECOND) + "&end=" + (now + SECOND);
  }

  /** For each route of the server, the requests that exercise it (as A, naming B's objects where the route takes an ID). */
  private Map<String, List<Call>> calls() {
    String selector = encode("{app=\"shop\"}");
    String metric = encode("sum by (owner) (count_over_time({app=\"shop\"}[1h]))");
    String logs = "query=" + selector + "&" + range();
    Map<String, List<Call>> calls = new LinkedHashMap<>();
    calls.put("POST /loki/api/v1/push", List.of(Call.json("POST", "/loki/api/v1/push",
        "{\"streams\":[" + TenantHttp.stream("{\"app\":\"shop\",\"owner\":\"a\"}", now - 5 * SECOND, "aaline second") + "]}")));
    calls.put("GET /loki/api/v1/query_range", List.of(Call.get("/loki/api/v1/query_range?" + logs),
        Call.get("/loki/api/v1/query_range?query=" + metric + "&" + range() + "&step=60"),
        Call.get("/loki/api/v1/query_range?query=" + encode("{" + CONTENT + "_label=~\".+\"}") + "&" + range())));
    calls.put("POST /loki/api/v1/query_range", List.of(Call.form("/loki/api/v1/query_range", logs)));
    calls.put("GET /loki/api/v1/query", List.of(Call.get("/loki/api/v1/query?query=" + metric + "&time=" + (now + SECOND)),
        Call.get("/loki/api/v1/query?query=" + selector + "&time=" + (now + SECOND))));
    calls.put("POST /loki/api/v1/query", List.of(Call.form("/loki/api/v1/query", "query=" + metric + "&time=" + (now + SECOND))));
    calls.put("GET /loki/api/v1/labels", List.of(Call.get("/loki/api/v1/labels?" + range())));
    calls.put("POST /loki/api/v1/labels", List.of(Call.form("/loki/api/v1/labels", range())));
    calls.put("GET /loki/api/v1/label/{name}/values", List.of(Call.get("/loki/api/v1/label/owner/values?" + range()),
        Call.get("/loki/api/v1/label/app/values?" + range())));
    calls.put("POST /loki/api/v1/label/{name}/values", List.of(Call.form("/loki/api/v1/label/owner/values", range())));
    calls.put("GET /loki/api/v1/series", List.of(Call.get("/loki/api/v1/series?match[]=" + selector + "&" + range())));
    calls.put("POST /loki/api/v1/series", List.of(Call.form("/loki/api/v1/series", "match[]=" + selector + "&" + range())));
    calls.put("GET /loki/api/v1/index/stats", List.of(Call.get("/loki/api/v1/index/stats?" + logs)));
    calls.put("POST /loki/api/v1/index/stats", List.of(Call.form("/loki/api/v1/index/stats", logs)));
    calls.put("GET /loki/api/v1/index/volume", List.of(Call.get("/loki/api/v1/index/volume?" + logs),
        Call.get("/loki/api/v1/index/volume?" + logs + "&aggregateBy=labels")));
    calls.put("POST /loki/api/v1/index/volume", List.of(Call.form("/loki/api/v1/index/volume", logs)));
    calls.put("GET /loki/api/v1/index/volume_range", List.of(Call.get("/loki/api/v1/index/volume_range?" + logs + "&step=60")));
    calls.put("POST /loki/api/v1/index/volume_range", List.of(Call.form("/loki/api/v1/index/volume_range", logs + "&step=60")));
    calls.put("GET /loki/api/v1/format_query", List.of(Call.get("/loki/api/v1/format_query?query=" + selector)));
    calls.put("POST /loki/api/v1/format_query", List.of(Call.form("/loki/api/v1/format_query", "query=" + selector)));
    calls.put("WS /loki/api/v1/tail", List.of(new Call("WS", "/loki/api/v1/tail?query=" + selector + "&start=" + (now - 3600 * SECOND), null,
        null)));
    calls.put("GET /loki/api/v1/status/buildinfo", List.of(Call.get("/loki/api/v1/status/buildinfo")));
    String ndjson = "application/x-ndjson";
    String otlp = "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"aaservice\"}}]},"
        + "\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"" + (now - 4 * SECOND) + "\",\"body\":{\"stringValue\":\"aaline otlp\"}}]}]}]}";
    calls.put("POST /otlp/v1/logs", List.of(Call.json("POST", "/otlp/v1/logs", otlp)));
    calls.put("POST /tonari/api/v1/push/jsonl", List.of(new Call("POST", "/tonari/api/v1/push/jsonl", ndjson,
        "{\"_msg\":\"aaline jsonl\",\"app\":\"shop\"}\n")));
    String bulk = "{\"index\":{}}\n{\"message\":\"aaline bulk\",\"@timestamp\":\"" + Instant.now().minusSeconds(3) + "\"}\n";
    calls.put("POST /_bulk", List.of(new Call("POST", "/_bulk", ndjson, bulk)));
    calls.put("PUT /_bulk", List.of(new Call("PUT", "/_bulk", ndjson, bulk)));
    calls.put("POST /{index}/_bulk", List.of(new Call("POST", "/aaindex/_bulk", ndjson, bulk)));
    calls.put("PUT /{index}/_bulk", List.of(new Call("PUT", "/aaindex/_bulk", ndjson, bulk)));
    calls.put("GET /", List.of(Call.get("/")));
    calls.put("HEAD /", List.of(new Call("HEAD", "/", null, null)));
    calls.put("GET /_license", List.of(Call.get("/_license")));
    calls.put("GET /_cluster/health", List.of(Call.get("/_cluster/health")));
    for (String path : List.of("/loki/api/v1/detected_labels", "/loki/api/v1/detected_fields", "/loki/api/v1/patterns", "/loki/api/v1/drilldown-limits")) {
      calls.put("GET " + path, List.of(Call.get(path + "?" + logs)));
      calls.put("POST " + path, List.of(Call.form(path, logs)));
    }
    calls.put("GET /loki/api/v1/detected_field/{name}/values", List.of(Call.get("/loki/api/v1/detected_field/owner/values?" + logs)));
    calls.put("POST /loki/api/v1/detected_field/{name}/values", List.of(Call.form("/loki/api/v1/detected_field/owner/values", logs)));
    calls.put("GET /tonari/api/v1/session", List.of(Call.get("/tonari/api/v1/session")));
    calls.put("GET /ui", List.of(Call.get("/ui")));
    calls.put("GET /ui/<path>", List.of(Call.get("/ui/explore"), Call.get("/ui/js/app.js")));
    calls.put("GET /ui/config.json", List.of(Call.get("/ui/config.json")));
    calls.put("GET /ui/login", List.of(Call.get("/ui/login?return_to=/ui/")));
    calls.put("GET /ui/callback", List.of(Call.get("/ui/callback?state=x&code=y")));
    calls.put("POST /ui/logout", List.of(Call.form("/ui/logout", "csrf_token=x")));
    calls.put("GET /ready", List.of(Call.get("/ready")));
    calls.put("GET /metrics", List.of(Call.get("/metrics")));
    calls.put("POST /tonari/api/v1/tokens", List.of(Call.json("POST", "/tonari/api/v1/tokens",
        "{\"name\":\"reader-a2\",\"role\":\"reader\",\"tenants\":[\"" + A + "\"]}")));
    calls.put("GET /tonari/api/v1/tokens", List.of(Call.get("/tonari/api/v1/tokens")));
    calls.put("DELETE /tonari/api/v1/tokens/{id}", List.of(new Call("DELETE", "/tonari/api/v1/tokens/" + tokenIdOfB, null, null)));
    calls.put("GET /tonari/api/v1/tenants", List.of(Call.get("/tonari/api/v1/tenants")));
    calls.put("GET /tonari/api/v1/usage", List.of(Call.get("/tonari/api/v1/usage"), Call.get("/tonari/api/v1/usage?format=csv")));
    calls.put("POST /tonari/api/v1/slos", List.of(new Call("POST", "/tonari/api/v1/slos", "application/yaml", """
        version: "prometheus/v1"
        service: "aaservice"
        slos:
          - name: "availability"
            objective: 99
            sli:
              events:
                error_query: sum(count_over_time({app="shop"} |= "error" [{{.window}}]))
                total_query: sum(count_over_time({app="shop"} [{{.window}}]))
            alerting:
              name: AaSlo
        """)));
    calls.put("GET /tonari/api/v1/slos", List.of(Call.get("/tonari/api/v1/slos")));
    calls.put("GET /tonari/api/v1/slos/{id}", List.of(Call.get("/tonari/api/v1/slos/" + sloIdOfB)));
    calls.put("GET /tonari/api/v1/slos/{id}/budget", List.of(Call.get("/tonari/api/v1/slos/" + sloIdOfB + "/budget")));
    calls.put("DELETE /tonari/api/v1/slos/{id}", List.of(new Call("DELETE", "/tonari/api/v1/slos/" + sloIdOfB, null, null)));
    calls.put("GET /tonari/api/v1/slo_report", List.of(Call.get("/tonari/api/v1/slo_report")));
    for (String prefix : List.of("/loki/api/v1/rules", "/api/prom/rules")) {
      calls.put("GET " + prefix, List.of(Call.get(prefix)));
      calls.put("GET " + prefix + "/{namespace}", List.of(Call.get(prefix + "/" + B_NAMESPACE)));
      calls.put("GET " + prefix + "/{namespace}/{group}", List.of(Call.get(prefix + "/" + B_NAMESPACE + "/" + B_GROUP)));
      calls.put("POST " + prefix + "/{namespace}", List.of(new Call("POST", prefix + "/aanamespace", "application/yaml", """
          name: AaGroup
          rules:
            - record: aa:rate1m
              expr: sum(rate({app="shop"}[1m]))
          """)));
      calls.put("DELETE " + prefix + "/{namespace}", List.of(new Call("DELETE", prefix + "/" + B_NAMESPACE, null, null)));
      calls.put("DELETE " + prefix + "/{namespace}/{group}", List.of(new Call("DELETE", prefix + "/" + B_NAMESPACE + "/" + B_GROUP, null, null)));
    }
    calls.put("GET /tonari/api/v1/alerts/history", List.of(Call.get("/tonari/api/v1/alerts/history")));
    calls.put("GET /tonari/api/v1/alerts/episodes", List.of(Call.get("/tonari/api/v1/alerts/episodes")));
    calls.put("POST /tonari/api/v1/alerts/{id}/ack", List.of(Call.json("POST", "/tonari/api/v1/alerts/" + episodeIdOfB + "/ack", "{}")));
    calls.put("GET /tonari/api/v1/toil", List.of(Call.get("/tonari/api/v1/toil")));
    calls.put("GET /prometheus/api/v1/rules", List.of(Call.get("/prometheus/api/v1/rules")));
    calls.put("POST /prometheus/api/v1/rules", List.of(Call.form("/prometheus/api/v1/rules", "type=alert")));
    calls.put("GET /prometheus/api/v1/alerts", List.of(Call.get("/prometheus/api/v1/alerts")));
    calls.put("GET /alertmanager/api/v2/silences", List.of(Call.get("/alertmanager/api/v2/silences")));
    Instant start = Instant.now();
    calls.put("POST /alertmanager/api/v2/silences", List.of(Call.json("POST", "/alertmanager/api/v2/silences", """
        {"matchers": [{"name": "alertname", "value": "AaAlert", "isRegex": false}],
         "startsAt": "%s", "endsAt": "%s", "createdBy": "a@example.com", "comment": "a's"}""".formatted(start, start.plusSeconds(3600))),
        // Updating B's silence by its ID, as Alertmanager's API does with an "id" field.
        Call.json("POST", "/alertmanager/api/v2/silences", """
        {"id": "%s", "matchers": [{"name": "alertname", "value": "AaAlert", "isRegex": false}],
         "startsAt": "%s", "endsAt": "%s", "createdBy": "a@example.com", "comment": "a's"}""".formatted(silenceIdOfB, start,
            start.plusSeconds(3600)))));
    calls.put("GET /alertmanager/api/v2/silence/{id}", List.of(Call.get("/alertmanager/api/v2/silence/" + silenceIdOfB)));
    calls.put("DELETE /alertmanager/api/v2/silence/{id}", List.of(new Call("DELETE", "/alertmanager/api/v2/silence/" + silenceIdOfB, null, null)));
    calls.put("GET /tonari/api/v1/notifications/dead_letters", List.of(Call.get("/tonari/api/v1/notifications/dead_letters")));
    calls.put("POST /tonari/api/v1/notifications/dead_letters/{id}/retry", List.of(Call.json("POST",
        "/tonari/api/v1/notifications/dead_letters/0123456789abcdef/retry", "{}")));
    calls.put("DELETE /tonari/api/v1/notifications/dead_letters/{id}", List.of(new Call("DELETE",
        "/tonari/api/v1/notifications/dead_letters/0123456789abcdef", null, null)));
    return calls;
  }

  @Test
  void theTableCoversEveryRouteTheServerRegisters() {
    Set<String> registered = new TreeSet<>(server.routes());
    Set<String> covered = new TreeSet<>(calls().keySet());
    assertThat(registered).as("routes of TonariServer without a request in calls(): add one").isSubsetOf(covered);
    assertThat(covered).as("requests in calls() for routes the server no longer has").isSubsetOf(registered);
    assertThat(registered).as("routes() reads the router").contains("GET /loki/api/v1/query_range", "WS /loki/api/v1/tail", "GET /ready");
  }

  @Test
  void tenantASeesNoByteOfTenantBOnAnyRoute() throws Exception {
    List<String> failures = new ArrayList<>();
    Identity a = Identity.bearer(adminOfA);
    for (Map.Entry<String, List<Call>> route : calls().entrySet()) {
      for (Call call : route.getValue()) {
        Answer answer = call(a, call);
        if (answer.status() >= 500) {
          failures.add(route.getKey() + " " + call.request() + ": status " + answer.status() + ": " + answer.body());
        }
        for (String marker : markersOfB()) {
          boolean allowed = call.request().contains(marker) || (route.getKey().equals("GET /metrics") && namesInMetrics().contains(marker));
          if (!allowed && answer.body().toLowerCase(java.util.Locale.ROOT).contains(marker.toLowerCase(java.util.Locale.ROOT))) {
            failures.add(route.getKey() + " " + call.request() + ": tenant B's '" + marker + "' came back (status " + answer.status() + ") in: "
                + linesWith(answer.body(), marker));
          }
        }
      }
    }
    assertThat(failures).isEmpty();
    // What A touched by B's IDs is still B's, unchanged.
    Identity b = Identity.bearer(adminOfB);
    expect(200, send(b, "GET", "/loki/api/v1/rules/" + B_NAMESPACE + "/" + B_GROUP, null, null));
    expect(200, send(b, "GET", "/tonari/api/v1/slos/" + sloIdOfB, null, null));
    HttpResponse<String> silence = send(b, "GET", "/alertmanager/api/v2/silence/" + silenceIdOfB, null, null);
    expect(200, silence);
    assertThat(JSON.readTree(silence.body()).path("status").path("state").asText()).isEqualTo("active");
    assertThat(JSON.readTree(silence.body()).path("comment").asText()).contains(CONTENT);
    JsonNode episode = JSON.readTree(send(b, "GET", "/tonari/api/v1/alerts/episodes", null, null).body()).path("data").get(0);
    assertThat(episode.toString()).doesNotContain(A);
  }

  @Test
  void tenantBSeesItsOwnMarkersSoTheLeakCheckCanFail() throws Exception {
    Identity b = Identity.bearer(adminOfB);
    List<String> reads = List.of("/loki/api/v1/query_range?query=" + encode("{app=\"shop\"}") + "&" + range(),
        "/loki/api/v1/labels?" + range(), "/loki/api/v1/label/owner/values?" + range(), "/loki/api/v1/series?match[]=" + encode("{app=\"shop\"}"),
        "/loki/api/v1/rules", "/tonari/api/v1/slos", "/alertmanager/api/v2/silences", "/tonari/api/v1/alerts/history",
        "/tonari/api/v1/alerts/episodes", "/tonari/api/v1/tokens");
    for (String read : reads) {
      HttpResponse<String> answer = send(b, "GET", read, null, null);
      assertThat(answer.body()).as(read).contains(CONTENT).doesNotContain("aaline");
    }
    assertThat(send(b, "GET", "/tonari/api/v1/usage", null, null).body()).contains(B);
    assertThat(tailMessages(b)).contains(CONTENT);
  }

  @Test
  void everyRouteButTheOpenOnesNeedsCredentialsAndRefusesAnotherTenant() throws Exception {
    List<String> failures = new ArrayList<>();
    Identity none = Identity.none();
    Identity aNamingB = Identity.bearer(adminOfA).withHeader(B);
    for (Map.Entry<String, List<Call>> route : calls().entrySet()) {
      Call call = route.getValue().get(0);
      boolean open = OPEN_ROUTES.containsKey(route.getKey());
      int withoutCredentials = call(none, call).status();
      boolean servedWithout = withoutCredentials != 401 && withoutCredentials != 403 && withoutCredentials < 500;
      if (open ? !servedWithout : withoutCredentials != 401) {
        failures.add(route.getKey() + " without credentials: " + withoutCredentials + (open ? " (open route, expected it served)" : " (expected 401)"));
      }
      if (!open) {
        int asOther = call(aNamingB, call).status();
        if (asOther != 403) {
          failures.add(route.getKey() + " with A's token naming tenant B: " + asOther + " (expected 403)");
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  private record Answer(int status, String body) {}

  private static List<String> linesWith(String body, String marker) {
    return body.lines().filter(line -> line.toLowerCase(java.util.Locale.ROOT).contains(marker.toLowerCase(java.util.Locale.ROOT))).limit(5).toList();
  }

  private Answer call(Identity identity, Call call) throws Exception {
    if (call.method().equals("WS")) {
      return tail(identity, call.pathAndQuery());
    }
    HttpResponse<String> response = send(identity, call.method(), call.pathAndQuery(), call.contentType(), call.body());
    return new Answer(response.statusCode(), response.body());
  }

  private HttpResponse<String> send(Identity identity, String method, String pathAndQuery, String contentType, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    identity.headers().forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** B pushes a fresh line while the socket is open; what came back over the socket within two seconds. */
  private String tailMessages(Identity identity) throws Exception {
    return tail(identity, "/loki/api/v1/tail?query=" + encode("{app=\"shop\"}") + "&start=" + (now - 3600 * SECOND)).body();
  }

  /** A tail: 101 and the messages received while B pushed, or the refused handshake's status. */
  private Answer tail(Identity identity, String pathAndQuery) throws Exception {
    StringBuilder received = new StringBuilder();
    WebSocket.Builder builder = client.newWebSocketBuilder();
    identity.headers().forEach(builder::header);
    URI uri = URI.create(server.baseUrl().replace("http://", "ws://") + pathAndQuery);
    WebSocket socket;
    try {
      socket = builder.buildAsync(uri, new WebSocket.Listener() {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
          synchronized (received) {
            received.append(data);
          }
          webSocket.request(1);
          return null;
        }
      }).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException handshake) {
        return new Answer(handshake.getResponse().statusCode(), String.valueOf(handshake.getResponse().body()));
      }
      throw e;
    }
    expect(204, http.push(Identity.bearer(adminOfB), TenantHttp.stream("{\"app\":\"shop\",\"owner\":\"" + CONTENT + "-owner\"}",
        System.currentTimeMillis() * 1_000_000L, CONTENT + " while tailing")));
    // The tail polls once a second: within three polls the new line would have come if the socket were to leak it.
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3_000);
    while (System.nanoTime() < deadline) {
      synchronized (received) {
        if (received.indexOf(CONTENT + " while tailing") >= 0) {
          break;
        }
      }
      Thread.sleep(50);
    }
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    synchronized (received) {
      return new Answer(101, received.toString());
    }
  }
}
