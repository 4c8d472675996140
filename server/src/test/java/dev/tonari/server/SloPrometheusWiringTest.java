package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tonari.slo.model.Alerting;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.source.PrometheusSliSource;
import dev.tonari.tenancy.config.PrometheusSettings;
import dev.tonari.tenancy.config.TenantConfig;
import dev.tonari.tenancy.config.TenantConfigLoader;
import dev.tonari.tenancy.config.TenantConfigWatcher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which Prometheus a tenant's PromQL SLIs are read from: its {@code prometheus} in the tenants
 * files, else the server's {@code slo.prometheus}. The requests go to a small local HTTP server
 * that records them and answers an empty matrix.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SloPrometheusWiringTest {
  private static final long MINUTE = 28_000_000;

  private record Recorded(String path, String authorization, String orgId) {}

  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private URI serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void answer(HttpExchange exchange) throws IOException {
    requests.add(new Recorded(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"),
        exchange.getRequestHeaders().getFirst("X-Scope-OrgID")));
    byte[] body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static SloSpec promqlSlo() {
    Indicator indicator = new Indicator.Ratio(SliQuery.promql("sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}]))", Optional.empty()),
        SliQuery.promql("sum(rate(http_requests_total[{{.window}}]))", Optional.empty()), false);
    return new SloSpec("api-requests", "api", "requests", "", Map.of(), indicator, 0.999, new TimeWindow.Rolling(Duration.ofDays(30)),
        BudgetingMethod.OCCURRENCES, Optional.empty(), List.of(), new Alerting("", Map.of(), Map.of(), List.of()), SloSpec.Origin.api());
  }

  private static TenantConfig parse(String yaml) {
    return ((TenantConfigLoader.LoadResult.Loaded) new TenantConfigLoader().parse(yaml, "tenants.yaml")).config();
  }

  @Test
  void theTenantsPrometheusComesBeforeTheServersAndMapsEveryField() {
    TenantConfig config = parse("""
        tenants:
          team-a:
            prometheus: {url: 'https://mimir.example/prometheus', username: reader, password: pw, org_id: team-a}
          team-b:
        """);
    PrometheusEndpoint serverDefault = PrometheusEndpoint.of(URI.create("http://server-default:9090"));
    Function<String, Optional<PrometheusEndpoint>> endpoints = SloWiring.defaultEndpoints(config::prometheusFor, Optional.of(serverDefault));

    assertThat(endpoints.apply("team-a")).contains(new PrometheusEndpoint(URI.create("https://mimir.example/prometheus"), Optional.empty(),
        Optional.of("reader"), Optional.of("pw"), Optional.of("team-a")));
    assertThat(endpoints.apply("team-b")).contains(serverDefault);
    assertThat(endpoints.apply("undeclared")).contains(serverDefault);
    assertThat(SloWiring.defaultEndpoints(config::prometheusFor, Optional.empty()).apply("team-b")).isEmpty();
    PrometheusSettings bearer = new PrometheusSettings(URI.create("http://p:9090"), Optional.of("tok"), Optional.empty(), Optional.empty(),
        Optional.empty());
    assertThat(SloWiring.endpoint(bearer)).isEqualTo(new PrometheusEndpoint(URI.create("http://p:9090"), Optional.of("tok"), Optional.empty(),
        Optional.empty(), Optional.empty()));
  }

  @Test
  void thePromqlSourceQueriesTheTenantsPrometheusAndFollowsAReload(@TempDir Path directory) throws Exception {
    URI base = serve();
    Path token = directory.resolve("mimir-token");
    Files.writeString(token, "tenant-token\n");
    Path tenants = directory.resolve("tenants.yaml");
    String file = """
        tenants:
          team-a:
            prometheus: {url: '%s/mimir/prometheus', bearer_token_file: mimir-token, org_id: %s}
        """;
    Files.writeString(tenants, file.formatted(base, "team-a"));
    PrometheusEndpoint serverDefault = new PrometheusEndpoint(URI.create(base + "/server-default"), Optional.of("server-token"), Optional.empty(),
        Optional.empty(), Optional.empty());
    try (TenantConfigWatcher watcher = TenantConfigWatcher.open(List.of(tenants), new TenantConfigLoader())) {
      PrometheusSliSource source = new PrometheusSliSource(
          SloWiring.defaultEndpoints(tenant -> watcher.current().prometheusFor(tenant), Optional.of(serverDefault)), (tenant, name) -> Optional.empty(),
          HttpClient.newHttpClient(), Duration.ofSeconds(10));

      source.evaluate("team-a", promqlSlo(), MINUTE, MINUTE + 2);
      assertThat(requests).hasSize(2).containsOnly(new Recorded("/mimir/prometheus/api/v1/query_range", "Bearer tenant-token", "team-a"));

      requests.clear();
      source.evaluate("team-b", promqlSlo(), MINUTE, MINUTE + 2);
      assertThat(requests).hasSize(2).containsOnly(new Recorded("/server-default/api/v1/query_range", "Bearer server-token", null));

      Files.writeString(tenants, file.formatted(base, "team-a-moved"));
      assertThat(watcher.checkNow()).isTrue();
      requests.clear();
      source.evaluate("team-a", promqlSlo(), MINUTE, MINUTE + 2);
      assertThat(requests).hasSize(2).containsOnly(new Recorded("/mimir/prometheus/api/v1/query_range", "Bearer tenant-token", "team-a-moved"));
    }
  }
}
