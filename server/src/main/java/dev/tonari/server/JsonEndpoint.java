package dev.tonari.server;

import dev.tonari.query.QueryException;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one read endpoint the way every Loki read endpoint answers: the tenant as {@link
 * RequestTenants} resolved it ({@code a|b} for a multi-tenant read), a JSON body on success, and on refusal a plain-text message with Loki's status
 * (400 for bad input, the {@link QueryException}'s status otherwise, 500 for failures, which are
 * logged). The body is built in memory first so that a failure halfway never sends half a JSON
 * document with status 200.
 */
final class JsonEndpoint {
  private static final Logger log = LoggerFactory.getLogger(JsonEndpoint.class);
  private static final String JSON = "application/json; charset=utf-8";

  private JsonEndpoint() {}

  /** Writes the answer of one request for a tenant. */
  @FunctionalInterface
  interface Body {
    void write(Context ctx, String tenant, OutputStream out) throws QueryException, IOException;
  }

  static void serve(Context ctx, String endpoint, ServerMetrics metrics, Body body) {
    serve(ctx, endpoint, metrics, body, false);
  }

  /**
   * As {@link #serve(Context, String, ServerMetrics, Body)}; with {@code jsonErrors} a refusal is
   * {@code {"message": "..."}} instead of plain text, for endpoints whose callers (Grafana's
   * resource calls made by Logs Drilldown) show an error body's {@code message}.
   */
  static void serve(Context ctx, String endpoint, ServerMetrics metrics, Body body, boolean jsonErrors) {
    long started = System.nanoTime();
    int status;
    String tenant = null;
    try {
      tenant = RequestTenants.tenantOf(ctx);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      body.write(ctx, tenant, out);
      ctx.status(200).contentType(JSON).result(out.toByteArray());
      status = 200;
    } catch (RequestTenants.InvalidTenantException e) {
      status = refuse(ctx, 400, e.getMessage(), jsonErrors);
    } catch (QueryException e) {
      java.util.Optional<ClusterUnavailable> unavailable = ClusterUnavailable.of(e);
      if (unavailable.isPresent()) {
        metrics.recordQuery(endpoint, unavailable.get().answer(ctx, metrics), System.nanoTime() - started);
        return;
      }
      if (e.status() >= 500) {
        log.error("{} request {} of tenant {} failed", endpoint, ctx.queryString(), tenant, e);
      }
      status = refuse(ctx, e.status(), e.getMessage(), jsonErrors);
    } catch (IllegalArgumentException e) {
      status = refuse(ctx, 400, e.getMessage(), jsonErrors);
    } catch (IOException | RuntimeException e) {
      java.util.Optional<ClusterUnavailable> unavailable = ClusterUnavailable.of(e);
      if (unavailable.isPresent()) {
        metrics.recordQuery(endpoint, unavailable.get().answer(ctx, metrics), System.nanoTime() - started);
        return;
      }
      log.error("{} request {} of tenant {} failed", endpoint, ctx.queryString(), tenant, e);
      status = refuse(ctx, 500, endpoint + " failed for tenant " + tenant + ": " + e, jsonErrors);
    }
    metrics.recordQuery(endpoint, status, System.nanoTime() - started);
  }

  private static int refuse(Context ctx, int status, String message, boolean json) {
    if (!json) {
      return plain(ctx, status, message);
    }
    ctx.status(status).contentType(JSON).result(DrilldownJson.message(message));
    return status;
  }

  private static int plain(Context ctx, int status, String message) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
    return status;
  }
}
