package dev.tonari.server;

import com.google.re2j.Pattern;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.tenancy.auth.Action;
import dev.tonari.tenancy.auth.AuditLog;
import dev.tonari.tenancy.auth.Authorizer;
import dev.tonari.tenancy.auth.Principal;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.auth.TokenRecord;
import dev.tonari.tenancy.auth.TokenStore;
import dev.tonari.tenancy.config.LokiUnits;
import dev.tonari.tenancy.config.TenantConfig;
import dev.tonari.tenancy.config.TenantIds;
import dev.tonari.tenancy.usage.UsageMeter;
import dev.tonari.tenancy.usage.UsageReport;
import dev.tonari.tenancy.usage.UsageRenderers;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Tonari's own admin API under {@code /tonari/api/v1/}:
 *
 * <ul>
 *   <li>{@code POST /tokens} with JSON {@code {"tenants":["a"],"role":"writer","name":"ci","expires":"90d"}}
 *       ({@code "tenant":"a"} for one) creates a token and answers 201 with its text, shown once;
 *   <li>{@code GET /tokens} lists the tokens the caller may manage (never secrets);
 *   <li>{@code DELETE /tokens/{id}} revokes one by id or name;
 *   <li>{@code GET /usage?from=&to=&tenant=&format=json|csv|table} reports usage and cost per
 *       tenant and UTC day ({@code from} defaults to the first day of {@code to}'s month, {@code to}
 *       to today; {@code tenant} is one ID or several joined with {@code |} or {@code ,}).
 * </ul>
 *
 * Admins manage every token and see everyone's usage; tenant admins manage writer, reader and
 * tenant-admin tokens of their tenants; readers see their tenants' usage. Every token action, and
 * every refusal of one, is written to the {@link AuditLog} before the answer is sent.
 */
final class AdminHandlers {
  private static final Pattern TENANT_SEPARATOR = Pattern.compile("[|,]");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TokenStore tokens;
  private final AuditLog audit;
  private final UsageMeter meter;
  private final Supplier<TenantConfig> tenantConfig;
  private final Clock clock;

  AdminHandlers(TokenStore tokens, AuditLog audit, UsageMeter meter, Supplier<TenantConfig> tenantConfig, Clock clock) {
    this.tokens = tokens;
    this.audit = audit;
    this.meter = meter;
    this.tenantConfig = tenantConfig;
    this.clock = clock;
  }

