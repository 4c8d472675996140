package dev.tonari.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.sso.LoginRedirect;
import dev.tonari.sso.Session;
import dev.tonari.sso.SignInException;
import dev.tonari.sso.SignedIn;
import dev.tonari.sso.SingleSignOn;
import dev.tonari.tenancy.auth.Principal;
import dev.tonari.tenancy.auth.Role;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sign-in flow's HTTP side ({@link SingleSignOn} does the OpenID Connect work):
 *
 * <ul>
 *   <li>{@code GET /ui/login?return_to=/ui/...}: sends the browser to the provider, with a
 *       short-lived {@code tonari_login} cookie that binds the callback to this browser;
 *   <li>{@code GET /ui/callback}: the provider's redirect back; opens the session ({@code
 *       tonari_session}: HttpOnly, SameSite=Lax, Secure when the public URL is https) and returns
 *       to the page the person came from;
 *   <li>{@code POST /ui/logout}: ends the session (CSRF token as form field {@code csrf_token} or
 *       header) and signs out at the provider when it offers RP-initiated logout;
 *   <li>{@code GET /tonari/api/v1/session}: who the request is, the tenants and roles they hold,
 *       and for sessions the CSRF token the UI sends back in {@code X-CSRF-Token}.
 * </ul>
 */
final class SsoHandlers {
  static final String SESSION_COOKIE = "tonari_session";
  static final String LOGIN_COOKIE = "tonari_login";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Logger log = LoggerFactory.getLogger(SsoHandlers.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Optional<SingleSignOn> sso;
  private final boolean authEnabled;
  private final ServerMetrics metrics;

  SsoHandlers(Optional<SingleSignOn> sso, boolean authEnabled, ServerMetrics metrics) {
    this.sso = sso;
    this.authEnabled = authEnabled;
    this.metrics = metrics;
  }

  void login(Context ctx) {
    String returnTo = SingleSignOn.safeReturnTo(ctx.queryParam("return_to"));
    if (sso.isEmpty()) {
      if (!authEnabled) {
        ctx.redirect(returnTo, io.javalin.http.HttpStatus.FOUND);
        return;
      }
      page(ctx, 404, "Single sign-on is not configured", "This server has no auth.oidc section, so people cannot sign in with the company's "
          + "identity provider here. Use an API token (tonari token create), or ask the platform team to configure auth.oidc.");
      return;
    }
    try {
      LoginRedirect redirect = sso.get().beginLogin(returnTo);
      ctx.cookie(cookie(LOGIN_COOKIE, redirect.loginCookie(), "/ui/callback", (int) SingleSignOn.LOGIN_TIMEOUT.toSeconds()));
      ctx.header("Cache-Control", "no-store");
      ctx.redirect(redirect.authorizationUrl().toString(), io.javalin.http.HttpStatus.FOUND);
    } catch (SignInException e) {
      metrics.recordAuthFailure("sso_" + e.reason());
      log.warn("sign-in could not start: {}", e.getMessage());
      int status = e.reason().equals("too_many_logins") ? 429 : 503;
      if (status == 503) {
        ctx.header("Retry-After", "10");
      }
      page(ctx, status, "Sign-in is unavailable", e.getMessage());
    }
  }

  void callback(Context ctx) {
    if (sso.isEmpty()) {
      page(ctx, 404, "Single sign-on is not configured", "This server has no auth.oidc section.");
      return;
    }
    try {
      SignedIn signedIn = sso.get().completeLogin(ctx.queryParam("state"), ctx.queryParam("code"), ctx.queryParam("error"),
          ctx.queryParam("error_description"), ctx.cookie(LOGIN_COOKIE));
      ctx.removeCookie(LOGIN_COOKIE, "/ui/callback");
      int ttl = (int) Math.min(Integer.MAX_VALUE, sso.get().settings().sessionTtl().toSeconds());
      ctx.cookie(cookie(SESSION_COOKIE, signedIn.sessionCookie(), "/", ttl));
      ctx.header("Cache-Control", "no-store");
      ctx.redirect(signedIn.returnTo(), io.javalin.http.HttpStatus.FOUND);
    } catch (SignInException e) {
      metrics.recordAuthFailure("sso_" + e.reason());
      log.warn("sign-in failed ({}): {}", e.reason(), e.getMessage());
      int status = e.reason().equals("provider_unreachable") ? 503 : 401;
      page(ctx, status, "Sign-in failed", e.getMessage());
    }
  }

  void logout(Context ctx) {
    String cookie = ctx.cookie(SESSION_COOKIE);
    if (sso.isEmpty() || cookie == null) {
      ctx.redirect("/ui/", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    Optional<Session> session = sso.get().session(cookie);
    String csrf = ctx.header(CSRF_HEADER) != null ? ctx.header(CSRF_HEADER) : ctx.formParam("csrf_token");
    if (session.isPresent() && !SingleSignOn.csrfMatches(session.get(), csrf)) {
      page(ctx, 403, "Sign-out refused", "The sign-out form did not carry this session's CSRF token; sign out from Tonari's own page.");
      return;
    }
    Optional<URI> atProvider = sso.get().signOut(cookie);
    ctx.removeCookie(SESSION_COOKIE, "/");
    ctx.redirect(atProvider.map(URI::toString).orElse("/ui/"), io.javalin.http.HttpStatus.SEE_OTHER);
  }

  /** {@code GET /tonari/api/v1/session}. */
  void session(Context ctx) throws java.io.IOException {
    Principal principal = RequestTenants.principalOf(ctx);
    ObjectNode body = JSON.createObjectNode();
    body.put("auth_enabled", authEnabled);
    body.put("sso", sso.isPresent());
    Optional<Session> session = !authEnabled || sso.isEmpty() || ctx.header("Authorization") != null
        ? Optional.empty() : sso.get().session(ctx.cookie(SESSION_COOKIE));
    if (session.isPresent()) {
      Session person = session.get();
      body.put("method", "sso");
      body.put("name", person.name());
      body.put("email", person.email());
      body.put("subject", person.subject());
      ArrayNode groups = body.putArray("groups");
      person.groups().forEach(groups::add);
      writeTenants(body, sso.get().mappingNow().grantsFor(person.groups()));
      body.put("csrf_token", person.csrfToken());
      body.put("expires_at", person.expiresAt().toString());
    } else {
      body.put("method", authEnabled ? "token" : "none");
      body.put("name", principal.name());
      Map<String, Role> tenants = new TreeMap<>();
      principal.tenants().forEach(tenant -> tenants.put(tenant, principal.role()));
      writeTenants(body, tenants);
    }
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("application/json; charset=utf-8").result(JSON.writeValueAsBytes(body));
  }

  private static void writeTenants(ObjectNode body, Map<String, Role> tenants) {
    ArrayNode list = body.putArray("tenants");
    tenants.forEach((tenant, role) -> list.addObject().put("tenant", tenant).put("role", role.text()));
  }

  private Cookie cookie(String name, String value, String path, int maxAgeSeconds) {
    boolean secure = sso.map(signOn -> signOn.settings().secureCookies()).orElse(false);
    return new Cookie(name, value, path, maxAgeSeconds, secure, true, null, SameSite.LAX);
  }

  private static void page(Context ctx, int status, String title, String message) {
    String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + " - Tonari</title></head>"
        + "<body><main><h1>" + escape(title) + "</h1><p>" + escape(message) + "</p>"
        + "<p><a href=\"/ui/login\">Sign in again</a></p></main></body></html>";
    ctx.status(status).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store").result(html);
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
