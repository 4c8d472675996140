package dev.tonari.server;

import static dev.tonari.server.TenantHttp.encode;
import static dev.tonari.server.TenantHttp.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.server.TenantHttp.Identity;
import dev.tonari.tenancy.auth.AuditLog;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.auth.TokenStore;
import dev.tonari.tenancy.limits.IngestionRateLimiter;
import dev.tonari.tenancy.limits.StreamLimiter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-tenant limits, routing, usage, the admin API and offline tokens against a real server with
 * authentication on and a tenants file.
 */
class TenantLimitsHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SECOND = 1_000_000_000L;
  /** 0.0001 MB/s = 104 bytes/s (Loki's MB is 2^20); burst 0.01 MB = 10485 bytes. */
  private static final String TENANTS = """
      defaults:
        limits: {ingestion_rate_mb: 0.0001, ingestion_burst_size_mb: 0.01, max_global_streams_per_user: 2}
      tenants:
        team-a:
        team-b:
        shared:
      routing: {label: namespace, map: {ns-a: team-a, ns-b: team-b}, default_tenant: reject}
      pricing: {currency: EUR, ingested_per_gb: 0.50, stored_per_gb_month: 0.02, scanned_per_gb: 0.005}
      """;

  @TempDir Path dataDir;
  private TonariServer server;
  private TenantHttp http;
  private TokenStore tokens;
  private String agent;
  private String admin;
  private String readerA;
  private long now;

  @BeforeEach
  void start() throws Exception {
    Path tenantsFile = dataDir.resolve("tenants.yaml");
    Files.writeString(tenantsFile, TENANTS);
    tokens = TokenStore.open(dataDir.resolve("data"), Clock.systemUTC());
    agent = tokens.create("cluster-agent", Set.of("team-a", "team-b"), Role.WRITER, Optional.empty()).text();
    admin = tokens.create("platform", Set.of("*"), Role.ADMIN, Optional.empty()).text();
    readerA = tokens.create("reader-a", Set.of("team-a"), Role.READER, Optional.empty()).text();
    server = TonariServer.open(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir.resolve("data")).withAuthEnabled(true)
        .withTenantsFiles(List.of(tenantsFile), Duration.ofSeconds(1)));
    http = new TenantHttp(server.baseUrl());
    now = System.currentTimeMillis() * 1_000_000L;
  }

  @AfterEach
  void stop() throws Exception {
    http.close();
    server.close();
  }

  @Test
  void concurrentPushersShareOneRateBucketAndUsageCountsExactlyWhatWasStored() throws Exception {
    int pushers = 4;
    int pushesEach = 10;
    String line = "x".repeat(1000);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<String> unexpected = new ArrayList<>();
    String expectedRefusal = IngestionRateLimiter.message("team-a", 104, 1, 1000);
    long started = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(pushers)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int p = 0; p < pushers; p++) {
        int pusher = p;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < pushesEach; i++) {
            // One stream per pusher keeps within max_global_streams_per_user only for two of them: use a shared stream.
            HttpResponse<String> response = http.push(Identity.bearer(agent),
                stream("{\"namespace\":\"ns-a\",\"app\":\"load\"}", now - SECOND * (pusher * pushesEach + i + 1), line));
            if (response.statusCode() == 204) {
              accepted.incrementAndGet();
            } else if (response.statusCode() == 429 && response.body().equals(expectedRefusal + "\n")) {
              refused.incrementAndGet();
            } else {
              synchronized (unexpected) {
                unexpected.add(response.statusCode() + " " + response.body());
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    }
    double elapsedSeconds = (System.nanoTime() - started) / 1e9;
    assertThat(unexpected).isEmpty();
    assertThat(accepted.get() + refused.get()).isEqualTo(pushers * pushesEach);
    // The bucket starts full (10485 bytes) and refills at 104 bytes/s, shared by all pushers.
    assertThat(accepted.get() * 1000.0).isLessThanOrEqualTo(10485 + 104 * elapsedSeconds);
    assertThat(accepted.get()).isGreaterThanOrEqualTo(10);
    assertThat(refused.get()).isPositive();

    JsonNode usage = JSON.readTree(http.get(Identity.bearer(admin), "/tonari/api/v1/usage?tenant=team-a").body());
    JsonNode total = usage.path("totals").get(0);
    assertThat(total.path("tenant").asText()).isEqualTo("team-a");
    assertThat(total.path("entries_ingested").asLong()).isEqualTo(accepted.get());
    assertThat(total.path("bytes_ingested").asLong()).isEqualTo(accepted.get() * 1000L);
    assertThat(total.path("entries_refused").asLong()).isEqualTo(refused.get());
    String csv = http.get(Identity.bearer(readerA), "/tonari/api/v1/usage?format=csv").body();
    assertThat(csv).startsWith("day,tenant,entries_ingested,").contains(",team-a," + accepted.get() + "," + accepted.get() * 1000L + ",");
    assertThat(http.get(Identity.bearer(readerA), "/tonari/api/v1/usage?tenant=team-b").statusCode()).isEqualTo(403);
    String metrics = http.get(Identity.none(), "/metrics").body();
    assertThat(metrics).contains("tonari_usage_entries_ingested{tenant=\"team-a\"} " + accepted.get() + ".0");
  }

  @Test
  void everyReadEndpointCountsAsOneQueryOfItsTenantOnly() throws Exception {
    assertThat(http.push(Identity.bearer(agent), stream("{\"namespace\":\"ns-a\",\"app\":\"api\"}", now - SECOND, "error a")).statusCode())
        .isEqualTo(204);
    assertThat(http.push(Identity.bearer(agent), stream("{\"namespace\":\"ns-b\",\"app\":\"api\"}", now - SECOND, "error b")).statusCode())
        .isEqualTo(204);
    String selector = encode("{app=\"api\"}");
    assertThat(http.get(Identity.bearer(readerA), "/loki/api/v1/labels").statusCode()).isEqualTo(200);
    assertThat(http.get(Identity.bearer(readerA), "/loki/api/v1/series?match[]=" + selector).statusCode()).isEqualTo(200);
    assertThat(http.get(Identity.bearer(readerA), "/loki/api/v1/index/stats?query=" + selector).statusCode()).isEqualTo(200);
    HttpResponse<String> logQuery = http.get(Identity.bearer(readerA), "/loki/api/v1/query_range?query=" + encode("{app=\"api\"} |= \"error\""));
    assertThat(logQuery.statusCode()).isEqualTo(200);
    assertThat(logQuery.body()).contains("error a").doesNotContain("error b");

    JsonNode usage = JSON.readTree(http.get(Identity.bearer(admin), "/tonari/api/v1/usage").body());
    long teamAQueries = -1;
    long teamBQueries = -1;
    long teamAScanned = -1;
    for (JsonNode total : usage.path("totals")) {
      switch (total.path("tenant").asText()) {
        case "team-a" -> {
          teamAQueries = total.path("queries").asLong();
          teamAScanned = total.path("bytes_scanned").asLong();
        }
        case "team-b" -> teamBQueries = total.path("queries").asLong();
        default -> {}
      }
    }
    assertThat(teamAQueries).as("labels, series, index stats and a log query of team-a").isEqualTo(4);
    assertThat(teamAScanned).as("the log query scanned team-a's line").isPositive();
    assertThat(teamBQueries).as("team-b pushed but never read").isZero();
  }

  @Test
  void activeStreamLimitRefusesTheThirdStreamWithLokisMessage() throws Exception {
    for (String app : List.of("one", "two")) {
      assertThat(http.push(Identity.bearer(agent), stream("{\"namespace\":\"ns-b\",\"app\":\"" + app + "\"}", now, "hello")).statusCode())
          .isEqualTo(204);
    }
    HttpResponse<String> third = http.push(Identity.bearer(agent), stream("{\"namespace\":\"ns-b\",\"app\":\"three\"}", now, "hello"));
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.body()).isEqualTo(StreamLimiter.message("team-b") + "\n");
    // A known stream is still admitted.
    assertThat(http.push(Identity.bearer(agent), stream("{\"namespace\":\"ns-b\",\"app\":\"one\"}", now + 1, "again")).statusCode())
        .isEqualTo(204);
  }

  @Test
  void routingSplitsOnePushIntoTenantsAndRefusesUnroutedValues() throws Exception {
    HttpResponse<String> routed = http.push(Identity.bearer(agent), stream("{\"namespace\":\"ns-a\",\"app\":\"r\"}", now, "for a") + ","
        + stream("{\"namespace\":\"ns-b\",\"app\":\"r\"}", now, "for b"));
    assertThat(routed.statusCode()).isEqualTo(204);
    String range = "&start=" + (now - 60 * SECOND) + "&end=" + (now + SECOND);
    String ofA = http.get(Identity.bearer(readerA), "/loki/api/v1/query_range?query=" + encode("{app=\"r\"}") + range).body();
    assertThat(ofA).contains("for a").doesNotContain("for b");

    HttpResponse<String> partly = http.push(Identity.bearer(agent), stream("{\"namespace\":\"ns-a\",\"app\":\"r\"}", now + 1, "kept") + ","
        + stream("{\"namespace\":\"ns-x\",\"app\":\"r\"}", now + 1, "lost"));
    assertThat(partly.statusCode()).isEqualTo(400);
    assertThat(partly.body()).isEqualTo(
        "1 entry refused: label namespace=\"ns-x\" is not routed to any tenant and routing has no default_tenant (unrouted streams are rejected)\n");
    assertThat(http.get(Identity.bearer(readerA), "/loki/api/v1/query_range?query=" + encode("{app=\"r\"}") + range).body()).contains("kept");
  }

  @Test
  void tokensCreatedOfflineArePickedUpAndTheAdminApiManagesAndAuditsTokens() throws Exception {
    String offline = tokens.create("made-offline", Set.of("team-a"), Role.READER, Optional.empty()).text();
    // The server re-reads tokens.json at most once a second; bounded wait.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> http.get(Identity.bearer(offline), "/loki/api/v1/labels").statusCode() == 200);

    HttpResponse<String> created = http.postJson(Identity.bearer(admin), "/tonari/api/v1/tokens",
        "{\"tenant\":\"team-a\",\"role\":\"tenant-admin\",\"name\":\"lead-a\",\"expires\":\"90d\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    String leadA = JSON.readTree(created.body()).path("token").asText();
    assertThat(leadA).startsWith("tnr_");

    // A tenant admin manages its own tenant's tokens, never another tenant's nor admin tokens.
    assertThat(http.postJson(Identity.bearer(leadA), "/tonari/api/v1/tokens", "{\"tenant\":\"team-a\",\"role\":\"writer\",\"name\":\"ci-a\"}")
        .statusCode()).isEqualTo(201);
    assertThat(http.postJson(Identity.bearer(leadA), "/tonari/api/v1/tokens", "{\"tenant\":\"team-b\",\"role\":\"writer\"}").statusCode())
        .isEqualTo(403);
    assertThat(http.postJson(Identity.bearer(leadA), "/tonari/api/v1/tokens", "{\"tenant\":\"*\",\"role\":\"admin\"}").statusCode())
        .isEqualTo(403);
    assertThat(http.postJson(Identity.bearer(readerA), "/tonari/api/v1/tokens", "{\"tenant\":\"team-a\",\"role\":\"reader\"}").statusCode())
        .isEqualTo(403);
    JsonNode listed = JSON.readTree(http.get(Identity.bearer(leadA), "/tonari/api/v1/tokens").body());
    List<String> names = new ArrayList<>();
    listed.path("tokens").forEach(token -> names.add(token.path("name").asText()));
    assertThat(names).contains("ci-a", "lead-a", "reader-a").doesNotContain("platform", "cluster-agent");
    assertThat(listed.toString()).doesNotContain("secret_sha256");

    assertThat(http.delete(Identity.bearer(leadA), "/tonari/api/v1/tokens/ci-a").statusCode()).isEqualTo(200);
    // Out of a tenant admin's reach: answered as not found, without the token's tenants.
    assertThat(http.delete(Identity.bearer(leadA), "/tonari/api/v1/tokens/platform")).satisfies(response -> {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.body()).doesNotContain("*");
    });
    assertThat(http.delete(Identity.bearer(admin), "/tonari/api/v1/tokens/no-such-token").statusCode()).isEqualTo(404);
    assertThat(http.delete(Identity.bearer(admin), "/tonari/api/v1/tokens/made-offline").statusCode()).isEqualTo(200);
    assertThat(http.get(Identity.bearer(offline), "/loki/api/v1/labels").statusCode()).isEqualTo(401);

    List<String> audit = Files.readAllLines(dataDir.resolve("data").resolve(AuditLog.FILE_NAME));
    assertThat(audit).anySatisfy(entry -> assertThat(entry).contains("\"action\":\"token.create\"").contains("lead-a").contains("\"outcome\":\"ok\""));
    assertThat(audit).anySatisfy(entry -> assertThat(entry).contains("\"action\":\"token.create\"").contains("refused 403"));
    assertThat(audit).anySatisfy(entry -> assertThat(entry).contains("\"action\":\"token.revoke\"").contains("ci-a"));
  }

  @Test
  void anInvalidTenantsEditIsRefusedAndShownOnMetricsWhileTheLastGoodConfigStays() throws Exception {
    Path tenantsFile = dataDir.resolve("tenants.yaml");
    Files.writeString(tenantsFile, TENANTS.replace("ingestion_rate_mb: 0.0001", "ingestion_rate_mb: fast"));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> http.get(Identity.none(), "/metrics").body().contains("tonari_tenants_config_last_reload_successful 0.0"));
    assertThat(http.get(Identity.none(), "/metrics").body()).contains("tonari_tenants_config_reload_failures_total 1.0");
    // Routing still applies: the last good config is in effect.
    assertThat(http.push(Identity.bearer(agent), stream("{\"namespace\":\"ns-q\"}", now, "x")).statusCode()).isEqualTo(400);
  }

  @Test
  void failedAttemptsFromOneAddressAreRateLimitedWithRetryAfter() throws Exception {
    try (TonariServer strict = TonariServer.open(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir.resolve("strict"))
            .withAuthEnabled(true).withFailedAttemptsPerMinute(3));
        TenantHttp client = new TenantHttp(strict.baseUrl())) {
      for (int i = 0; i < 3; i++) {
        assertThat(client.get(Identity.bearer("tnr_guess_" + i), "/loki/api/v1/labels").statusCode()).isEqualTo(401);
      }
      HttpResponse<String> blocked = client.get(Identity.bearer("tnr_guess_4"), "/loki/api/v1/labels");
      assertThat(blocked.statusCode()).isEqualTo(429);
      assertThat(blocked.headers().firstValue("Retry-After")).hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 20L));
      // Health stays open while the address is blocked.
      assertThat(client.get(Identity.none(), "/ready").statusCode()).isEqualTo(200);
    }
  }
}
