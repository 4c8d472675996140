package dev.tonari.server;

import dev.tonari.rules.file.RuleFileException;
import dev.tonari.rules.file.RuleFileParser;
import dev.tonari.rules.file.RuleFileWriter;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.rules.store.RuleStore;
import dev.tonari.rules.store.RuleStoreException;
import dev.tonari.tenancy.auth.AuditLog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loki's rules API (the ruler's configuration API, which Grafana's alerting UI, {@code lokitool
 * rules} and {@code cortextool rules} use), at {@code /loki/api/v1/rules} and the legacy
 * {@code /api/prom/rules}, answering as Loki does:
 *
 * <ul>
 *   <li>{@code GET /rules}: YAML mapping each namespace to its groups; 404 {@code no rule groups found};
 *   <li>{@code GET /rules/{namespace}}: {@code namespace: [groups]}; 404 {@code no rule groups found};
 *   <li>{@code GET /rules/{namespace}/{group}}: the group; 404 {@code group does not exist};
 *   <li>{@code POST /rules/{namespace}}: one group (YAML, or JSON as Grafana sends it) replacing the
 *       group of its name or added; 202 with {@value #ACCEPTED}; 400 with every problem as
 *       {@code body:LINE:COL: message}; 409 for a namespace a rule file owns or {@code slo};
 *   <li>{@code DELETE /rules/{namespace}} and {@code /rules/{namespace}/{group}}: 202; 404 when absent.
 * </ul>
 *
 * YAML answers are {@code application/yaml}, errors plain text. Namespaces and groups are
 * URL-escaped in paths by clients ({@code team%2Fapp}). The tenant gate has authorized
 * {@code rules-read} (GET) or {@code rules-write} on exactly one tenant; writes are recorded in the
 * audit log.
 */
final class RulesApiHandlers {
  /** Loki's body of a 202: its {@code response} struct with status success and nothing else. */
  static final String ACCEPTED = "{\"status\":\"success\",\"data\":null,\"errorType\":\"\",\"error\":\"\"}";
  static final String NO_RULE_GROUPS = "no rule groups found";
  static final String NO_GROUP = "group does not exist";
  static final List<String> PREFIXES = List.of("/loki/api/v1/rules", "/api/prom/rules");

  private final RuleStore store;
  private final AuditLog audit;
  private final RuleFileParser parser = new RuleFileParser();

  RulesApiHandlers(RuleStore store, AuditLog audit) {
    this.store = store;
    this.audit = audit;
  }

  /** Registers the routes under both prefixes. */
  void register(RoutesConfig routes) {
    for (String prefix : PREFIXES) {
      routes.get(prefix, this::listAll);
      routes.get(prefix + "/{namespace}", this::listNamespace);
      routes.get(prefix + "/{namespace}/{group}", this::getGroup);
      routes.post(prefix + "/{namespace}", this::setGroup);
      routes.delete(prefix + "/{namespace}", this::deleteNamespace);
      routes.delete(prefix + "/{namespace}/{group}", this::deleteGroup);
    }
  }

  void listAll(Context ctx) throws Exception {
    Map<String, List<RuleGroup>> groups = new LinkedHashMap<>();
    for (RuleNamespace namespace : store.listNamespaces(RequestTenants.tenantOf(ctx))) {
      if (!namespace.groups().isEmpty()) {
        groups.put(namespace.name(), namespace.groups());
      }
    }
    if (groups.isEmpty()) {
      plain(ctx, 404, NO_RULE_GROUPS);
      return;
    }
    yaml(ctx, RuleFileWriter.namespaces(groups));
  }

  void listNamespace(Context ctx) throws Exception {
    String namespace = ctx.pathParam("namespace");
    Optional<RuleNamespace> found = store.namespace(RequestTenants.tenantOf(ctx), namespace).filter(ns -> !ns.groups().isEmpty());
    if (found.isEmpty()) {
      plain(ctx, 404, NO_RULE_GROUPS);
      return;
    }
    yaml(ctx, RuleFileWriter.namespace(namespace, found.get().groups()));
  }

  void getGroup(Context ctx) throws Exception {
    Optional<RuleGroup> group = store.group(RequestTenants.tenantOf(ctx), ctx.pathParam("namespace"), ctx.pathParam("group"));
    if (group.isEmpty()) {
      plain(ctx, 404, NO_GROUP);
      return;
    }
    yaml(ctx, RuleFileWriter.group(group.get()));
  }

  void setGroup(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String namespace = ctx.pathParam("namespace");
    String target = "tenant " + tenant + " namespace " + namespace;
    int limit = store.limits().maxBodyBytes();
    // Read at most one byte past the limit ourselves: Javalin's own cap (bodyAsBytes) is not ours and answers without saying which limit.
    byte[] body;
    try (java.io.InputStream in = ctx.bodyInputStream()) {
      body = in.readNBytes(limit + 1);
    }
    if (body.length > limit) {
      record(ctx, "rules.set_group", target, "refused: too large");
      plain(ctx, 413, "rule group body is over the limit of " + limit + " bytes");
      return;
    }
    RuleGroup group;
    try {
      group = parser.parseGroup("body", new String(body, StandardCharsets.UTF_8));
    } catch (RuleFileException e) {
      record(ctx, "rules.set_group", target, "refused: invalid");
      plain(ctx, 400, e.getMessage());
      return;
    }
    change(ctx, "rules.set_group", target + " group " + group.name(), () -> store.putGroup(tenant, namespace, group));
  }

  void deleteNamespace(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String namespace = ctx.pathParam("namespace");
    change(ctx, "rules.delete_namespace", "tenant " + tenant + " namespace " + namespace, () -> store.deleteNamespace(tenant, namespace));
  }

  void deleteGroup(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String namespace = ctx.pathParam("namespace");
    String group = ctx.pathParam("group");
    change(ctx, "rules.delete_group", "tenant " + tenant + " namespace " + namespace + " group " + group,
        () -> store.deleteGroup(tenant, namespace, group));
  }

  private interface Change {
    void apply() throws RuleStoreException;
  }

  /** Applies a store change; 202 with Loki's body, or the refusal's status and message; audited either way. */
  private void change(Context ctx, String action, String target, Change change) throws IOException {
    try {
      change.apply();
    } catch (RuleStoreException e) {
      record(ctx, action, target, "refused: " + e.reason().name().toLowerCase(java.util.Locale.ROOT));
      plain(ctx, e.reason().status(), e.getMessage());
      return;
    }
    record(ctx, action, target, "ok");
    ctx.status(202).contentType("application/json").result(ACCEPTED);
  }

  private void record(Context ctx, String action, String target, String outcome) throws IOException {
    audit.record(AuditLog.actor(RequestTenants.principalOf(ctx)), action, target, ctx.req().getRemoteAddr(), outcome);
  }

  private static void yaml(Context ctx, String text) {
    ctx.status(200).contentType("application/yaml").result(text);
  }

  private static void plain(Context ctx, int status, String message) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
  }
}
