package dev.tonari.slo.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.rollup.MinuteSeries;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link PrometheusSliSource} sends and how it reads answers a real Prometheus cannot be made
 * to give (bearer tokens and {@code X-Scope-OrgID} are for Mimir, Cortex and Thanos; NaN points;
 * a proxy's HTML error; a server that never answers), against a small local HTTP server that
 * records each request and answers a canned body.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PrometheusSliSourceHttpTest {
  private static final String TENANT = "team-a";
  private static final long MINUTE = 28_000_000;
  private static final String ERRORS = "sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}]))";
  private static final String ALL = "sum(rate(http_requests_total[{{.window}}]))";

  private record Recorded(String path, Map<String, String> query, String authorization, String orgId) {}

  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  /** Starts the server answering every request with {@code status} and {@code body}; a null body never answers. */
  private URI serve(int status, String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> answer(exchange, status, body));
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/prometheus/");
  }

  private void answer(HttpExchange exchange, int status, String body) throws IOException {
    Map<String, String> query = new java.util.HashMap<>();
    for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
      int equals = pair.indexOf('=');
      query.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    requests.add(new Recorded(exchange.getRequestURI().getPath(), query, exchange.getRequestHeaders().getFirst("Authorization"),
        exchange.getRequestHeaders().getFirst("X-Scope-OrgID")));
    if (body == null) {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static PrometheusSliSource sourceFor(PrometheusEndpoint endpoint, Duration timeout) {
    return new PrometheusSliSource(tenant -> Optional.of(endpoint), (tenant, name) -> Optional.empty(), HttpClient.newHttpClient(), timeout);
  }

  private static String matrix(String values) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[" + values + "]}]}}";
  }

  @Test
  void sendsTheBearerTokenTheOrgIdAndTheRangeOfMinuteEnds() throws Exception {
    URI url = serve(200, matrix("[" + (MINUTE + 1) * 60 + ",\"0.5\"],[" + (MINUTE + 2) * 60 + ",\"1\"]"));
    PrometheusEndpoint endpoint = new PrometheusEndpoint(url, Optional.of("secret-token"), Optional.empty(), Optional.empty(), Optional.of("team-a-org"));

    MinuteSeries series = sourceFor(endpoint, Duration.ofSeconds(10)).evaluate(TENANT, Specs.promqlErrors(ERRORS, ALL), MINUTE, MINUTE + 3)
        .get(Map.of());

    assertThat(requests).hasSize(2).allSatisfy(request -> {
      assertThat(request.path()).isEqualTo("/prometheus/api/v1/query_range");
      assertThat(request.authorization()).isEqualTo("Bearer secret-token");
      assertThat(request.orgId()).isEqualTo("team-a-org");
      assertThat(request.query()).containsEntry("start", Long.toString((MINUTE + 1) * 60)).containsEntry("end", Long.toString((MINUTE + 3) * 60))
          .containsEntry("step", "60s");
    });
    assertThat(requests).extracting(request -> request.query().get("query"))
        .containsExactlyInAnyOrder("sum(rate(http_requests_total{code=~\"5..\"}[1m]))", "sum(rate(http_requests_total[1m]))");
    // Per second times 60: the same answer for both queries, so every minute is all bad.
    assertThat(series.total(MINUTE)).isEqualTo(30);
    assertThat(series.bad(MINUTE)).isEqualTo(30);
    assertThat(series.total(MINUTE + 1)).isEqualTo(60);
    assertThat(series.hasData(MINUTE + 2)).isFalse();
  }

  @Test
  void sendsBasicAuthWhenThereIsNoToken() throws Exception {
    URI url = serve(200, matrix(""));
    PrometheusEndpoint endpoint = new PrometheusEndpoint(url, Optional.empty(), Optional.of("alice"), Optional.of("s3cret"), Optional.empty());

    sourceFor(endpoint, Duration.ofSeconds(10)).evaluate(TENANT, Specs.promqlErrors(ERRORS, ALL), MINUTE, MINUTE + 1);

    assertThat(requests).extracting(Recorded::authorization).containsOnly("Basic YWxpY2U6czNjcmV0");
    assertThat(requests).extracting(Recorded::orgId).containsOnlyNulls();
  }

  @Test
  void notANumberAndInfinityAreNoData() throws Exception {
    URI url = serve(200, matrix("[" + (MINUTE + 1) * 60 + ",\"NaN\"],[" + (MINUTE + 2) * 60 + ",\"+Inf\"],[" + (MINUTE + 3) * 60 + ",\"2\"]"));

    MinuteSeries series = sourceFor(PrometheusEndpoint.of(url), Duration.ofSeconds(10))
        .evaluate(TENANT, Specs.promqlErrors(ERRORS, ALL), MINUTE, MINUTE + 3).get(Map.of());

    assertThat(series.hasData(MINUTE)).isFalse();
    assertThat(series.hasData(MINUTE + 1)).isFalse();
    assertThat(series.total(MINUTE + 2)).isEqualTo(120);
  }

  @Test
  void anErrorStatusInASuccessfulAnswerIsUnavailable() throws Exception {
    URI url = serve(200, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query processing would load too many samples into memory\"}");

    assertThatThrownBy(() -> sourceFor(PrometheusEndpoint.of(url), Duration.ofSeconds(10))
        .evaluate(TENANT, Specs.promqlErrors(ERRORS, ALL), MINUTE, MINUTE + 1))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("status error (execution): query processing would load too many samples into memory");
  }

  @Test
  void aProxysErrorPageIsQuotedAndTheTokenIsNot() throws Exception {
    URI url = serve(502, "<html><body>502 Bad Gateway</body></html>");
    PrometheusEndpoint endpoint = new PrometheusEndpoint(url, Optional.of("secret-token"), Optional.empty(), Optional.empty(), Optional.empty());

    assertThatThrownBy(() -> sourceFor(endpoint, Duration.ofSeconds(10)).evaluate(TENANT, Specs.promqlErrors(ERRORS, ALL), MINUTE, MINUTE + 1))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("HTTP 502: <html><body>502 Bad Gateway</body></html>")
        .hasMessageContaining(url.toString() + " (bearer token)")
        .hasMessageNotContaining("secret-token");
  }

  @Test
  void aPrometheusThatDoesNotAnswerTimesOut() throws Exception {
    URI url = serve(200, null);

    assertThatThrownBy(() -> sourceFor(PrometheusEndpoint.of(url), Duration.ofMillis(300))
        .evaluate(TENANT, Specs.promqlErrors(ERRORS, ALL), MINUTE, MINUTE + 1))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("no answer within PT0.3S");
    // A slow answer is not retried: the connection worked.
    assertThat(requests).hasSize(1);
  }

  @Test
  void aLogQlQueryIsNotSentToPrometheus() {
    PrometheusSliSource source = sourceFor(PrometheusEndpoint.of(URI.create("http://127.0.0.1:1")), Duration.ofSeconds(1));

    assertThatThrownBy(() -> source.evaluate(TENANT, Specs.logqlErrors("sum(count_over_time({a=\"b\"}[{{.window}}]))",
        "sum(count_over_time({a=\"b\"}[{{.window}}]))"), MINUTE, MINUTE + 1))
        .isInstanceOf(SliUnavailableException.class)
        .hasMessageContaining("a LOGQL query cannot be sent to Prometheus");
  }
}
