package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.cluster.testing.KafkaServer;
import dev.tonari.cluster.testing.PostgresServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three processes of a cluster in this JVM, each a {@link TonariServer} on port 0 with its role
 * (distributor, ingester, querier), over one real Kafka (a KRaft child JVM), one real PostgreSQL
 * (Debian's, run as a non-root user) and one shared parts directory. Lines pushed with Loki's JSON
 * API to the distributor are read back exactly once through the querier's {@code query_range};
 * with Kafka stopped the distributor answers 503 with {@code Retry-After} and, once Kafka is back,
 * takes the same push again without losing or doubling a line; with PostgreSQL stopped the querier
 * answers 503 with {@code Retry-After} while pushes still succeed, and recovers by itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterRolesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "0123456789abcdef0123456789abcdef";
  /** Every wait of this test: far beyond what the steps take, so only a real failure reaches it. */
  private static final Duration PATIENCE = Duration.ofSeconds(180);

  @TempDir static Path directory;

  private static KafkaServer kafka;
  private static PostgresServer postgres;
  private static TonariServer ingester;
  private static TonariServer distributor;
  private static TonariServer querier;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Every line a push acknowledged (204), with how often it was acknowledged (a retried push counts once). */
  private static final Map<String, Long> acknowledged = new TreeMap<>();
  private static final long baseNanos = System.currentTimeMillis() * 1_000_000L;
  private static long nextLine;
  private static String databaseUrl;
  private static String databaseUser;
  private static Path passwordFile;

  @BeforeAll
  static void startCluster() throws Exception {
    assumeTrue(KafkaServer.available(), "skipped: Kafka not installed (kafka_2.13 not on the test classpath)");
    postgres = PostgresServer.start("ClusterRolesTest");
    kafka = KafkaServer.launch();
    PostgresServer.Database database = postgres.createDatabase();
    databaseUrl = database.jdbcUrl();
    databaseUser = database.user();
    passwordFile = directory.resolve("postgres-password");
    Files.writeString(passwordFile, database.password() + "\n");
    ingester = start("ingester");
    distributor = start("distributor");
    querier = start("querier");
  }

  private static TonariServer start(String role) throws Exception {
    return start(role, 1, "");
  }

  /** Process {@code number} of the role (its node id {@code <role>-<number>}), with {@code extraYaml} appended (top-level sections). */
  private static TonariServer start(String role, int number, String extraYaml) throws Exception {
    String yaml = """
        server:
          listen: 127.0.0.1:0
        storage:
          data_dir: %s
        cluster:
          node_id: %s-%d
          internal_token: %s
          heartbeat_ttl: 3s
          parts_directory: %s
          kafka:
            bootstrap_servers: [%s]
            topic: cluster-roles-test
            partitions: 4
            replication_factor: 1
            producer_max_block: 2s
            delivery_timeout: 4s
            request_timeout: 2s
            session_timeout: 3s
          postgres:
            jdbc_url: %s
            user: %s
            password_file: %s
            connect_timeout: 2s
          ingester:
            flush_size: 8KiB
            flush_age: 2s
          querier:
            ingester_call_timeout: 5s
        %s
        """.formatted(directory.resolve(role + "-" + number), role, number, TOKEN, directory.resolve("parts"), kafka.bootstrapServers(), databaseUrl, databaseUser,
        passwordFile, extraYaml);
    ServerConfig config = ServerConfig.parse(yaml, role + ".yaml").withRole(ClusterSettings.Role.parse(role));
    return TonariServer.open(config);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    List<Exception> failures = new ArrayList<>();
    for (AutoCloseable resource : new AutoCloseable[] {querier, distributor, ingester, kafka, postgres}) {
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception e) {
          failures.add(e);
        }
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  @Test
  @Order(1)
  void linesPushedToTheDistributorAreReadBackExactlyOnceThroughTheQuerier() throws Exception {
    for (int push = 0; push < 12; push++) {
      String body = pushBody(50, push % 3);
      HttpResponse<String> response = post(distributor, "/loki/api/v1/push", body);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
      acknowledge(body);
    }
    assertEveryAcknowledgedLineReadBackOnce();
    assertThat(querier.role()).contains(ClusterSettings.Role.QUERIER);
  }

  @Test
  @Order(2)
  void otherPushFormatsAndLokisValidationGoThroughTheDistributorAsOnOneNode() throws Exception {
    // Validation is the single node's: an entry too old is refused with Loki's 400 and its message, and never reaches Kafka.
    String tooOld = "{\"streams\":[{\"stream\":{\"job\":\"app\",\"pod\":\"old\"},\"values\":[[\"1000\",\"from 1970\"]]}]}";
    HttpResponse<String> refused = post(distributor, "/loki/api/v1/push", tooOld);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("timestamp too old");
    String otlp = """
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
          "scopeLogs":[{"logRecords":[{"timeUnixNano":"%d","body":{"stringValue":"paid through otlp"}}]}]}]}""".formatted(baseNanos);
    HttpResponse<String> accepted = post(distributor, "/otlp/v1/logs", otlp);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(204);
    HttpResponse<String> read = retryUntil(() -> get(querier, "/loki/api/v1/query_range?query=" + encode("{service_name=\"checkout\"}") + "&start="
        + (baseNanos - 1_000_000_000L) + "&end=" + (baseNanos + 3_600_000_000_000L)), response -> response.statusCode() == 200 && !lines(response).isEmpty());
    assertThat(lines(read)).containsExactly("paid through otlp");
    // The ingester flushed parts by now (flush_age 2s): the reads above merged parts and heads.
    HttpResponse<String> metrics = retryUntil(() -> get(ingester, "/metrics"), response -> metricValue(response.body(), "tonari_cluster_flushes") > 0);
    assertThat(metricValue(metrics.body(), "tonari_cluster_flushes")).isPositive();
  }

  @Test
  @Order(3)
  void aRouteOfAnotherRoleAnswers404NamingTheRoleThatServesIt() throws Exception {
    HttpResponse<String> query = get(distributor, "/loki/api/v1/query_range?query=" + encode("{job=\"app\"}"));
    assertThat(query.statusCode()).isEqualTo(404);
    assertThat(query.body()).contains("served by the querier role").contains("this process is a distributor");
    HttpResponse<String> push = post(querier, "/loki/api/v1/push", pushBody(1, 0));
    assertThat(push.statusCode()).isEqualTo(404);
    assertThat(push.body()).contains("served by the distributor role").contains("this process is a querier");
    HttpResponse<String> rules = get(ingester, "/prometheus/api/v1/rules");
    assertThat(rules.statusCode()).isEqualTo(404);
    assertThat(rules.body()).contains("served by the ruler role").contains("this process is a ingester");
    // Every process has /ready and /metrics; the internal head route only opens with the cluster's token.
    assertThat(get(querier, "/metrics").body()).contains("tonari_cluster_info");
    HttpResponse<String> internal = post(ingester, "/tonari/internal/v1/head/select", "x");
    assertThat(internal.statusCode()).isEqualTo(401);
  }

  @Test
  @Order(4)
  void withKafkaStoppedPushesGet503WithRetryAfterAndTheSamePushSucceedsOnceKafkaIsBack() throws Exception {
    kafka.stop();
    String body = pushBody(40, 1);
    HttpResponse<String> refused;
    long tookMillis;
    try {
      long started = System.nanoTime();
      refused = post(distributor, "/loki/api/v1/push", body);
      tookMillis = (System.nanoTime() - started) / 1_000_000;
    } finally {
      // Whatever the assertion says, Kafka comes back for the tests after this one.
      kafka.start();
    }
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds)).isPositive());
    assertThat(refused.body()).contains("Kafka");
    // producer_max_block 2 s + delivery_timeout 4 s, and the append's own slack of 1 s: never the client's patience.
    assertThat(tookMillis).isLessThan(15_000);
    // The agent retries the same push: accepted once Kafka is back, and stored once however often it was sent.
    HttpResponse<String> accepted = retryUntil(() -> post(distributor, "/loki/api/v1/push", body), response -> response.statusCode() == 204);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(204);
    acknowledge(body);
    assertEveryAcknowledgedLineReadBackOnce();
  }

  @Test
  @Order(5)
  void withPostgresStoppedTheQuerierAnswers503WithRetryAfterAndRecoversWithoutAnOperator() throws Exception {
    postgres.stop();
    try {
      HttpResponse<String> refused = queryRange();
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(refused.body()).containsIgnoringCase("catalog");
      // Pushes do not need the catalog: Kafka has them, the ingester registers them once PostgreSQL is back.
      String body = pushBody(30, 2);
      HttpResponse<String> push = post(distributor, "/loki/api/v1/push", body);
      assertThat(push.statusCode()).as(push.body()).isEqualTo(204);
      acknowledge(body);
    } finally {
      postgres.start();
    }
    assertEveryAcknowledgedLineReadBackOnce();
    HttpResponse<String> ready = retryUntil(() -> get(querier, "/ready"), response -> response.statusCode() == 200);
    assertThat(ready.body()).contains("catalog reachable");
  }

  @Test
  @Order(6)
  void twoRulersShareTheTenantsAndTheSurvivorTakesThemAllAndACompactorStartsBesideThem() throws Exception {
    Path rulesDir = directory.resolve("rules");
    List<String> tenants = List.of("team-a", "team-b", "team-c", "team-d", "team-e", "team-f");
    for (String tenant : tenants) {
      Files.createDirectories(rulesDir.resolve(tenant));
      Files.writeString(rulesDir.resolve(tenant).resolve("ns.yaml"), """
          groups:
            - name: lines
              interval: 1s
              rules:
                - alert: LinesArrive
                  expr: sum(count_over_time({job="app"} [5m])) > 0
          """);
    }
    String rulerYaml = "ruler:\n  rules_dir: " + rulesDir + "\n  evaluation_interval: 1s\n";
    TonariServer first = start("ruler", 1, rulerYaml);
    try (TonariServer second = start("ruler", 2, rulerYaml); TonariServer compactor = start("compactor")) {
      assertThat(first.ruler()).isPresent();
      assertThat(second.ruler()).isPresent();
      // Leases go to the fair share of each live ruler: three tenants each, none evaluated twice.
      retryUntil(() -> get(first, "/ready"), response -> evaluatedTenants(response).size() == 3);
      HttpResponse<String> secondReady = retryUntil(() -> get(second, "/ready"), response -> evaluatedTenants(response).size() == 3);
      List<String> ofFirst = evaluatedTenants(get(first, "/ready"));
      List<String> ofSecond = evaluatedTenants(secondReady);
      assertThat(ofFirst).doesNotContainAnyElementsOf(ofSecond);
      assertThat(new java.util.TreeSet<>(java.util.stream.Stream.concat(ofFirst.stream(), ofSecond.stream()).toList())).containsExactlyElementsOf(tenants);

      // A clean stop releases the leases: the survivor takes every tenant at its next round.
      first.close();
      HttpResponse<String> alone = retryUntil(() -> get(second, "/ready"), response -> evaluatedTenants(response).size() == tenants.size());
      assertThat(evaluatedTenants(alone)).containsExactlyElementsOf(tenants);

      assertThat(retryUntil(() -> get(compactor, "/ready"), response -> response.statusCode() == 200).body()).contains("compactor compactor-1");
      HttpResponse<String> push = post(compactor, "/loki/api/v1/push", pushBody(1, 0));
      assertThat(push.statusCode()).isEqualTo(404);
      assertThat(push.body()).contains("served by the distributor role").contains("this process is a compactor");
    } finally {
      first.close();
    }
  }

  /** The tenants a ruler's {@code /ready} says it evaluates ({@code evaluating tenants [a, b]}); empty when it names none. */
  private static List<String> evaluatedTenants(HttpResponse<String> ready) {
    if (ready.statusCode() != 200) {
      return List.of();
    }
    int start = ready.body().indexOf("evaluating tenants [");
    if (start < 0) {
      return List.of();
    }
    int from = start + "evaluating tenants [".length();
    return List.of(ready.body().substring(from, ready.body().indexOf(']', from)).split(", "));
  }

  // ---------------------------------------------------------------- helpers

  private static String pushBody(int lines, int stream) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode streams = root.putArray("streams");
    ObjectNode entry = streams.addObject();
    entry.putObject("stream").put("job", "app").put("pod", "pod-" + stream);
    ArrayNode values = entry.putArray("values");
    for (int i = 0; i < lines; i++) {
      long number = nextLine++;
      values.addArray().add(Long.toString(baseNanos + number * 1000)).add("line " + number + " of stream " + stream);
    }
    return root.toString();
  }

  private static void acknowledge(String body) throws IOException {
    for (JsonNode value : JSON.readTree(body).path("streams").path(0).path("values")) {
      acknowledged.merge(value.path(1).asText(), 1L, Long::sum);
    }
  }

  /** Waits (bounded) until the querier answers 200 with every acknowledged line, then checks none is there twice and nothing else is. */
  private static void assertEveryAcknowledgedLineReadBackOnce() throws Exception {
    HttpResponse<String> answer = retryUntil(ClusterRolesTest::queryRange, response -> response.statusCode() == 200 && lines(response).size() >= acknowledged.size());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    Map<String, Long> read = new TreeMap<>();
    for (String line : lines(answer)) {
      read.merge(line, 1L, Long::sum);
    }
    Map<String, Long> once = new TreeMap<>();
    acknowledged.keySet().forEach(line -> once.put(line, 1L));
    assertThat(read).isEqualTo(once);
  }

  /** The value of the first sample of the metric in Prometheus' text format, or -1 when it is not there. */
  private static double metricValue(String exposition, String name) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "_total ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  private static List<String> lines(HttpResponse<String> response) {
    List<String> lines = new ArrayList<>();
    try {
      for (JsonNode stream : JSON.readTree(response.body()).path("data").path("result")) {
        for (JsonNode value : stream.path("values")) {
          lines.add(value.path(1).asText());
        }
      }
    } catch (IOException e) {
      throw new AssertionError("not Loki JSON: " + response.body(), e);
    }
    return lines;
  }

  private static HttpResponse<String> queryRange() throws IOException, InterruptedException {
    return get(querier, "/loki/api/v1/query_range?query=" + encode("{job=\"app\"}") + "&start=" + (baseNanos - 1_000_000_000L) + "&end="
        + (baseNanos + 3_600_000_000_000L) + "&limit=5000&direction=forward");
  }

  @FunctionalInterface
  private interface Call {
    HttpResponse<String> call() throws IOException, InterruptedException;
  }

  /** Calls until the answer satisfies {@code done}, at most {@link #PATIENCE}; returns the last answer. */
  private static HttpResponse<String> retryUntil(Call call, Predicate<HttpResponse<String>> done) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = call.call();
        if (done.test(last)) {
          return last;
        }
      } catch (IOException e) {
        // The process is busy reconnecting: the next attempt says more.
      }
      Thread.sleep(250);
    }
    if (last == null) {
      throw new AssertionError("no answer within " + PATIENCE);
    }
    return last;
  }

  private static HttpResponse<String> post(TonariServer server, String path, String body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(TonariServer server, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(60)).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
