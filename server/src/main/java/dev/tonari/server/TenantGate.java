package dev.tonari.server;

import com.google.re2j.Pattern;

import dev.tonari.sso.Session;
import dev.tonari.sso.SessionAccess;
import dev.tonari.sso.SingleSignOn;
import dev.tonari.tenancy.auth.Action;
import dev.tonari.tenancy.auth.Authorizer;
import dev.tonari.tenancy.auth.FailedAuthRateLimiter;
import dev.tonari.tenancy.auth.Principal;
import dev.tonari.tenancy.auth.TokenStore;
import dev.tonari.tenancy.config.TenantConfig;
import dev.tonari.tenancy.config.TenantIds;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The before-handler of every request: decides who the request is and which tenants it acts on,
 * and stores both for {@link RequestTenants}; or answers the refusal itself and skips the route.
 *
 * <p>Only {@code /ready}, {@code /metrics} and the UI's pages and sign-in flow ({@code /ui/...}) are open. Every other path, including the Loki API
 * ({@code /loki/api/v1/...}), the admin API ({@code /tonari/api/v1/...}) and paths that match no
 * route, needs credentials when authentication is on: a gate that lists what is protected would
 * leave the next new route open, one that lists what is open cannot.
 *
 * <p>With authentication on: {@code Authorization: Bearer <token>}, or HTTP Basic with the tenant
 * as user and the token as password (what Grafana's Loki data source and agents send; the user
 * must be one of the token's tenants and names the tenant when {@code X-Scope-OrgID} is absent).
 * No or bad credentials are 401 with {@code WWW-Authenticate}; a valid token without the role or
 * the tenant is 403; a malformed tenant ID is 400. Bad credentials count against the source
 * address in a {@link FailedAuthRateLimiter}; while it is exhausted, requests with credentials get
 * 429 and {@code Retry-After} before their token is even looked at.
 *
 * <p>With single sign-on configured, a request without {@code Authorization} may carry the
 * session cookie of a person signed in at {@code /ui/login}; see {@link #admitSession}.
 *
 * <p>With authentication off (single user, as Loki's {@code auth_enabled: false}): the tenant is
 * {@code X-Scope-OrgID}, or {@code fake} without it; reads may name several as {@code a|b}.
 *
 * <p>With a routing rule, a push is authorized by role only: its streams go to the tenants the
 * rule picks, and {@link PushHandler} checks that the token holds each of them.
 */
final class TenantGate {
  private static final Pattern REPEATED_SLASHES = Pattern.compile("/{2,}");

  static final String CHALLENGE = "Basic realm=\"tonari\", Bearer realm=\"tonari\"";
  static final String UI_CHALLENGE = "Bearer realm=\"tonari\"";
  /** Sent by the built-in UI on every API call. */
  static final String UI_HEADER = "X-Tonari-UI";

  private final boolean authEnabled;
  private final TokenStore tokens;
  private final FailedAuthRateLimiter failedAttempts;
  private final Supplier<TenantConfig> tenantConfig;
  private final ServerMetrics metrics;
  private final Optional<SingleSignOn> sso;
  /** SHA-256 of {@code cluster.internal_token}: compared in constant time, and of equal length whatever the caller sends. */
  private final Optional<byte[]> internalTokenDigest;

  /** The header that carries {@code cluster.internal_token} on the internal routes (never a tenant's token). */
  static final String INTERNAL_TOKEN_HEADER = "X-Tonari-Internal-Token";
  /** Where the cluster's process-to-process routes live; only the internal token opens them. */
  static final String INTERNAL_PREFIX = "/tonari/internal/";

  TenantGate(boolean authEnabled, TokenStore tokens, FailedAuthRateLimiter failedAttempts, Supplier<TenantConfig> tenantConfig,
      ServerMetrics metrics) {
    this(authEnabled, tokens, failedAttempts, tenantConfig, metrics, Optional.empty());
  }

  TenantGate(boolean authEnabled, TokenStore tokens, FailedAuthRateLimiter failedAttempts, Supplier<TenantConfig> tenantConfig,
      ServerMetrics metrics, Optional<SingleSignOn> sso) {
    this(authEnabled, tokens, failedAttempts, tenantConfig, metrics, sso, Optional.empty());
  }

  TenantGate(boolean authEnabled, TokenStore tokens, FailedAuthRateLimiter failedAttempts, Supplier<TenantConfig> tenantConfig,
      ServerMetrics metrics, Optional<SingleSignOn> sso, Optional<String> internalToken) {
    this.internalTokenDigest = internalToken.map(TenantGate::sha256);
    this.authEnabled = authEnabled;
    this.tokens = tokens;
    this.failedAttempts = failedAttempts;
    this.tenantConfig = tenantConfig;
    this.metrics = metrics;
    this.sso = sso;
  }

  /** What a path requires. */
  sealed interface Access {
    /** No credentials, no tenant: health and metrics. */
    record Open() implements Access {}

    /** Any valid token; the handler decides the rest (admin API, build info). */
    record Authenticated() implements Access {}

    /** A role that allows the action, on the tenants the request names. */
    record Tenants(Action action) implements Access {}

    /** The cluster's process-to-process routes: {@code cluster.internal_token}, whatever {@code auth.enabled} says. */
    record Internal() implements Access {}
  }

  /** The access rule of a read of a path; see {@link #accessOf(String, String)}. */
  static Access accessOf(String rawPath) {
    return accessOf("GET", rawPath);
  }

  /** The access rule of a request (exact paths, so no encoding trick reaches a route unchecked). */
  static Access accessOf(String method, String rawPath) {
    String path = REPEATED_SLASHES.matcher(rawPath).replaceAll("/");
    if (path.equals("/ready") || path.equals("/metrics")) {
      return new Access.Open();
    }
    if (path.startsWith(INTERNAL_PREFIX) || path.equals(INTERNAL_PREFIX.substring(0, INTERNAL_PREFIX.length() - 1))) {
      return new Access.Internal();
    }
    // The UI's pages and the sign-in flow: static files and redirects that hold no tenant data;
    // everything they show comes from the API below, which checks the session like a token.
    if (path.equals("/ui") || path.startsWith("/ui/")) {
      return new Access.Open();
    }
    if (path.equals("/tonari/api/v1/slos") || path.startsWith("/tonari/api/v1/slos/") || path.startsWith("/tonari/api/v1/slo_report")) {
      boolean reads = method.equalsIgnoreCase("GET") || method.equalsIgnoreCase("HEAD");
      return new Access.Tenants(reads ? Action.SLO_READ : Action.SLO_WRITE);
    }
    if (isRulesApi(path) || path.startsWith("/prometheus/api/v1/rules") || path.startsWith("/prometheus/api/v1/alerts")) {
      boolean reads = method.equalsIgnoreCase("GET") || method.equalsIgnoreCase("HEAD");
      return new Access.Tenants(reads ? Action.RULES_READ : Action.RULES_WRITE);
    }
    // Prefixes, not exact paths: the router ignores a trailing slash, which must not make a route tenant-less.
    if (path.startsWith("/tonari/api/v1/alerts") || path.startsWith("/tonari/api/v1/toil") || path.startsWith("/tonari/api/v1/notifications")
        || path.startsWith("/alertmanager/")) {
      boolean reads = method.equalsIgnoreCase("GET") || method.equalsIgnoreCase("HEAD");
      return new Access.Tenants(reads ? Action.ALERTS_READ : Action.ALERTS_WRITE);
    }
    if (isAgentPush(path)) {
      return new Access.Tenants(Action.PUSH);
    }
    String loki = "/loki/api/v1/";
    if (!path.startsWith(loki)) {
      return new Access.Authenticated();
    }
    String route = path.substring(loki.length());
    if (route.endsWith("/")) {
      route = route.substring(0, route.length() - 1);
    }
    if (route.equals("push")) {
      return new Access.Tenants(Action.PUSH);
    }
    if (route.equals("tail")) {
      return new Access.Tenants(Action.TAIL);
    }
    if (route.equals("labels") || route.startsWith("label/")) {
      return new Access.Tenants(Action.LABELS);
    }
    if (route.equals("series")) {
      return new Access.Tenants(Action.SERIES);
    }
    if (route.equals("status/buildinfo") || route.equals("format_query")) {
      return new Access.Authenticated();
    }
    // query, query_range, index/stats, index/volume, and any read added later.
    return new Access.Tenants(Action.QUERY);
  }

  /**
   * The agents' push routes: OTLP logs, Elasticsearch bulk ({@code /_bulk}, {@code /{index}/_bulk})
   * and JSON lines, a trailing slash allowed. Elasticsearch's {@code GET /} and {@code /_license}
   * only need a valid token, like build info.
   */
  private static boolean isAgentPush(String path) {
    String route = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    if (route.equals("/otlp/v1/logs") || route.equals("/tonari/api/v1/push/jsonl") || route.equals("/_bulk")) {
      return true;
    }
    return route.endsWith("/_bulk") && route.indexOf('/', 1) == route.length() - "/_bulk".length();
  }

  /** Loki's rules API and its legacy path, {@code /loki/api/v1/rules[/...]} and {@code /api/prom/rules[/...]}. */
  private static boolean isRulesApi(String path) {
    for (String prefix : List.of("/loki/api/v1/rules", "/api/prom/rules")) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return true;
      }
    }
    return false;
  }

  void handle(Context ctx) {
    Access access = accessOf(ctx.method().name(), ctx.path());
    if (access instanceof Access.Open) {
      return;
    }
    if (access instanceof Access.Internal) {
      admitInternal(ctx);
      return;
    }
    Optional<String> scope = Optional.ofNullable(ctx.header(RequestTenants.HEADER)).map(String::trim).filter(value -> !value.isEmpty());
    if (scope.isEmpty() && access instanceof Access.Tenants tenants && tenants.action() == Action.TAIL) {
      // Browsers cannot set headers on a WebSocket: the UI names the tenant of a tail as Grafana's
      // proxy does for its own requests, in the orgId parameter.
      scope = Optional.ofNullable(ctx.queryParam("orgId")).map(String::trim).filter(value -> !value.isEmpty());
    }
    if (!authEnabled) {
      admitSingleUser(ctx, access, scope);
      return;
    }
    String address = ctx.req().getRemoteAddr();
    String authorization = ctx.header("Authorization");
    if ((authorization == null || authorization.isBlank()) && sso.isPresent() && ctx.cookie(SsoHandlers.SESSION_COOKIE) != null) {
      admitSession(ctx, sso.get(), access, scope);
      return;
    }
    if (authorization == null || authorization.isBlank()) {
      refuse(ctx, 401, "authentication required: send Authorization: Bearer <token>, or HTTP Basic with the tenant as user and the token as password"
          + (sso.isPresent() ? "; people sign in at /ui/login" : ""));
      return;
    }
    Duration wait = failedAttempts.retryAfter(address);
    if (!wait.isZero()) {
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      ctx.header("Retry-After", Long.toString(seconds));
      refuse(ctx, 429, "too many failed authentication attempts from " + address + "; retry after " + seconds + " s");
      return;
    }
    Credentials credentials = Credentials.parse(authorization);
    Optional<Principal> principal = credentials == null ? Optional.empty() : tokens.authenticate(credentials.token());
    if (principal.isEmpty()) {
      failedAttempts.recordFailure(address);
      metrics.recordAuthFailure("bad_credentials");
      refuse(ctx, 401, credentials == null
          ? "unsupported Authorization header: expected Bearer <token> or Basic with the tenant as user and the token as password"
          : "invalid token: unknown, revoked or expired");
      return;
    }
    Principal who = principal.get();
    if (credentials.basicUser() != null) {
      String user = credentials.basicUser();
      Optional<String> problem = TenantIds.problem(user);
      if (problem.isPresent()) {
        refuse(ctx, 400, "invalid tenant in HTTP Basic user: " + problem.get());
        return;
      }
      if (!who.holds(user)) {
        metrics.recordAuthFailure("forbidden");
        refuse(ctx, 403, "token '" + who.name() + "' is not granted tenant '" + user + "' named as the HTTP Basic user");
        return;
      }
      if (scope.isEmpty()) {
        scope = Optional.of(user);
      }
    }
    switch (access) {
      case Access.Open open -> throw new IllegalStateException("open paths return above");
      case Access.Internal internal -> throw new IllegalStateException("internal paths return above");
      case Access.Authenticated authenticated -> admitNarrowed(ctx, who, scope);
      case Access.Tenants tenants -> authorize(ctx, who, tenants.action(), scope);
    }
  }

  /**
   * The internal routes: a peer of the cluster sending {@code cluster.internal_token}. Refused
   * with 401 when the header is missing or wrong (counted against the source address, like a bad
   * tenant token) and when this process has no internal token at all, so the routes are never
   * open by omission; tenants' tokens do not open them.
   */
  private void admitInternal(Context ctx) {
    String address = ctx.req().getRemoteAddr();
    Duration wait = failedAttempts.retryAfter(address);
    if (!wait.isZero()) {
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      ctx.header("Retry-After", Long.toString(seconds));
      refuse(ctx, 429, "too many failed authentication attempts from " + address + "; retry after " + seconds + " s");
      return;
    }
    if (internalTokenDigest.isEmpty()) {
      metrics.recordAuthFailure("internal_token");
      refuse(ctx, 401, "internal routes are closed on this process: cluster.internal_token is not set");
      return;
    }
    String sent = ctx.header(INTERNAL_TOKEN_HEADER);
    if (sent == null || !java.security.MessageDigest.isEqual(internalTokenDigest.get(), sha256(sent))) {
      failedAttempts.recordFailure(address);
      metrics.recordAuthFailure("internal_token");
      refuse(ctx, 401, sent == null ? "internal route: send the cluster's internal token in " + INTERNAL_TOKEN_HEADER
          : "internal route: the " + INTERNAL_TOKEN_HEADER + " header does not match cluster.internal_token");
    }
  }

  private static byte[] sha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * A browser signed in through single sign-on: its session cookie stands for a token whose role
   * and tenants come from the person's groups. State changes must echo the session's CSRF token in
   * {@code X-CSRF-Token}, which a page of another site cannot read, so a forged form or fetch that
   * rides on the cookie is refused.
   */
  private void admitSession(Context ctx, SingleSignOn signOn, Access access, Optional<String> scope) {
    Optional<Session> session = signOn.session(ctx.cookie(SsoHandlers.SESSION_COOKIE));
    if (session.isEmpty()) {
      metrics.recordAuthFailure("bad_session");
      refuse(ctx, 401, "your sign-in has expired or ended: sign in again at /ui/login");
      return;
    }
    String method = ctx.method().name();
    boolean changesState = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
    if (changesState && !SingleSignOn.csrfMatches(session.get(), ctx.header(SsoHandlers.CSRF_HEADER))) {
      metrics.recordAuthFailure("csrf");
      refuse(ctx, 403, method + " with a session cookie needs the session's CSRF token in " + SsoHandlers.CSRF_HEADER
          + " (GET /tonari/api/v1/session gives it)");
      return;
    }
    List<String> named = List.of();
    if (scope.isPresent()) {
      try {
        named = TenantIds.splitMultiTenant(scope.get());
      } catch (IllegalArgumentException e) {
        refuse(ctx, 400, "invalid X-Scope-OrgID: " + e.getMessage());
        return;
      }
    }
    switch (signOn.access(session.get(), named)) {
      case SessionAccess.Denied denied -> {
        metrics.recordAuthFailure("forbidden");
        refuse(ctx, denied.status(), denied.message());
      }
      case SessionAccess.Granted granted -> {
        switch (access) {
          case Access.Open open -> throw new IllegalStateException("open paths return before credentials are read");
          case Access.Internal internal -> throw new IllegalStateException("internal paths return before credentials are read");
          case Access.Authenticated authenticated -> admitNarrowed(ctx, granted.principal(), scope);
          case Access.Tenants tenants -> authorize(ctx, granted.principal(), tenants.action(), scope);
        }
      }
    }
  }

  /**
   * Routes that name no tenant (admin API, build info) still honour {@code X-Scope-OrgID} as a
   * narrowing, with the same checks: malformed is 400, a tenant the token does not hold is 403.
   */
  private void admitNarrowed(Context ctx, Principal who, Optional<String> scope) {
    if (scope.isEmpty()) {
      RequestTenants.set(ctx, who, List.of());
      return;
    }
    List<String> named;
    try {
      named = TenantIds.splitMultiTenant(scope.get());
    } catch (IllegalArgumentException e) {
      refuse(ctx, 400, "invalid X-Scope-OrgID: " + e.getMessage());
      return;
    }
    for (String tenant : named) {
      if (!who.holds(tenant)) {
        metrics.recordAuthFailure("forbidden");
        refuse(ctx, 403, "token '" + who.name() + "' is not granted tenant '" + tenant + "'");
        return;
      }
    }
    RequestTenants.set(ctx, who, named);
  }

  private void authorize(Context ctx, Principal who, Action action, Optional<String> scope) {
    if (action == Action.PUSH && tenantConfig.get().routing().isPresent()) {
      // Routed pushes name their tenants by label; PushHandler checks each against the token.
      if (!who.role().allows(Action.PUSH)) {
        metrics.recordAuthFailure("forbidden");
        refuse(ctx, 403, "token '" + who.name() + "' has role " + who.role().text() + ", which may not push");
        return;
      }
      RequestTenants.set(ctx, who, List.copyOf(new TreeSet<>(who.tenants())));
      return;
    }
    switch (Authorizer.authorize(Optional.of(who), action, scope)) {
      case Authorizer.Decision.Allowed allowed -> RequestTenants.set(ctx, who, allowed.tenants());
      case Authorizer.Decision.Refused refused -> {
        if (refused.status() == 403) {
          metrics.recordAuthFailure("forbidden");
        }
        refuse(ctx, refused.status(), refused.message());
      }
    }
  }

  private void admitSingleUser(Context ctx, Access access, Optional<String> scope) {
    Principal anonymous = Principal.singleUser();
    if (!(access instanceof Access.Tenants tenants)) {
      RequestTenants.set(ctx, anonymous, List.of());
      return;
    }
    if (scope.isEmpty()) {
      RequestTenants.set(ctx, anonymous, List.of(TenantIds.SINGLE_USER_TENANT));
      return;
    }
    List<String> named;
    try {
      named = TenantIds.splitMultiTenant(scope.get());
    } catch (IllegalArgumentException e) {
      refuse(ctx, 400, e.getMessage());
      return;
    }
    if (named.size() > 1 && tenants.action().scope() != Action.Scope.TENANTS) {
      refuse(ctx, 400, tenants.action().text() + " acts on exactly one tenant; X-Scope-OrgID names " + String.join(", ", named));
      return;
    }
    RequestTenants.set(ctx, anonymous, new ArrayList<>(named));
  }

  private static void refuse(Context ctx, int status, String message) {
    if (status == 401) {
      // A Basic challenge makes a browser open its own password dialog over the UI's fetch (and
      // hang a headless one); the UI marks its calls and gets the Bearer challenge alone.
      ctx.header("WWW-Authenticate", ctx.header(UI_HEADER) != null ? UI_CHALLENGE : CHALLENGE);
    }
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
    ctx.skipRemainingHandlers();
  }

  /**
   * The token of an {@code Authorization} header, and for HTTP Basic the user (a tenant).
   *
   * @param basicUser null for Bearer
   */
  record Credentials(String token, String basicUser) {
    /** Null when the header is neither Bearer nor well-formed Basic. */
    static Credentials parse(String header) {
      String value = header.trim();
      int space = value.indexOf(' ');
      if (space < 0) {
        return null;
      }
      String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
      String rest = value.substring(space + 1).trim();
      if (scheme.equals("bearer")) {
        return rest.isEmpty() ? null : new Credentials(rest, null);
      }
      if (!scheme.equals("basic")) {
        return null;
      }
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(rest), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return null;
      }
      return new Credentials(decoded.substring(colon + 1), decoded.substring(0, colon));
    }
  }
}
