package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.sso.OidcSettings;
import dev.tonari.tenancy.ChildProcesses;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person signs in to the real server through a real OpenID Connect provider (mock-oauth2-server)
 * and uses the API with the session cookie: their groups decide the tenants and roles, state
 * changes need the CSRF token, another tenant's data is refused, and signing out ends it all.
 */
class SsoEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ISSUER_ID = "corp";
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dataDir;
  private MockOAuth2Server provider;
  private TonariServer server;
  private String base;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    provider = new MockOAuth2Server();
    provider.start(InetAddress.getLoopbackAddress(), 0);
    Path tenants = dataDir.resolve("tenants.yaml");
    Files.writeString(tenants, """
        tenants: {payments: , search: }
        sso:
          groups:
            team-payments-admins: {payments: tenant-admin}
            team-search: {search: reader}
        """);
    int port = ChildProcesses.freeLoopbackPort();
    base = "http://127.0.0.1:" + port;
    OidcSettings oidc = OidcSettings.of(URI.create(provider.issuerUrl(ISSUER_ID).toString()), "tonari", "secret", URI.create(base));
    server = TonariServer.open(ServerConfig.defaults().withListen("127.0.0.1:" + port).withDataDir(dataDir.resolve("data")).withAuthEnabled(true)
        .withTenantsFiles(List.of(tenants), Duration.ofSeconds(30)).withOidc(Optional.of(oidc)));
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (provider != null) {
      provider.shutdown();
    }
  }

  /** Signs in as a person with these groups, as a browser would; returns the session cookie. */
  private String signIn(String subject, List<String> groups) throws Exception {
    provider.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of("tonari"), Map.of("name", subject, "groups", groups), 3600));
    HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(base + "/ui/login?return_to=" + URLEncoder.encode("/ui/explore?x=1", StandardCharsets.UTF_8))));
    assertThat(login.statusCode()).isEqualTo(302);
    String loginCookie = cookie(login, SsoHandlers.LOGIN_COOKIE);
    assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(header -> assertThat(header).contains("HttpOnly", "SameSite=Lax", "Path=/ui/callback"));
    HttpResponse<String> atProvider = send(HttpRequest.newBuilder(URI.create(login.headers().firstValue("Location").orElseThrow())));
    assertThat(atProvider.statusCode()).isEqualTo(302);
    String callback = atProvider.headers().firstValue("Location").orElseThrow();
    assertThat(callback).startsWith(base + "/ui/callback?");
    HttpResponse<String> back = send(HttpRequest.newBuilder(URI.create(callback)).header("Cookie", SsoHandlers.LOGIN_COOKIE + "=" + loginCookie));
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    assertThat(back.headers().firstValue("Location")).contains("/ui/explore?x=1");
    assertThat(back.headers().allValues("Set-Cookie")).anySatisfy(header -> assertThat(header).startsWith(SsoHandlers.SESSION_COOKIE + "=")
        .contains("HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"));
    return cookie(back, SsoHandlers.SESSION_COOKIE);
  }

  private static String cookie(HttpResponse<?> response, String name) {
    for (String header : response.headers().allValues("Set-Cookie")) {
      if (header.startsWith(name + "=")) {
        return header.substring(name.length() + 1, header.indexOf(';'));
      }
    }
    throw new AssertionError("no " + name + " cookie in " + response.headers().allValues("Set-Cookie"));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String session, String tenant) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", SsoHandlers.SESSION_COOKIE + "=" + session);
    if (tenant != null) {
      request.header("X-Scope-OrgID", tenant);
    }
    return send(request);
  }

  private HttpResponse<String> push(String session, String tenant, String csrf, String line) throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    String body = "{\"streams\":[{\"stream\":{\"app\":\"shop\"},\"values\":[[\"" + (now - SECOND) + "\",\"" + line + "\"]]}]}";
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/loki/api/v1/push")).header("Content-Type", "application/json")
        .header("Cookie", SsoHandlers.SESSION_COOKIE + "=" + session).header("X-Scope-OrgID", tenant).POST(HttpRequest.BodyPublishers.ofString(body));
    if (csrf != null) {
      request.header(SsoHandlers.CSRF_HEADER, csrf);
    }
    return send(request);
  }

  @Test
  void aPersonSignsInAndUsesTheApiWithTheRightsOfTheirGroups() throws Exception {
    assertThat(send(HttpRequest.newBuilder(URI.create(base + "/tonari/api/v1/session"))).statusCode()).isEqualTo(401);
    String session = signIn("alice", List.of("team-payments-admins", "team-search"));

    JsonNode me = JSON.readTree(get("/tonari/api/v1/session", session, null).body());
    assertThat(me.get("method").asText()).isEqualTo("sso");
    assertThat(me.get("name").asText()).isEqualTo("alice");
    assertThat(me.get("tenants").toString()).isEqualTo("[{\"tenant\":\"payments\",\"role\":\"tenant-admin\"},{\"tenant\":\"search\",\"role\":\"reader\"}]");
    String csrf = me.get("csrf_token").asText();
    assertThat(csrf).hasSizeGreaterThan(30);

    // State changes ride on the cookie only with the CSRF token.
    HttpResponse<String> forged = push(session, "payments", null, "forged line");
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("CSRF token", SsoHandlers.CSRF_HEADER);
    assertThat(push(session, "payments", "wrong-token", "forged line").statusCode()).isEqualTo(403);
    assertThat(push(session, "payments", csrf, "order paid").statusCode()).isEqualTo(204);
    // A reader of search may not push there, whatever the token.
    assertThat(push(session, "search", csrf, "not allowed").statusCode()).isEqualTo(403);

    String query = "/loki/api/v1/query_range?query=" + URLEncoder.encode("{app=\"shop\"}", StandardCharsets.UTF_8) + "&since=1h";
    HttpResponse<String> mine = get(query, session, "payments");
    assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
    assertThat(mine.body()).contains("order paid").doesNotContain("forged");
    HttpResponse<String> other = get(query, session, "billing");
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.body()).contains("not granted tenant 'billing'");
    // Naming a held tenant beside a foreign one is refused as a whole.
    assertThat(get(query, session, "payments|billing").statusCode()).isEqualTo(403);

    HttpResponse<String> logout = send(HttpRequest.newBuilder(URI.create(base + "/ui/logout")).header("Cookie", SsoHandlers.SESSION_COOKIE + "=" + session)
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("csrf_token=" + csrf)));
    assertThat(logout.statusCode()).isEqualTo(303);
    assertThat(logout.headers().firstValue("Location").orElseThrow()).startsWith(provider.endSessionEndpointUrl(ISSUER_ID).toString());
    HttpResponse<String> after = get(query, session, "payments");
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(after.body()).contains("sign in again at /ui/login");
  }

  @Test
  void aPersonWhoseGroupsGrantNothingIsRefusedWithTheReason() throws Exception {
    String session = signIn("bob", List.of("contractors"));
    HttpResponse<String> answer = get("/loki/api/v1/labels", session, "payments");
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.body()).contains("none of your groups [contractors] grants a tenant");
  }

  @Test
  void aForgedOrReplayedCallbackOpensNoSession() throws Exception {
    HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(base + "/ui/login")));
    HttpResponse<String> atProvider = send(HttpRequest.newBuilder(URI.create(login.headers().firstValue("Location").orElseThrow())));
    String callback = atProvider.headers().firstValue("Location").orElseThrow();
    // An attacker's browser (no login cookie) follows a victim's callback link.
    HttpResponse<String> forged = send(HttpRequest.newBuilder(URI.create(callback)));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("not started in this browser");
    assertThat(forged.headers().allValues("Set-Cookie")).noneMatch(header -> header.startsWith(SsoHandlers.SESSION_COOKIE + "="));
  }

  @Test
  void machinesKeepUsingTokensBesideSessions() throws Exception {
    HttpResponse<String> noCredentials = send(HttpRequest.newBuilder(URI.create(base + "/loki/api/v1/labels")));
    assertThat(noCredentials.statusCode()).isEqualTo(401);
    assertThat(noCredentials.body()).contains("Authorization: Bearer", "people sign in at /ui/login");
    HttpResponse<String> badToken = send(HttpRequest.newBuilder(URI.create(base + "/loki/api/v1/labels")).header("Authorization", "Bearer nope"));
    assertThat(badToken.statusCode()).isEqualTo(401);
  }
}
