package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.rules.RulerSettings;
import dev.tonari.server.TenantHttp.Identity;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.tenancy.MutableClock;
import dev.tonari.tenancy.auth.AuditLog;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.auth.TokenStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loki's rules API over real HTTP, the real server on a loopback port: the requests lokitool's
 * and cortextool's {@code rules load}, {@code rules list}/{@code print} and {@code rules delete}
 * send (a YAML group posted to the namespace, reads, deletes), Grafana's JSON body, both path
 * prefixes, Loki's exact answers, refusals, roles and restarts.
 */
class RulesApiTest {
  private static final String A = "team-a";
  private static final String B = "team-b";

  /** The recording example of Loki's ruler docs. */
  static final String NGINX_GROUP = """
      name: NginxRules
      interval: 1m
      rules:
        - record: nginx:requests:rate1m
          expr: |
            sum(
              rate({container="nginx"}[1m])
            )
          labels:
            cluster: "us-central1"
      """;

  /** The first alerting group of Loki's ruler docs. */
  static final String SHOULD_FIRE_GROUP = """
      name: should_fire
      rules:
        - alert: HighPercentageError
          expr: |
            sum(rate({app="foo", env="production"} |= "error" [5m])) by (job)
              /
            sum(rate({app="foo", env="production"}[5m])) by (job)
              > 0.05
          for: 10m
          labels:
              severity: page
          annotations:
              summary: High request latency
      """;

  @TempDir Path directory;
  private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
  private final HttpClient client = HttpClient.newHttpClient();
  private TonariServer server;
  private TenantHttp http;
  private String tenantAdminA;
  private String readerA;
  private String writerA;
  private String readerB;

  private Path dataDir() {
    return directory.resolve("data");
  }

  private void start(boolean auth, RulerSettings ruler) throws Exception {
    if (auth && tenantAdminA == null) {
      TokenStore tokens = TokenStore.open(dataDir(), clock);
      tenantAdminA = tokens.create("admin-a", Set.of(A), Role.TENANT_ADMIN, Optional.empty()).text();
      readerA = tokens.create("reader-a", Set.of(A), Role.READER, Optional.empty()).text();
      writerA = tokens.create("writer-a", Set.of(A), Role.WRITER, Optional.empty()).text();
      readerB = tokens.create("reader-b", Set.of(B), Role.READER, Optional.empty()).text();
    }
    server = TonariServer.start(ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(dataDir()).withAuthEnabled(auth)
        .withFailedAttemptsPerMinute(100_000).withRuler(ruler), new InMemoryLogStore(), metrics -> {}, clock);
    http = new TenantHttp(server.baseUrl());
  }

