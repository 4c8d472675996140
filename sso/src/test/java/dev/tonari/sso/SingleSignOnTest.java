package dev.tonari.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.tonari.tenancy.auth.GroupMapping;
import dev.tonari.tenancy.auth.Principal;
import dev.tonari.tenancy.auth.Role;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-in against a real OpenID Connect provider in-process (NAV's mock-oauth2-server): its
 * discovery document, authorization endpoint, token endpoint with PKCE and JWKS-signed ID tokens.
 */
class SingleSignOnTest {
  private static final String ISSUER_ID = "corp";
  private static final String CLIENT_ID = "tonari";
  private static final GroupMapping MAPPING = new GroupMapping("groups", Map.of(
      "team-payments-admins", Map.of("payments", Role.TENANT_ADMIN),
      "team-search", Map.of("search", Role.READER),
      "platform-sre", Map.of("*", Role.ADMIN)));

  private static MockOAuth2Server provider;
  private static SingleSignOn sso;
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void startProvider() throws Exception {
    provider = new MockOAuth2Server();
    provider.start(InetAddress.getLoopbackAddress(), 0);
    OidcSettings settings = OidcSettings.of(URI.create(provider.issuerUrl(ISSUER_ID).toString()), CLIENT_ID, "client-secret",
        URI.create("http://127.0.0.1:3100"));
    sso = new SingleSignOn(settings, () -> MAPPING, Clock.systemUTC());
  }

  @AfterAll
  static void stopProvider() {
    if (provider != null) {
      provider.shutdown();
    }
  }

  /** What the browser does between beginLogin and the callback: follow the provider's redirect. */
  private record Callback(String state, String code, String nonce) {}

  private static Callback signInAtProvider(LoginRedirect redirect) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(redirect.authorizationUrl()).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("the provider redirects back: %s", response.body()).isEqualTo(302);
    URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
    assertThat(location.getPath()).isEqualTo("/ui/callback");
    Map<String, String> query = query(location);
    return new Callback(query.get("state"), query.get("code"), query(redirect.authorizationUrl()).get("nonce"));
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int equals = pair.indexOf('=');
      parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return parameters;
  }

  private static void nextToken(String subject, List<String> audience, Map<String, Object> claims, long expirySeconds) {
    provider.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", audience, claims, expirySeconds));
  }

  @Test
  void signsInWithPkceAndMapsGroupsToTenantsAndRoles() throws Exception {
    nextToken("alice", List.of(CLIENT_ID), Map.of("name", "Alice Liddell", "email", "alice@example.com", "groups", List.of("team-payments-admins",
        "team-search", "unrelated")), 3600);
    LoginRedirect redirect = sso.beginLogin("/ui/explore?query=%7Bapp%3D%22api%22%7D");
    Map<String, String> request = query(redirect.authorizationUrl());
    assertThat(request).containsEntry("response_type", "code").containsEntry("client_id", CLIENT_ID).containsEntry("code_challenge_method", "S256")
        .containsEntry("redirect_uri", "http://127.0.0.1:3100/ui/callback").containsKeys("state", "nonce", "code_challenge");
    assertThat(request.get("scope").split(" ")).contains("openid", "groups");
    Callback callback = signInAtProvider(redirect);

    SignedIn signedIn = sso.completeLogin(callback.state(), callback.code(), null, null, redirect.loginCookie());

    Session session = signedIn.session();
    assertThat(session.subject()).isEqualTo("alice");
    assertThat(session.name()).isEqualTo("Alice Liddell");
    assertThat(session.email()).isEqualTo("alice@example.com");
    assertThat(session.groups()).containsExactly("team-payments-admins", "team-search", "unrelated");
    assertThat(signedIn.returnTo()).isEqualTo("/ui/explore?query=%7Bapp%3D%22api%22%7D");
    assertThat(sso.session(signedIn.sessionCookie())).contains(session);
    assertThat(sso.session("not-a-session")).isEmpty();

    assertThat(sso.access(session, List.of("payments"))).isEqualTo(new SessionAccess.Granted(
        new Principal("sso:alice", "Alice Liddell", Role.TENANT_ADMIN, Set.of("payments"))));
    assertThat(sso.access(session, List.of("search"))).isEqualTo(new SessionAccess.Granted(
        new Principal("sso:alice", "Alice Liddell", Role.READER, Set.of("search"))));
    // Naming both tenants never lends the admin role of one to the other.
    assertThat(sso.access(session, List.of("payments", "search"))).isEqualTo(new SessionAccess.Granted(
        new Principal("sso:alice", "Alice Liddell", Role.READER, Set.of("payments", "search"))));
    assertThat(sso.access(session, List.of("billing"))).isInstanceOfSatisfying(SessionAccess.Denied.class, denied -> {
      assertThat(denied.status()).isEqualTo(403);
      assertThat(denied.message()).contains("'Alice Liddell' is not granted tenant 'billing'", "payments, search");
    });

    assertThat(sso.signOut(signedIn.sessionCookie())).hasValueSatisfying(logout -> {
      assertThat(logout.toString()).startsWith(provider.endSessionEndpointUrl(ISSUER_ID).toString());
      assertThat(query(logout)).containsKey("id_token_hint").containsEntry("post_logout_redirect_uri", "http://127.0.0.1:3100/ui/");
    });
    assertThat(sso.session(signedIn.sessionCookie())).isEmpty();
  }

  @Test
  void platformAdminsHoldEveryTenantAndPeopleWithoutAMappedGroupNone() throws Exception {
    nextToken("sre", List.of(CLIENT_ID), Map.of("groups", List.of("platform-sre")), 3600);
    LoginRedirect redirect = sso.beginLogin("/ui/");
    Callback callback = signInAtProvider(redirect);
    Session admin = sso.completeLogin(callback.state(), callback.code(), null, null, redirect.loginCookie()).session();
    assertThat(sso.access(admin, List.of("anything"))).isEqualTo(new SessionAccess.Granted(
        new Principal("sso:sre", "sre", Role.ADMIN, Set.of(Principal.ALL_TENANTS))));

    nextToken("bob", List.of(CLIENT_ID), Map.of("groups", "contractors"), 3600);
    redirect = sso.beginLogin("/ui/");
    callback = signInAtProvider(redirect);
    Session nobody = sso.completeLogin(callback.state(), callback.code(), null, null, redirect.loginCookie()).session();
    assertThat(nobody.groups()).containsExactly("contractors");
    assertThat(sso.access(nobody, List.of())).isInstanceOfSatisfying(SessionAccess.Denied.class,
        denied -> assertThat(denied.message()).contains("none of your groups [contractors] grants a tenant", "sso.groups"));
  }

  @Test
  void anIdTokenForAnotherAudienceIsRefused() throws Exception {
    // The provider signs ID tokens for every client it serves; one minted for another app, even
    // with the right nonce, must not sign anyone in to Tonari.
    Nonce nonce = new Nonce();
    String forAnotherApp = provider.issueToken(ISSUER_ID, "some-other-app", new DefaultOAuth2TokenCallback(ISSUER_ID, "mallory", "JWT",
        List.of("some-other-app"), Map.of("nonce", nonce.getValue(), "groups", List.of("platform-sre")), 3600)).serialize();
    assertThatThrownBy(() -> sso.provider().validate(forAnotherApp, nonce)).isInstanceOfSatisfying(SignInException.class, e -> {
      assertThat(e.reason()).isEqualTo("invalid_id_token");
      assertThat(e.getMessage()).containsIgnoringCase("audience");
    });
    String forTonari = provider.issueToken(ISSUER_ID, CLIENT_ID, new DefaultOAuth2TokenCallback(ISSUER_ID, "alice", "JWT",
        List.of(CLIENT_ID), Map.of("nonce", nonce.getValue()), 3600)).serialize();
    assertThat(sso.provider().validate(forTonari, nonce).subject()).isEqualTo("alice");
    assertThatThrownBy(() -> sso.provider().validate(forTonari, new Nonce())).isInstanceOfSatisfying(SignInException.class,
        e -> assertThat(e.getMessage()).containsIgnoringCase("nonce"));
  }

  @Test
  void anExpiredIdTokenIsRefused() throws Exception {
    // Expired an hour ago: well past the 60 s clock skew.
    nextToken("late", List.of(CLIENT_ID), Map.of("groups", List.of("platform-sre")), -3600);
    LoginRedirect redirect = sso.beginLogin("/ui/");
    Callback callback = signInAtProvider(redirect);
    assertThatThrownBy(() -> sso.completeLogin(callback.state(), callback.code(), null, null, redirect.loginCookie()))
        .isInstanceOfSatisfying(SignInException.class, e -> {
          assertThat(e.reason()).isEqualTo("invalid_id_token");
          assertThat(e.getMessage()).containsIgnoringCase("expired");
        });
  }

  @Test
  void aCodeRedeemedWithAnotherPkceVerifierIsRefusedByTheProvider() throws Exception {
    nextToken("eve", List.of(CLIENT_ID), Map.of("groups", List.of("platform-sre")), 3600);
    LoginRedirect redirect = sso.beginLogin("/ui/");
    Callback callback = signInAtProvider(redirect);
    assertThatThrownBy(() -> sso.provider().redeem(callback.code(), new CodeVerifier(), new Nonce(callback.nonce())))
        .isInstanceOfSatisfying(SignInException.class, e -> {
          assertThat(e.reason()).isEqualTo("provider_error");
          assertThat(e.getMessage()).contains("invalid_grant");
        });
  }

  @Test
  void aCallbackFromAnotherBrowserOrUsedTwiceIsRefused() throws Exception {
    nextToken("alice", List.of(CLIENT_ID), Map.of("groups", List.of("team-search")), 3600);
    LoginRedirect redirect = sso.beginLogin("/ui/");
    Callback callback = signInAtProvider(redirect);
    assertThatThrownBy(() -> sso.completeLogin(callback.state(), callback.code(), null, null, null))
        .isInstanceOfSatisfying(SignInException.class, e -> assertThat(e.getMessage()).contains("not started in this browser"));
    assertThatThrownBy(() -> sso.completeLogin(callback.state(), callback.code(), null, null, "another-login"))
        .isInstanceOfSatisfying(SignInException.class, e -> assertThat(e.reason()).isEqualTo("bad_callback"));
    sso.completeLogin(callback.state(), callback.code(), null, null, redirect.loginCookie());
    assertThatThrownBy(() -> sso.completeLogin(callback.state(), callback.code(), null, null, redirect.loginCookie()))
        .isInstanceOfSatisfying(SignInException.class, e -> assertThat(e.getMessage()).contains("expired", "already used"));
  }

  @Test
  void theProvidersRefusalIsReportedWithItsReason() throws Exception {
    LoginRedirect redirect = sso.beginLogin("/ui/");
    String state = query(redirect.authorizationUrl()).get("state");
    assertThatThrownBy(() -> sso.completeLogin(state, null, "access_denied", "the user cancelled", redirect.loginCookie()))
        .isInstanceOfSatisfying(SignInException.class, e -> {
          assertThat(e.reason()).isEqualTo("provider_error");
          assertThat(e.getMessage()).isEqualTo("the identity provider refused the sign-in: access_denied (the user cancelled)");
        });
  }

  @Test
  void anUnreachableProviderIsAClearErrorNotAStartupFailure() {
    SingleSignOn unreachable = new SingleSignOn(OidcSettings.of(URI.create("http://127.0.0.1:1/realms/none"), CLIENT_ID, "x",
        URI.create("http://127.0.0.1:3100")), () -> MAPPING, Clock.systemUTC());
    assertThatThrownBy(() -> unreachable.beginLogin("/ui/")).isInstanceOfSatisfying(SignInException.class, e -> {
      assertThat(e.reason()).isEqualTo("provider_unreachable");
      assertThat(e.getMessage()).contains("http://127.0.0.1:1/realms/none/.well-known/openid-configuration");
    });
    assertThatThrownBy(() -> unreachable.beginLogin("/ui/")).isInstanceOfSatisfying(SignInException.class,
        e -> assertThat(e.getMessage()).contains("try again in a few seconds"));
  }
}
