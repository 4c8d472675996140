package dev.tonari.server;

import dev.tonari.alerts.delivery.AlertmanagerProcess;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.alerts.delivery.RecordingServer;
import dev.tonari.cluster.testing.PostgresServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes of the {@code ruler} role in this JVM over one real PostgreSQL catalog (Debian's,
 * as a non-root user), with the same rule files for four tenants and each tenant's notifications
 * to a loopback webhook. The rulers split the tenants between them (each holds some, none holds a
 * tenant the other holds), every tenant's always-firing alert reaches its webhook once; when one
 * ruler stops, the other takes its tenants, restores their alerts as they were (same {@code
 * activeAt}, already sent) and evaluates them, and no tenant's webhook hears of the alert again.
 *
 * <p>No Kafka: a ruler's rules here read no logs ({@code vector(1)}), and the role never connects
 * to the push log; its config names one only because every role's config must.
 */
class ClusterRulerRoleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TENANTS = List.of("team-a", "team-b", "team-c", "team-d");
  /** Every wait of this test: far beyond what the steps take (a lease round is a second), so only a real failure reaches it. */
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String RULE_FILE = """
      groups:
        - name: paging
          interval: 1s
          rules:
            - alert: AlwaysFiring
              expr: vector(1)
              for: 1s
              labels:
                severity: page
      """;

  @TempDir Path directory;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void twoRulersSplitTheTenantsAndTheSurvivorTakesTheStoppedOnesTenantsWithoutPagingAgain() throws Exception {
    try (PostgresServer postgres = PostgresServer.start("ClusterRulerRoleTest"); RecordingServer webhook = new RecordingServer()) {
      PostgresServer.Database database = postgres.createDatabase();
      Path passwordFile = Files.writeString(directory.resolve("postgres-password"), database.password() + "\n");
      Path rules = directory.resolve("rules");
      Path notifications = Files.createDirectories(directory.resolve("notifications"));
      for (String tenant : TENANTS) {
        Files.writeString(Files.createDirectories(rules.resolve(tenant)).resolve("paging.yaml"), RULE_FILE);
        Files.writeString(notifications.resolve(tenant + ".yaml"), AlertmanagerProcess.webhookConfig(webhook.url("/hook/" + tenant), false));
      }
      TonariServer first = start("ruler-1", database, passwordFile, rules, notifications);
      TonariServer second = null;
      try {
        second = start("ruler-2", database, passwordFile, rules, notifications);
        TonariServer survivor = second;

        // Both rulers evaluate: every tenant held by exactly one of them, each holding some.
        awaitTrue(() -> {
          Set<String> ofFirst = heldTenants(first);
          Set<String> ofSecond = heldTenants(survivor);
          Set<String> all = new TreeSet<>(ofFirst);
          all.addAll(ofSecond);
          return !ofFirst.isEmpty() && !ofSecond.isEmpty() && all.equals(Set.copyOf(TENANTS))
              && ofFirst.size() + ofSecond.size() == TENANTS.size();
        }, () -> "the rulers did not split the tenants: ruler-1 " + heldTenants(first) + ", ruler-2 " + heldTenants(survivor));
        awaitTrue(() -> TENANTS.stream().allMatch(tenant -> firingNotifications(webhook, tenant) >= 1),
            () -> "not every tenant's firing alert reached its webhook: " + webhook.requests());
        Set<String> moving = heldTenants(first);
        Map<String, String> activeAtBefore = new TreeMap<>();
        for (String tenant : moving) {
          activeAtBefore.put(tenant, firingAlert(first, tenant).path("activeAt").asText());
        }

        Instant stopped = Instant.now();
        first.close();
        awaitTrue(() -> heldTenants(survivor).equals(Set.copyOf(TENANTS)),
            () -> "ruler-2 did not take ruler-1's tenants " + moving + "; it holds " + heldTenants(survivor));
        for (String tenant : moving) {
          // Evaluated by the survivor since the hand-over, several times: a lost state would have had it pending, firing and sent again by now.
          awaitTrue(() -> lastEvaluation(survivor, tenant).isAfter(stopped.plusSeconds(3)),
              () -> "ruler-2 did not evaluate tenant " + tenant + " after taking it over; last evaluation " + lastEvaluation(survivor, tenant));
          JsonNode alert = firingAlert(survivor, tenant);
          assertThat(alert.path("state").asText()).as("tenant %s on ruler-2", tenant).isEqualTo("firing");
          assertThat(alert.path("activeAt").asText()).as("tenant %s's alert restored from the catalog", tenant).isEqualTo(activeAtBefore.get(tenant));
        }
        for (String tenant : TENANTS) {
          assertThat(firingNotifications(webhook, tenant)).as("firing notifications of tenant %s: %s", tenant, webhook.requests()).isEqualTo(1);
        }
      } finally {
        first.close();
        if (second != null) {
          second.close();
        }
      }
    }
  }

  private static TonariServer start(String nodeId, PostgresServer.Database database, Path passwordFile, Path rules, Path notifications)
      throws Exception {
    String yaml = """
        server:
          listen: 127.0.0.1:0
        storage:
          data_dir: %s
        ruler:
          rules_dir: %s
          poll_interval: 1s
          notifications_dir: %s
          resend_delay: 1h
        cluster:
          node_id: %s
          internal_token: 0123456789abcdef0123456789abcdef
          heartbeat_ttl: 3s
          parts_directory: %s
          kafka:
            bootstrap_servers: [127.0.0.1:9]
            topic: never-used-by-a-ruler
            partitions: 1
          postgres:
            jdbc_url: %s
            user: %s
            password_file: %s
            connect_timeout: 2s
        """.formatted(passwordFile.getParent().resolve(nodeId), rules, notifications, nodeId, passwordFile.getParent().resolve("parts"),
        database.jdbcUrl(), database.user(), passwordFile);
    return TonariServer.open(ServerConfig.parse(yaml, nodeId + ".yaml").withRole(ClusterSettings.Role.RULER));
  }

  /** The tenants the ruler says on {@code /ready} it evaluates ({@code evaluating tenants [a, b]}); empty when it names none. */
  private Set<String> heldTenants(TonariServer ruler) {
    String body;
    try {
      HttpResponse<String> ready = get(ruler, null, "/ready");
      if (ready.statusCode() != 200) {
        return Set.of();
      }
      body = ready.body();
    } catch (IOException e) {
      return Set.of();
    }
    String marker = "evaluating tenants [";
    int start = body.indexOf(marker);
    if (start < 0) {
      return Set.of();
    }
    int from = start + marker.length();
    return new TreeSet<>(List.of(body.substring(from, body.indexOf(']', from)).split(", ")));
  }

  private static long firingNotifications(RecordingServer webhook, String tenant) {
    return webhook.requests().stream().filter(request -> request.path().equals("/hook/" + tenant)).filter(request -> {
      try {
        return JSON.readTree(request.body()).path("status").asText().equals("firing");
      } catch (IOException e) {
        throw new AssertionError("the webhook of tenant " + tenant + " got a body that is not JSON: " + request.body(), e);
      }
    }).count();
  }

  /** The tenant's one group as the ruler's Prometheus rules API shows it. */
  private JsonNode group(TonariServer ruler, String tenant) throws IOException {
    HttpResponse<String> response = get(ruler, tenant, "/prometheus/api/v1/rules?type=alert");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("data").path("groups").path(0);
  }

  private JsonNode firingAlert(TonariServer ruler, String tenant) throws IOException {
    JsonNode alert = group(ruler, tenant).path("rules").path(0).path("alerts").path(0);
    assertThat(alert.isMissingNode()).as("tenant %s has an alert on %s", tenant, ruler.baseUrl()).isFalse();
    return alert;
  }

  private Instant lastEvaluation(TonariServer ruler, String tenant) {
    try {
      String text = group(ruler, tenant).path("lastEvaluation").asText("");
      return text.isEmpty() || text.startsWith("0001") ? Instant.EPOCH : Instant.parse(text);
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }

  private HttpResponse<String> get(TonariServer server, String tenant, String path) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(30)).GET();
    if (tenant != null) {
      request.header("X-Scope-OrgID", tenant);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted calling " + path, e);
    }
  }

  @FunctionalInterface
  private interface Message {
    String describe();
  }

  /** Polls {@code condition} every 100 ms, at most {@link #PATIENCE}; fails with the message of the last state. */
  private static void awaitTrue(BooleanSupplier condition, Message otherwise) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(otherwise.describe() + " within " + PATIENCE);
  }
}
