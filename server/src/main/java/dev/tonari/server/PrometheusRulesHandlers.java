package dev.tonari.server;

import dev.tonari.rules.eval.PrometheusRulesJson;
import dev.tonari.rules.eval.Ruler;
import dev.tonari.rules.eval.RulesFilter;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Prometheus' rules and alerts API over the ruler, as Loki serves it for Grafana's alerting UI:
 * {@code GET /prometheus/api/v1/rules} (filters {@code type=alert|record}, {@code file[]}, {@code
 * rule_group[]}, {@code rule_name[]}, {@code exclude_alerts}) and {@code GET
 * /prometheus/api/v1/alerts}, in Prometheus' JSON shapes, for the request's one tenant. A bad filter
 * is Prometheus' {@code bad_data} with 400.
 */
final class PrometheusRulesHandlers {
  private final Supplier<Optional<Ruler>> ruler;

  PrometheusRulesHandlers(Supplier<Optional<Ruler>> ruler) {
    this.ruler = ruler;
  }

  void rules(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    RulesFilter filter;
    try {
      filter = RulesFilter.parse(parameters(ctx));
    } catch (IllegalArgumentException e) {
      error(ctx, 400, "bad_data", e.getMessage());
      return;
    }
    Optional<Ruler> running = ruler.get();
    if (running.isEmpty()) {
      error(ctx, 503, "unavailable", "the ruler is starting");
      return;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    PrometheusRulesJson.writeRules(running.get().rules(tenant), filter, body);
    json(ctx, 200, body.toByteArray());
  }

  void alerts(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    Optional<Ruler> running = ruler.get();
    if (running.isEmpty()) {
      error(ctx, 503, "unavailable", "the ruler is starting");
      return;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    PrometheusRulesJson.writeAlerts(running.get().alerts(tenant), body);
    json(ctx, 200, body.toByteArray());
  }

  /** Query and form parameters together, as Prometheus reads {@code r.Form}. */
  private static Map<String, List<String>> parameters(Context ctx) {
    Map<String, List<String>> parameters = new java.util.LinkedHashMap<>(ctx.queryParamMap());
    if (ctx.method().name().equals("POST") && ctx.contentType() != null && ctx.contentType().startsWith("application/x-www-form-urlencoded")) {
      ctx.formParamMap().forEach((name, values) -> parameters.merge(name, values, (a, b) -> {
        List<String> both = new java.util.ArrayList<>(a);
        both.addAll(b);
        return both;
      }));
    }
    return parameters;
  }

  private static void error(Context ctx, int status, String type, String message) throws java.io.IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    PrometheusRulesJson.writeError(type, message, body);
    json(ctx, status, body.toByteArray());
  }

  private static void json(Context ctx, int status, byte[] body) {
    ctx.status(status).contentType("application/json").result(body);
  }
}