  /** A refusal with its status, answered as plain text and audited. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Refusal(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  void createToken(Context ctx) throws IOException {
    Principal who = RequestTenants.principalOf(ctx);
    String target = "token";
    try {
      JsonNode body = parseBody(ctx);
      Role role = Role.parse(requiredText(body, "role"));
      Set<String> granted = tenantsOf(body);
      String name = optionalText(body, "name");
      Optional<Duration> expires = Optional.ofNullable(optionalText(body, "expires")).map(AdminHandlers::parseExpiry);
      target = "token " + (name == null ? "(unnamed)" : name) + " role " + role.text() + " tenants " + String.join(",", new TreeSet<>(granted));
      requireAllowed(Authorizer.mayManageToken(who, role, granted));
      TokenStore.CreatedToken created = tokens.create(name, granted, role, expires);
      target = describe(created.record());
      audit.record(AuditLog.actor(who), "token.create", target, source(ctx), "ok");
      ObjectNode answer = tokenJson(created.record());
      answer.put("token", created.text());
      ctx.status(201).contentType("application/json; charset=utf-8").result(JSON.writeValueAsString(answer) + "\n");
    } catch (Refusal e) {
      refuse(ctx, who, "token.create", target, e.status, e.getMessage());
    } catch (IllegalArgumentException e) {
      refuse(ctx, who, "token.create", target, 400, e.getMessage());
    }
  }

  void listTokens(Context ctx) throws IOException {
    Principal who = RequestTenants.principalOf(ctx);
    if (!who.role().allows(Action.MANAGE_TOKENS_ALL) && !who.role().allows(Action.MANAGE_TOKENS_OWN)) {
      refuse(ctx, who, "token.list", "tokens", 403, "token '" + who.name() + "' has role " + who.role().text() + ", which may not manage tokens");
      return;
    }
    Instant now = clock.instant();
    ArrayNode list = JSON.createArrayNode();
    for (TokenRecord record : tokens.list()) {
      if (Authorizer.mayManageToken(who, record.role(), Set.copyOf(record.tenants())) instanceof Authorizer.Decision.Allowed) {
        ObjectNode node = tokenJson(record);
        node.put("active", record.isActive(now));
        list.add(node);
      }
    }
    audit.record(AuditLog.actor(who), "token.list", list.size() + " tokens", source(ctx), "ok");
    ObjectNode answer = JSON.createObjectNode();
    answer.set("tokens", list);
    ctx.status(200).contentType("application/json; charset=utf-8").result(JSON.writeValueAsString(answer) + "\n");
  }

  void revokeToken(Context ctx) throws IOException {
    Principal who = RequestTenants.principalOf(ctx);
    String idOrName = ctx.pathParam("id");
    String target = "token " + idOrName;
    try {
      TokenRecord record = find(idOrName);
      target = describe(record);
      if (Authorizer.mayManageToken(who, record.role(), Set.copyOf(record.tenants())) instanceof Authorizer.Decision.Refused refused) {
        // A token out of the caller's reach is answered as one that does not exist (as Loki answers another tenant's
        // objects): a 403 naming its tenants would tell tenant A what tenant B's tokens are. The audit keeps the reason.
        audit.record(AuditLog.actor(who), "token.revoke", target, source(ctx), "refused: " + refused.message());
        ctx.status(404).contentType("text/plain; charset=utf-8").result(notFound(idOrName) + "\n");
        return;
      }
      TokenRecord revoked = tokens.revoke(record.id());
      audit.record(AuditLog.actor(who), "token.revoke", target, source(ctx), "ok");
      ObjectNode answer = tokenJson(revoked);
      answer.put("active", false);
      ctx.status(200).contentType("application/json; charset=utf-8").result(JSON.writeValueAsString(answer) + "\n");
    } catch (Refusal e) {
      refuse(ctx, who, "token.revoke", target, e.status, e.getMessage());
    }
  }

  void usage(Context ctx) throws IOException {
    Principal who = RequestTenants.principalOf(ctx);
    String target = "usage";
    try {
      LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
      LocalDate to = date(ctx.queryParam("to"), "to", today);
      LocalDate from = date(ctx.queryParam("from"), "from", to.withDayOfMonth(1));
      if (from.isAfter(to)) {
        throw new Refusal(400, "usage: from " + from + " is after to " + to);
      }
      Set<String> named = tenantsParam(ctx.queryParam("tenant"));
      if (named.isEmpty()) {
        // X-Scope-OrgID narrows the report as it narrows reads; the gate checked it against the token.
        named.addAll(RequestTenants.tenantsOf(ctx));
      }
      Predicate<String> visible = visibleTenants(who, named);
      target = "usage " + from + ".." + to + (named.isEmpty() ? "" : " tenants " + String.join(",", named));
      UsageReport report = UsageReport.build(meter.snapshot(from, to), from, to, visible, tenantConfig.get().pricing());
      String format = Optional.ofNullable(ctx.queryParam("format")).orElse("json").trim().toLowerCase(Locale.ROOT);
      switch (format) {
        case "json" -> ctx.contentType("application/json; charset=utf-8").result(UsageRenderers.json(report));
        case "csv" -> ctx.contentType("text/csv; charset=utf-8").result(UsageRenderers.csv(report));
        case "table" -> ctx.contentType("text/plain; charset=utf-8").result(UsageRenderers.table(report, false));
        default -> throw new Refusal(400, "usage: unknown format '" + format + "'; expected json, csv or table");
      }
      ctx.status(200);
      if (who.role().allows(Action.USAGE_ALL)) {
        audit.record(AuditLog.actor(who), "usage.read", target, source(ctx), "ok");
      }
    } catch (Refusal e) {
      refuse(ctx, who, "usage.read", target, e.status, e.getMessage());
    }
  }

  /** Admins see every tenant (or those named); others only tenants they hold, all named ones held. */
  private static Predicate<String> visibleTenants(Principal who, Set<String> named) throws Refusal {
    if (who.role().allows(Action.USAGE_ALL)) {
      return named.isEmpty() ? tenant -> true : named::contains;
    }
    if (!who.role().allows(Action.USAGE_OWN)) {
      throw new Refusal(403, "token '" + who.name() + "' has role " + who.role().text() + ", which may not read usage");
    }
    for (String tenant : named) {
      if (!who.holds(tenant)) {
        throw new Refusal(403, "token '" + who.name() + "' is not granted tenant '" + tenant + "'");
      }
    }
    Set<String> own = named.isEmpty() ? who.tenants() : named;
    return own::contains;
  }