  private void stopServer() throws Exception {
    http.close();
    server.close();
    server = null;
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      stopServer();
    }
    client.close();
  }

  private HttpResponse<String> post(Identity identity, String path, String contentType, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    identity.headers().forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Identity tenant(String tenant) {
    return Identity.none().withHeader(tenant);
  }

  @Test
  void lokitoolsLoadListAndDeleteFlow() throws Exception {
    start(false, RulerSettings.defaults());
    assertThat(http.get(tenant(A), "/loki/api/v1/rules")).satisfies(response -> {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.body()).isEqualTo("no rule groups found\n");
    });

    HttpResponse<String> created = post(tenant(A), "/loki/api/v1/rules/nginx", "application/yaml", NGINX_GROUP);
    assertThat(created.statusCode()).isEqualTo(202);
    assertThat(created.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(created.body()).isEqualTo("{\"status\":\"success\",\"data\":null,\"errorType\":\"\",\"error\":\"\"}");
    assertThat(post(tenant(A), "/loki/api/v1/rules/nginx", "application/yaml", SHOULD_FIRE_GROUP).statusCode()).isEqualTo(202);

    String group = """
        name: NginxRules
        interval: 1m
        rules:
          - record: nginx:requests:rate1m
            expr: |
              sum(
                rate({container="nginx"}[1m])
              )
            labels:
              cluster: us-central1
        """;
    HttpResponse<String> one = http.get(tenant(A), "/loki/api/v1/rules/nginx/NginxRules");
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/yaml"));
    assertThat(one.body()).isEqualTo(group);

    HttpResponse<String> namespace = http.get(tenant(A), "/loki/api/v1/rules/nginx");
    assertThat(namespace.statusCode()).isEqualTo(200);
    assertThat(namespace.body()).startsWith("nginx:\n  - name: NginxRules\n    interval: 1m\n").contains("  - name: should_fire\n");
    HttpResponse<String> all = http.get(tenant(A), "/loki/api/v1/rules");
    assertThat(all.body()).isEqualTo(namespace.body());
    assertThat(http.get(tenant(B), "/loki/api/v1/rules").statusCode()).as("another tenant sees nothing").isEqualTo(404);

    // Posting a group of the same name replaces it.
    assertThat(post(tenant(A), "/loki/api/v1/rules/nginx", "application/yaml", NGINX_GROUP.replace("interval: 1m", "interval: 5m")).statusCode())
        .isEqualTo(202);
    assertThat(http.get(tenant(A), "/loki/api/v1/rules/nginx/NginxRules").body()).contains("interval: 5m\n");
    assertThat(http.get(tenant(A), "/loki/api/v1/rules/nginx").body()).startsWith("nginx:\n  - name: NginxRules\n");

    HttpResponse<String> deleted = http.delete(tenant(A), "/loki/api/v1/rules/nginx/NginxRules");
    assertThat(deleted.statusCode()).isEqualTo(202);
    assertThat(deleted.body()).isEqualTo(RulesApiHandlers.ACCEPTED);
    assertThat(http.get(tenant(A), "/loki/api/v1/rules/nginx/NginxRules")).satisfies(response -> {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.body()).isEqualTo("group does not exist\n");
    });
    assertThat(http.delete(tenant(A), "/loki/api/v1/rules/nginx/NginxRules").statusCode()).isEqualTo(404);
    assertThat(http.delete(tenant(A), "/loki/api/v1/rules/nginx").statusCode()).isEqualTo(202);
    assertThat(http.get(tenant(A), "/loki/api/v1/rules/nginx")).satisfies(response -> {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.body()).isEqualTo("no rule groups found\n");
    });
    assertThat(http.delete(tenant(A), "/loki/api/v1/rules/nginx").body()).isEqualTo("group namespace does not exist\n");
  }

  @Test
  void theLegacyPrefixIsTheSameApi() throws Exception {
    start(false, RulerSettings.defaults());
    assertThat(post(tenant(A), "/api/prom/rules/legacy", "application/yaml", NGINX_GROUP).statusCode()).isEqualTo(202);
    assertThat(http.get(tenant(A), "/loki/api/v1/rules/legacy/NginxRules").statusCode()).isEqualTo(200);
    assertThat(http.get(tenant(A), "/api/prom/rules").body()).startsWith("legacy:\n");
    assertThat(http.delete(tenant(A), "/api/prom/rules/legacy").statusCode()).isEqualTo(202);
  }

  @Test
  void grafanasJsonBodyAndEscapedNamespaces() throws Exception {
    start(false, RulerSettings.defaults());
    String json = "{\"name\":\"grafana group\",\"interval\":\"1m\",\"rules\":[{\"alert\":\"TooManyErrors\","
        + "\"expr\":\"sum(count_over_time({app=\\\"api\\\"} |= \\\"error\\\" [5m])) > 10\",\"for\":\"5m\","
        + "\"labels\":{\"severity\":\"warning\"},\"annotations\":{\"summary\":\"{{ $labels.app }} logs {{ $value }} errors\"}}]}";
    assertThat(post(tenant(A), "/loki/api/v1/rules/team%2Fapp", "application/json", json).statusCode()).isEqualTo(202);
    HttpResponse<String> group = http.get(tenant(A), "/loki/api/v1/rules/team%2Fapp/grafana%20group");
    assertThat(group.statusCode()).isEqualTo(200);
    assertThat(group.body()).startsWith("name: grafana group\ninterval: 1m\nrules:\n  - alert: TooManyErrors\n").contains("    for: 5m\n");
    assertThat(http.get(tenant(A), "/loki/api/v1/rules").body()).startsWith("team/app:\n");
    assertThat(server.rules().namespace(A, "team/app")).isPresent();
  }

  @Test
  void invalidGroupsAreRefusedWithTheirPositions() throws Exception {
    start(false, RulerSettings.defaults());
    HttpResponse<String> badYaml = post(tenant(A), "/loki/api/v1/rules/n", "application/yaml", "name: [broken\n");
    assertThat(badYaml.statusCode()).isEqualTo(400);
    assertThat(badYaml.body()).startsWith("body:").contains("invalid YAML");
    HttpResponse<String> badExpr = post(tenant(A), "/loki/api/v1/rules/n", "application/yaml",
        "name: g\nrules:\n  - alert: A\n    expr: sum(rate({app=\"a\"}[5m])) >> 1\n");
    assertThat(badExpr.statusCode()).isEqualTo(400);
    assertThat(badExpr.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(badExpr.body()).isEqualTo("body:4:37: group 'g', rule 'A': expr is not a valid LogQL metric query: syntax error: unexpected >\n");
    HttpResponse<String> unknownKey = post(tenant(A), "/loki/api/v1/rules/n", "application/yaml", "name: g\nintrval: 1m\nrules: []\n");
    assertThat(unknownKey.body()).isEqualTo("body:2:1: unknown key 'intrval' in the rule group; did you mean 'interval'?\n");
    HttpResponse<String> tooLarge = post(tenant(A), "/loki/api/v1/rules/n", "application/yaml", "# " + "x".repeat(1 << 20) + "\n" + NGINX_GROUP);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("over the limit of 1048576 bytes");
    assertThat(http.get(tenant(A), "/loki/api/v1/rules").statusCode()).as("nothing was stored").isEqualTo(404);
  }

  @Test
  void fileNamespacesAndTheSloNamespaceAreNotTheApis() throws Exception {
    Path rulesDir = directory.resolve("rules");
    Files.createDirectories(rulesDir.resolve(A));
    Path file = Files.writeString(rulesDir.resolve(A).resolve("reviewed.yaml"), "groups:\n" + SHOULD_FIRE_GROUP.indent(2).replaceFirst("  name", "- name"));
    start(false, RulerSettings.defaults().withRulesDirectory(rulesDir));
    assertThat(http.get(tenant(A), "/loki/api/v1/rules/reviewed/should_fire").statusCode()).isEqualTo(200);
    HttpResponse<String> conflict = post(tenant(A), "/loki/api/v1/rules/reviewed", "application/yaml", NGINX_GROUP);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.body()).contains(file.toString());
    assertThat(http.delete(tenant(A), "/loki/api/v1/rules/reviewed").statusCode()).isEqualTo(409);
    HttpResponse<String> slo = post(tenant(A), "/loki/api/v1/rules/slo", "application/yaml", NGINX_GROUP);
    assertThat(slo.statusCode()).isEqualTo(409);
    assertThat(slo.body()).contains("generated from the tenant's SLOs");
  }

  @Test
  void writesCanBeSwitchedOff() throws Exception {
    start(false, RulerSettings.defaults().withApiEnabled(false));
    HttpResponse<String> refused = post(tenant(A), "/loki/api/v1/rules/n", "application/yaml", NGINX_GROUP);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("ruler.enable_api: false");
    assertThat(http.get(tenant(A), "/loki/api/v1/rules").statusCode()).isEqualTo(404);
  }

  @Test
  void rolesDecideWhoReadsAndWhoWritesAndWritesAreAudited() throws Exception {
    start(true, RulerSettings.defaults());
    Identity admin = Identity.bearer(tenantAdminA).withHeader(A);
    assertThat(post(Identity.bearer(readerA).withHeader(A), "/loki/api/v1/rules/n", "application/yaml", NGINX_GROUP).statusCode()).isEqualTo(403);
    assertThat(post(Identity.bearer(writerA).withHeader(A), "/loki/api/v1/rules/n", "application/yaml", NGINX_GROUP).statusCode()).isEqualTo(403);
    assertThat(post(Identity.none(), "/loki/api/v1/rules/n", "application/yaml", NGINX_GROUP).statusCode()).isEqualTo(401);
    assertThat(post(admin, "/loki/api/v1/rules/n", "application/yaml", NGINX_GROUP).statusCode()).isEqualTo(202);
    assertThat(http.get(Identity.bearer(readerA).withHeader(A), "/loki/api/v1/rules/n/NginxRules").statusCode()).isEqualTo(200);
    assertThat(http.get(Identity.basic(A, readerA), "/api/prom/rules").statusCode()).as("Grafana's Basic auth").isEqualTo(200);
    assertThat(http.get(Identity.bearer(writerA).withHeader(A), "/loki/api/v1/rules").statusCode()).isEqualTo(403);
    assertThat(http.get(Identity.bearer(readerB).withHeader(A), "/loki/api/v1/rules").statusCode()).isEqualTo(403);
    assertThat(http.get(Identity.bearer(readerB).withHeader(B), "/loki/api/v1/rules").statusCode()).isEqualTo(404);
    assertThat(http.delete(Identity.bearer(readerA).withHeader(A), "/loki/api/v1/rules/n").statusCode()).isEqualTo(403);
    assertThat(http.delete(admin, "/loki/api/v1/rules/n/NginxRules").statusCode()).isEqualTo(202);
    String audit = Files.readString(dataDir().resolve(AuditLog.FILE_NAME));
    assertThat(audit).contains("rules.set_group").contains("tenant team-a namespace n group NginxRules").contains("rules.delete_group")
        .contains("admin-a");
  }

  @Test
  void apiNamespacesSurviveARestart() throws Exception {
    start(false, RulerSettings.defaults());
    assertThat(post(tenant(A), "/loki/api/v1/rules/kept", "application/yaml", SHOULD_FIRE_GROUP).statusCode()).isEqualTo(202);
    String before = http.get(tenant(A), "/loki/api/v1/rules").body();
    stopServer();
    start(false, RulerSettings.defaults());
    HttpResponse<String> after = http.get(tenant(A), "/loki/api/v1/rules");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo(before);
  }

  @Test
  void theGateMapsTheRulesRoutes() {
    for (String path : new String[] {"/loki/api/v1/rules", "/loki/api/v1/rules/ns", "/loki/api/v1/rules/ns/g", "/api/prom/rules", "/api/prom/rules/ns"}) {
      assertThat(TenantGate.accessOf("GET", path)).isEqualTo(new TenantGate.Access.Tenants(dev.tonari.tenancy.auth.Action.RULES_READ));
      assertThat(TenantGate.accessOf("POST", path)).isEqualTo(new TenantGate.Access.Tenants(dev.tonari.tenancy.auth.Action.RULES_WRITE));
      assertThat(TenantGate.accessOf("DELETE", path)).isEqualTo(new TenantGate.Access.Tenants(dev.tonari.tenancy.auth.Action.RULES_WRITE));
    }
    assertThat(TenantGate.accessOf("GET", "/loki/api/v1/rulesx")).isEqualTo(new TenantGate.Access.Tenants(dev.tonari.tenancy.auth.Action.QUERY));
  }
}
