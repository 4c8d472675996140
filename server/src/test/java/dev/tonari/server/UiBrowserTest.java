package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.sso.OidcSettings;
import dev.tonari.tenancy.ChildProcesses;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.auth.TokenStore;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The built-in UI in a real headless Chromium against the real server: Explore shows lines and the
 * volume histogram, a shared link reopens the same view, a bad query shows the parser's position,
 * an SLO page shows its budget, an alert is acknowledged, and a person signs in through a real
 * OpenID Connect provider (mock-oauth2-server) and lands on their tenant's logs.
 */
class UiBrowserTest {
  private static final long SECOND = 1_000_000_000L;
  private static final String RULE_GROUP = """
      name: api-errors
      interval: 1s
      rules:
        - alert: ApiErrors
          expr: sum by (app) (count_over_time({app="api"} |= "status=500" [1m])) > 2
          for: 1s
          labels:
            severity: page
      """;

  @TempDir Path temp;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private void push(String base, String tenant, String token, int lines) throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    List<String> values = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      String level = i % 10 == 0 ? "error" : "info";
      int status = i % 10 == 0 ? 500 : 200;
      values.add("[\"" + (now - (lines - i) * SECOND) + "\",\"level=" + level + " status=" + status + " path=/checkout/" + i + " msg=\\\"request done\\\"\"]");
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/loki/api/v1/push")).header("Content-Type", "application/json")
        .header("X-Scope-OrgID", tenant).POST(HttpRequest.BodyPublishers.ofString("{\"streams\":[{\"stream\":{\"app\":\"api\",\"env\":\"prod\"},\"values\":["
            + String.join(",", values) + "]}]}"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(204);
  }

  private HttpResponse<String> post(String url, String tenant, String contentType, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("X-Scope-OrgID", tenant).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void exploreSharedLinksSlosAndAlertsWithAuthOff() throws Exception {
    ServerConfig config = ServerConfig.defaults().withListen("127.0.0.1:0").withDataDir(temp.resolve("data"));
    try (TonariServer server = TonariServer.open(config); HeadlessChromium chromium = HeadlessChromium.start()) {
      String base = server.baseUrl();
      push(base, "fake", null, 40);
      assertThat(post(base + "/tonari/api/v1/slos", "fake", "application/yaml", SloApiTest.SLOTH.formatted("99.0")).statusCode()).isBetween(200, 201);
      assertThat(post(base + "/loki/api/v1/rules/ui", "fake", "application/yaml", RULE_GROUP).statusCode()).isEqualTo(202);
      var driver = chromium.driver;

      // Explore: lines and the histogram.
      String query = "{app=\"api\"} |= \"status=500\"";
      driver.get(base + "/ui/explore?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&from=now-1h&to=now");
      chromium.waitFor(d -> d.findElements(By.cssSelector("#results .line")).size() == 4);
      assertThat(driver.findElements(By.cssSelector("#results .line"))).allSatisfy(line -> assertThat(line.getText()).contains("status=500"));
      assertThat(driver.findElement(By.cssSelector("#results .line")).getAttribute("class")).contains("lvl-error");
      chromium.waitFor(d -> !d.findElements(By.cssSelector("#histogram canvas")).isEmpty());
      assertThat(driver.findElement(By.id("status")).getText()).startsWith("4 lines");
      chromium.screenshot("explore");

      // Details on click: labels, parsed fields, context.
      driver.findElement(By.cssSelector("#results .line")).click();
      WebElement detail = chromium.waitFor(d -> d.findElement(By.id("detail")));
      assertThat(detail.getText()).contains("Stream labels", "app", "api", "Parsed fields", "status", "500");
      chromium.screenshot("explore-details");
      driver.findElement(By.id("show-context")).click();
      chromium.waitFor(d -> d.findElement(By.id("context")).getText().contains("> "));
      assertThat(driver.findElement(By.id("context")).getText()).contains("status=200", "status=500");

      // The URL holds the query: a colleague opening it sees the same lines.
      String shared = driver.getCurrentUrl();
      assertThat(shared).contains("query=").contains("from=now-1h");
      driver.get("about:blank");
      driver.get(shared);
      chromium.waitFor(d -> d.findElements(By.cssSelector("#results .line")).size() == 4);
      assertThat(driver.findElement(By.id("query")).getAttribute("value")).isEqualTo(query);

      // A syntax error is shown where the parser says it is.
      WebElement editor = driver.findElement(By.id("query"));
      editor.clear();
      editor.sendKeys("{app=\"api\"} |= ");
      editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
      chromium.waitFor(d -> d.findElement(By.id("query-error")).getText().contains("parse error"));
      assertThat(driver.findElement(By.id("query-error")).getText()).contains("^");

      // Completion offers label names from the API.
      editor.clear();
      editor.sendKeys("{e");
      chromium.waitFor(d -> d.findElements(By.cssSelector("#completions li")).stream().anyMatch(li -> li.getText().equals("env")));

      // SLOs: the list and the page of one with its budget.
      driver.get(base + "/ui/slos");
      chromium.waitFor(d -> !d.findElements(By.cssSelector("#slo-table tbody tr")).isEmpty());
      assertThat(driver.findElement(By.cssSelector("#slo-table tbody tr")).getText()).contains("availability", "api", "99%");
      chromium.screenshot("slos");
      driver.findElement(By.cssSelector("#slo-table tbody tr a")).click();
      chromium.waitFor(d -> !d.findElements(By.cssSelector(".budget-left")).isEmpty());
      assertThat(driver.findElement(By.cssSelector(".tiles")).getText()).contains("Objective", "99", "Error budget left");
      assertThat(driver.findElement(By.id("slo-alerts")).getText()).contains("page-1h", "14.4x", "ticket-3d");
      chromium.waitFor(d -> !d.findElements(By.cssSelector("#slo-patterns table, #slo-patterns p")).isEmpty());
      // The budget over the window, as the SLO page draws it: spent by the 500s, once the SLO is evaluated.
      // The rollups of the newest minutes are written by the next evaluation round: wait for it (bounded).
      HttpResponse<String> budget = null;
      com.fasterxml.jackson.databind.JsonNode points = null;
      double lastRemaining = Double.NaN;
      long patience = System.nanoTime() + Duration.ofSeconds(45).toNanos();
      while (Double.isNaN(lastRemaining) && System.nanoTime() < patience) {
        budget = http.send(HttpRequest.newBuilder(URI.create(base + "/tonari/api/v1/slos/api-availability/budget?window=1d&step=1m")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(budget.statusCode()).as(budget.body()).isEqualTo(200);
        points = new com.fasterxml.jackson.databind.ObjectMapper().readTree(budget.body()).path("data").path("points");
        assertThat(points.size()).isBetween(1440, 1441);
        for (com.fasterxml.jackson.databind.JsonNode point : points) {
          if (!point.get(1).isNull()) {
            lastRemaining = point.get(1).asDouble();
          }
        }
        if (Double.isNaN(lastRemaining)) {
          Thread.sleep(500);
        }
      }
      assertThat(lastRemaining).as(budget.body()).isLessThan(0.0);
      // The page may have loaded before the first evaluation: open it again now that there is data.
      driver.navigate().refresh();
      chromium.waitFor(d -> !d.findElements(By.cssSelector("#slo-budget-graph canvas")).isEmpty());
      chromium.waitFor(d -> !d.findElements(By.cssSelector("#slo-pattern-table tbody tr")).isEmpty());
      assertThat(driver.findElement(By.id("slo-pattern-table")).getText()).contains("level=error status=<_>", "100.0%", "Explore");
      chromium.screenshot("slo");
      HttpResponse<String> badStep = http.send(HttpRequest.newBuilder(URI.create(base + "/tonari/api/v1/slos/api-availability/budget?step=1s&window=400d"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(badStep.statusCode()).isEqualTo(400);
      assertThat(badStep.body()).contains("raise the step");

      chromium.screenshot("slo");

      // Alerts: the rule fires over the pushed 500s; acknowledge its episode.
      driver.get(base + "/ui/alerts");
      WebElement ack = chromium.waitFor(d -> {
        try {
          d.navigate().refresh();
        } catch (org.openqa.selenium.WebDriverException e) {
          // A refresh that overlaps the page's own loading is aborted; the next round tries again.
          return null;
        }
        List<WebElement> buttons = new HeadlessWait(d).within(Duration.ofSeconds(3), By.cssSelector("#episode-table button.ack"));
        return buttons.isEmpty() ? null : buttons.get(0);
      });
      ack.click();
      chromium.waitFor(d -> { try { d.switchTo().alert().sendKeys("looking at it"); d.switchTo().alert().accept(); return true; } catch (org.openqa.selenium.NoAlertPresentException e) { return null; } });
      chromium.waitFor(d -> d.findElement(By.id("episode-table")).getText().contains("looking at it") ? true : null);
      assertThat(driver.findElement(By.id("episode-table")).getText()).contains("ApiErrors", "page");
      chromium.screenshot("alerts");
      driver.get(base + "/ui/usage");
      chromium.waitFor(d -> !d.findElements(By.cssSelector("#usage-table tbody tr")).isEmpty());
      assertThat(driver.findElement(By.id("usage-table")).getText()).contains("fake");
      chromium.screenshot("usage");
      driver.get(base + "/ui/admin");
      chromium.waitFor(d -> !d.findElements(By.cssSelector("#tenant-table tbody tr")).isEmpty());
      assertThat(driver.findElement(By.id("tenant-table")).getText()).contains("fake", "744h");
      chromium.screenshot("admin");
    }
  }

  @Test
  void aPersonSignsInThroughTheProviderAndLandsOnTheirTenantsLogs() throws Exception {
    MockOAuth2Server provider = new MockOAuth2Server();
    provider.start(InetAddress.getLoopbackAddress(), 0);
    try {
      Path tenants = temp.resolve("tenants.yaml");
      Files.writeString(tenants, "tenants: {payments: }\nsso: {groups: {team-payments: {payments: reader}}}\n");
      TokenStore tokens = TokenStore.open(temp.resolve("data"), Clock.systemUTC());
      String writer = tokens.create("writer", Set.of("payments"), Role.WRITER, Optional.empty()).text();
      int port = ChildProcesses.freeLoopbackPort();
      String base = "http://127.0.0.1:" + port;
      OidcSettings oidc = OidcSettings.of(URI.create(provider.issuerUrl("corp").toString()), "tonari", "secret", URI.create(base));
      ServerConfig config = ServerConfig.defaults().withListen("127.0.0.1:" + port).withDataDir(temp.resolve("data")).withAuthEnabled(true)
          .withTenantsFiles(List.of(tenants), Duration.ofSeconds(30)).withOidc(Optional.of(oidc));
      try (TonariServer server = TonariServer.open(config); HeadlessChromium chromium = HeadlessChromium.start()) {
        push(base, "payments", writer, 12);
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("corp", "carol", "JWT", List.of("tonari"), Map.of("name", "Carol", "groups", List.of("team-payments")), 3600));
        var driver = chromium.driver;
        driver.get(base + "/ui/explore?query=" + URLEncoder.encode("{app=\"api\"}", StandardCharsets.UTF_8));
        WebElement signIn = chromium.waitFor(d -> d.findElement(By.linkText("Sign in with your company account")));
        chromium.screenshot("sign-in");
        signIn.click();
        // The mock provider signs in without a form and sends the browser back.
        chromium.waitFor(d -> d.findElements(By.cssSelector("#results .line")).size() == 12);
        assertThat(driver.getCurrentUrl()).startsWith(base + "/ui/explore");
        assertThat(driver.findElement(By.id("user")).getText()).isEqualTo("Carol");
        assertThat(driver.findElement(By.id("tenant")).getText()).contains("payments (reader)");
        assertThat(driver.findElement(By.id("logout")).isDisplayed()).isTrue();
        // The session cannot reach another tenant through the UI's API calls.
        Object status = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
            + "fetch('/loki/api/v1/labels', {headers: {'X-Scope-OrgID': 'search'}}).then(r => done(r.status));");
        assertThat(((Number) status).intValue()).isEqualTo(403);
        driver.findElement(By.cssSelector("#logout button")).click();
        chromium.waitFor(d -> d.getCurrentUrl().startsWith(base + "/ui/") || d.getCurrentUrl().contains("endsession") ? true : null);
        driver.get(base + "/ui/explore");
        chromium.waitFor(d -> d.findElement(By.id("login-title")));
      }
    } finally {
      provider.shutdown();
    }
  }

  /** Finds elements for a while without failing: for pages that fill in as data arrives. */
  private record HeadlessWait(org.openqa.selenium.WebDriver driver) {
    List<WebElement> within(Duration patience, By selector) {
      long end = System.nanoTime() + patience.toNanos();
      List<WebElement> found = driver.findElements(selector);
      while (found.isEmpty() && System.nanoTime() < end) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return found;
        }
        found = driver.findElements(selector);
      }
      return found;
    }
  }
}