  private static Set<String> tenantsParam(String text) throws Refusal {
    Set<String> tenants = new LinkedHashSet<>();
    if (text == null || text.isBlank()) {
      return tenants;
    }
    for (String part : TENANT_SEPARATOR.split(text)) {
      String tenant = part.trim();
      Optional<String> problem = TenantIds.problem(tenant);
      if (problem.isPresent()) {
        throw new Refusal(400, "invalid tenant parameter: " + problem.get());
      }
      tenants.add(tenant);
    }
    return tenants;
  }

  private static LocalDate date(String text, String name, LocalDate fallback) throws Refusal {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return LocalDate.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new Refusal(400, "usage: invalid " + name + " parameter \"" + text + "\": expected a UTC day as YYYY-MM-DD");
    }
  }

  private static String notFound(String idOrName) {
    return "no token with id or active name '" + idOrName + "' among the tokens you may manage; list them with GET /tonari/api/v1/tokens";
  }

  private TokenRecord find(String idOrName) throws Refusal {
    Instant now = clock.instant();
    TokenRecord byName = null;
    for (TokenRecord record : tokens.list()) {
      if (record.id().equals(idOrName)) {
        return record;
      }
      if (record.name().equals(idOrName) && record.isActive(now)) {
        byName = record;
      }
    }
    if (byName == null) {
      throw new Refusal(404, notFound(idOrName));
    }
    return byName;
  }

  private static void requireAllowed(Authorizer.Decision decision) throws Refusal {
    if (decision instanceof Authorizer.Decision.Refused refused) {
      throw new Refusal(refused.status(), refused.message());
    }
  }

  private static JsonNode parseBody(Context ctx) throws Refusal {
    String body = ctx.body();
    if (body.isBlank()) {
      throw new Refusal(400, "token request needs a JSON body such as {\"tenants\":[\"team-a\"],\"role\":\"writer\",\"name\":\"ci\",\"expires\":\"90d\"}");
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new Refusal(400, "token request body must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new Refusal(400, "token request body is not valid JSON: " + e.getMessage());
    }
  }

  private static Set<String> tenantsOf(JsonNode body) throws Refusal {
    Set<String> tenants = new TreeSet<>();
    JsonNode list = body.get("tenants");
    if (list != null && list.isArray()) {
      for (JsonNode tenant : list) {
        tenants.add(tenant.asText());
      }
    }
    String single = optionalText(body, "tenant");
    if (single != null) {
      tenants.add(single);
    }
    if (tenants.isEmpty()) {
      throw new Refusal(400, "token request needs \"tenants\" (a list) or \"tenant\"; admins use \"*\"");
    }
    return tenants;
  }

  private static String requiredText(JsonNode body, String field) throws Refusal {
    String value = optionalText(body, field);
    if (value == null) {
      throw new Refusal(400, "token request needs the text field \"" + field + "\"");
    }
    return value;
  }

  private static String optionalText(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText().trim();
  }

  static Duration parseExpiry(String text) {
    Duration expiry = LokiUnits.parseDuration(text);
    if (expiry.isZero() || expiry.isNegative()) {
      throw new IllegalArgumentException("expires must be a positive duration such as 90d, got " + text);
    }
    return expiry;
  }

  static ObjectNode tokenJson(TokenRecord record) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", record.id());
    node.put("name", record.name());
    ArrayNode tenants = node.putArray("tenants");
    record.tenants().forEach(tenants::add);
    node.put("role", record.role().text());
    node.put("created", record.created().toString());
    node.put("expires", record.expires().map(Instant::toString).orElse(null));
    node.put("revoked", record.revoked().map(Instant::toString).orElse(null));
    return node;
  }

  private static String describe(TokenRecord record) {
    return "token " + record.name() + " (id " + record.id() + ") role " + record.role().text() + " tenants " + String.join(",", record.tenants());
  }

  private void refuse(Context ctx, Principal who, String action, String target, int status, String message) throws IOException {
    audit.record(AuditLog.actor(who), action, target, source(ctx), "refused " + status + ": " + message);
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
  }

  private static String source(Context ctx) {
    return ctx.req().getRemoteAddr();
  }
}
