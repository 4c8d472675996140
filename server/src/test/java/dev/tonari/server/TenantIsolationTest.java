package dev.tonari.server;

import static dev.tonari.server.TenantHttp.encode;
import static dev.tonari.server.TenantHttp.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.server.TenantHttp.Identity;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.auth.TokenStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The isolation suite: a real server with authentication on, two tenants with data, and for every
 * read endpoint every combination of credentials and {@code X-Scope-OrgID} we could think of. A
 * token of tenant {@code aa-team} must never see a byte of tenant {@code bbsecret}: every byte of
 * that tenant (its name, label names and values, lines) contains {@code bbsecret}, so one substring
 * check on each successful answer covers all of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String A = "aa-team";
  private static final String B = "bbsecret";
  private static final String B_MARKER = "bbsecret";
  private static final long SECOND = 1_000_000_000L;

  @TempDir static Path dataDir;
  private TonariServer server;
  private TenantHttp http;
  private long now;
  private String readerA;
  private String writerA;
  private String readerB;
  private String readerAb;
  private String admin;
  private String revokedA;
  private String expiredA;

  @BeforeAll
  void start() throws Exception {
    TokenStore tokens = TokenStore.open(dataDir, Clock.systemUTC());
    readerA = tokens.create("reader-a", Set.of(A), Role.READER, Optional.empty()).text();
    writerA = tokens.create("writer-a", Set.of(A), Role.WRITER, Optional.empty()).text();
    String writerB = tokens.create("writer-b", Set.of(B), Role.WRITER, Optional.empty()).text();
    readerB = tokens.create("reader-b", Set.of(B), Role.READER, Optional.empty()).text();
    readerAb = tokens.create("reader-ab", Set.of(A, B), Role.READER, Optional.empty()).text();
    admin = tokens.create("platform", Set.of("*"), Role.ADMIN, Optional.empty()).text();
    revokedA = tokens.create("revoked-a", Set.of(A), Role.READER, Optional.empty()).text();
    tokens.revoke("revoked-a");
    // Created by a clock two hours back with one hour to live: expired for the server, whatever its speed.
    TokenStore past = TokenStore.open(dataDir, Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC));
    expiredA = past.create("expired-a", Set.of(A), Role.READER, Optional.of(Duration.ofHours(1))).text();

    server = TonariServer.open(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir).withAuthEnabled(true)
        .withFailedAttemptsPerMinute(100_000));
    http = new TenantHttp(server.baseUrl());
    now = System.currentTimeMillis() * 1_000_000L;
    assertThat(http.push(Identity.bearer(writerA), stream("{\"app\":\"shop\",\"owner\":\"a\"}", now - 10 * SECOND, "aasecret order placed"))
        .statusCode()).isEqualTo(204);
    assertThat(http.push(Identity.bearer(writerB),
        stream("{\"app\":\"shop\",\"owner\":\"b\",\"bbsecret_label\":\"bbsecret\"}", now - 9 * SECOND, "bbsecret payment")).statusCode())
        .isEqualTo(204);
  }

  @AfterAll
  void stop() throws Exception {
    http.close();
    server.close();
  }

  /** Every read endpoint, with a time range covering both tenants' entries. */
  private List<String> readEndpoints() {
    String range = "&start=" + (now - 3600 * SECOND) + "&end=" + (now + SECOND);
    String selector = encode("{app=\"shop\"}");
    return List.of(
        "/loki/api/v1/query_range?query=" + selector + range,
        "/loki/api/v1/query_range?query=" + encode("count_over_time({app=\"shop\"}[1h])") + range + "&step=60",
        "/loki/api/v1/query?query=" + encode("count_over_time({app=\"shop\"}[1h])") + "&time=" + (now + SECOND),
        "/loki/api/v1/labels?" + range.substring(1),
        "/loki/api/v1/label/bbsecret_label/values?" + range.substring(1),
        "/loki/api/v1/label/owner/values?" + range.substring(1),
        "/loki/api/v1/series?match[]=" + selector + range,
        "/loki/api/v1/index/stats?query=" + selector + range,
        "/loki/api/v1/index/volume?query=" + selector + range,
        "/loki/api/v1/index/volume_range?query=" + selector + range + "&step=60",
        "/loki/api/v1/detected_labels?query=" + selector + range,
        "/loki/api/v1/detected_labels?" + range.substring(1),
        "/loki/api/v1/detected_fields?query=" + selector + range,
        "/loki/api/v1/detected_field/owner/values?query=" + selector + range,
        "/loki/api/v1/patterns?query=" + selector + range,
        "/loki/api/v1/drilldown-limits",
        "/tonari/api/v1/usage");
  }

  private record Case(String name, Identity identity, int status) {}

  private List<Case> casesOfTokenA() {
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("bearer A, no header", Identity.bearer(readerA), 200));
    cases.add(new Case("bearer A, header A", Identity.bearer(readerA).withHeader(A), 200));
    cases.add(new Case("basic user A with A's token", Identity.basic(A, readerA), 200));
    cases.add(new Case("bearer A, header B", Identity.bearer(readerA).withHeader(B), 403));
    cases.add(new Case("bearer A, header A|B", Identity.bearer(readerA).withHeader(A + "|" + B), 403));
    cases.add(new Case("bearer A, header B|A", Identity.bearer(readerA).withHeader(B + "|" + A), 403));
    cases.add(new Case("basic user B with A's token", Identity.basic(B, readerA), 403));
    cases.add(new Case("basic user A with A's token, header B", Identity.basic(A, readerA).withHeader(B), 403));
    cases.add(new Case("writer token of A reads", Identity.bearer(writerA), 403));
    cases.add(new Case("reader B names A", Identity.bearer(readerB).withHeader(A), 403));
    cases.add(new Case("no credentials", Identity.none(), 401));
    cases.add(new Case("no credentials, header B", Identity.none().withHeader(B), 401));
    cases.add(new Case("revoked token of A", Identity.bearer(revokedA), 401));
    cases.add(new Case("expired token of A", Identity.bearer(expiredA), 401));
    cases.add(new Case("a token that does not exist", Identity.bearer("tnr_AAAAAAAAAAAAA_" + "A".repeat(43)), 401));
    cases.add(new Case("basic user B without a token", Identity.basic(B, ""), 401));
    cases.add(new Case("header ../B", Identity.bearer(readerA).withHeader("../" + B), 400));
    cases.add(new Case("header A/B", Identity.bearer(readerA).withHeader(A + "/" + B), 400));
    cases.add(new Case("header %2e%2e", Identity.bearer(readerA).withHeader("%2e%2e"), 400));
    cases.add(new Case("header ..", Identity.bearer(readerA).withHeader(".."), 400));
    cases.add(new Case("header A|..", Identity.bearer(readerA).withHeader(A + "|.."), 400));
    cases.add(new Case("basic user ../B", Identity.basic("../" + B, readerA), 400));
    return cases;
  }

  @Test
  void aTokenOfTenantANeverSeesTenantBOnAnyReadEndpoint() throws Exception {
    List<String> failures = new ArrayList<>();
    for (String endpoint : readEndpoints()) {
      for (Case check : casesOfTokenA()) {
        HttpResponse<String> response = http.get(check.identity(), endpoint);
        String where = check.name() + " on " + endpoint;
        if (response.statusCode() != check.status()) {
          failures.add(where + ": status " + response.statusCode() + " (expected " + check.status() + "): " + response.body());
        }
        if (response.statusCode() == 200 && response.body().contains(B_MARKER)) {
          failures.add(where + ": tenant B's data leaked: " + response.body());
        }
        if (check.status() == 401 && response.headers().firstValue("WWW-Authenticate").isEmpty()) {
          failures.add(where + ": 401 without WWW-Authenticate");
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void tenantASeesItsOwnDataSoTheSuiteCanFail() throws Exception {
    String range = "&start=" + (now - 3600 * SECOND) + "&end=" + (now + SECOND);
    HttpResponse<String> logs = http.get(Identity.bearer(readerA), "/loki/api/v1/query_range?query=" + encode("{app=\"shop\"}") + range);
    assertThat(logs.statusCode()).isEqualTo(200);
    assertThat(logs.body()).contains("aasecret order placed");
    HttpResponse<String> stats = http.get(Identity.basic(A, readerA), "/loki/api/v1/index/stats?query=" + encode("{app=\"shop\"}") + range);
    assertThat(JSON.readTree(stats.body()).path("entries").asLong()).isEqualTo(1);
    HttpResponse<String> values = http.get(Identity.bearer(readerA), "/loki/api/v1/label/owner/values?" + range.substring(1));
    assertThat(JSON.readTree(values.body()).path("data")).isEqualTo(JSON.readTree("[\"a\"]"));
    HttpResponse<String> patterns = http.get(Identity.bearer(readerA), "/loki/api/v1/patterns?query=" + encode("{app=\"shop\"}") + range);
    assertThat(JSON.readTree(patterns.body()).path("data").get(0).path("pattern").asText()).isEqualTo("aasecret order placed");
    HttpResponse<String> labels = http.get(Identity.bearer(readerA), "/loki/api/v1/detected_labels?" + range.substring(1));
    assertThat(JSON.readTree(labels.body()).path("detectedLabels").toString()).contains("\"owner\"");
    // The same token as B sees B: the marker check above is not vacuous.
    HttpResponse<String> ofB = http.get(Identity.bearer(readerB), "/loki/api/v1/query_range?query=" + encode("{app=\"shop\"}") + range);
    assertThat(ofB.body()).contains(B_MARKER).doesNotContain("aasecret");
    assertThat(http.get(Identity.bearer(readerB), "/loki/api/v1/detected_labels?" + range.substring(1)).body()).contains(B_MARKER);
  }

  @Test
  void multiTenantQueriesAddTheTenantLabelAsLokiDoes() throws Exception {
    String range = "&start=" + (now - 3600 * SECOND) + "&end=" + (now + SECOND);
    for (Identity both : List.of(Identity.bearer(readerAb).withHeader(A + "|" + B), Identity.bearer(admin).withHeader(A + "|" + B))) {
      JsonNode answer = JSON.readTree(http.get(both, "/loki/api/v1/query_range?query=" + encode("{app=\"shop\"}") + "&direction=forward"
          + range).body());
      List<String> tenants = new ArrayList<>();
      answer.path("data").path("result").forEach(stream -> tenants.add(stream.path("stream").path("__tenant_id__").asText()));
      assertThat(tenants).containsExactlyInAnyOrder(A, B);
      JsonNode counts = JSON.readTree(http.get(both, "/loki/api/v1/query?query=" + encode("sum by (__tenant_id__) (count_over_time({app=\"shop\"}[1h]))")
          + "&time=" + (now + SECOND)).body());
      assertThat(counts.path("data").path("result")).hasSize(2);
      JsonNode only = JSON.readTree(http.get(both, "/loki/api/v1/query_range?query=" + encode("{__tenant_id__=\"" + A + "\"}") + range).body());
      assertThat(only.toString()).contains("aasecret").doesNotContain(B_MARKER);
      JsonNode values = JSON.readTree(http.get(both, "/loki/api/v1/label/__tenant_id__/values?" + range.substring(1)).body());
      assertThat(values.path("data")).isEqualTo(JSON.readTree("[\"aa-team\",\"bbsecret\"]"));
    }
    // A token of both tenants without a header reads both, as Loki's a|b.
    HttpResponse<String> implicit = http.get(Identity.bearer(readerAb), "/loki/api/v1/query_range?query=" + encode("{app=\"shop\"}") + range);
    assertThat(implicit.body()).contains("aasecret").contains(B_MARKER);
    // An admin holds every tenant and must name one.
    assertThat(http.get(Identity.bearer(admin), "/loki/api/v1/labels").statusCode()).isEqualTo(400);
  }

  @Test
  void readyAndMetricsStayOpenAndPushNeedsAWriterOfExactlyOneTenant() throws Exception {
    assertThat(http.get(Identity.none(), "/ready").statusCode()).isEqualTo(200);
    assertThat(http.get(Identity.none(), "/metrics").statusCode()).isEqualTo(200);
    assertThat(http.get(Identity.none(), "/loki/api/v1/status/buildinfo").statusCode()).isEqualTo(401);
    String line = stream("{\"app\":\"shop\"}", now, "x");
    assertThat(http.push(Identity.bearer(readerA), line).statusCode()).isEqualTo(403);
    assertThat(http.push(Identity.bearer(writerA).withHeader(B), line).statusCode()).isEqualTo(403);
    assertThat(http.push(Identity.basic(B, writerA), line).statusCode()).isEqualTo(403);
    assertThat(http.push(Identity.none(), line).statusCode()).isEqualTo(401);
    HttpResponse<String> several = http.push(Identity.bearer(admin).withHeader(A + "|" + B), line);
    assertThat(several.statusCode()).isEqualTo(400);
    assertThat(several.body()).contains("push acts on exactly one tenant");
  }

  @Test
  void tailUpgradesAreGatedLikeEveryRead() throws Exception {
    String query = "/loki/api/v1/tail?query=" + encode("{app=\"shop\"}");
    assertThat(tailStatus(Identity.none(), query)).isEqualTo(401);
    assertThat(tailStatus(Identity.bearer(readerA).withHeader(B), query)).isEqualTo(403);
    assertThat(tailStatus(Identity.bearer(readerA).withHeader("../" + B), query)).isEqualTo(400);
    assertThat(tailStatus(Identity.bearer(revokedA), query)).isEqualTo(401);
    assertThat(tailStatus(Identity.bearer(readerA), query)).isEqualTo(101);
  }

  /** The handshake's status: 101 when the socket opened (it is closed at once). */
  private int tailStatus(Identity identity, String pathAndQuery) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      WebSocket.Builder builder = client.newWebSocketBuilder();
      identity.headers().forEach(builder::header);
      URI uri = URI.create(server.baseUrl().replace("http://", "ws://") + pathAndQuery);
      try {
        WebSocket socket = builder.buildAsync(uri, new WebSocket.Listener() {}).get(10, TimeUnit.SECONDS);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        return 101;
      } catch (java.util.concurrent.ExecutionException | CompletionException e) {
        if (e.getCause() instanceof WebSocketHandshakeException handshake) {
          return handshake.getResponse().statusCode();
        }
        throw e;
      }
    }
  }
}
