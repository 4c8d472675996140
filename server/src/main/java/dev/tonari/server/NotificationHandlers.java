package dev.tonari.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.alerts.delivery.notify.Notifier;
import dev.tonari.alerts.delivery.notify.OutboxItem;
import dev.tonari.alerts.delivery.silence.InvalidSilenceException;
import dev.tonari.alerts.delivery.silence.Silence;
import dev.tonari.alerts.delivery.silence.SilenceJson;
import dev.tonari.alerts.delivery.silence.SilenceStore;
import dev.tonari.tenancy.auth.AuditLog;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The built-in notifier's API, per tenant:
 *
 * <ul>
 *   <li>Silences in Alertmanager's v2 shapes and paths under {@code /alertmanager} (as Mimir serves
 *       a tenant's Alertmanager), so {@code amtool --alertmanager.url=http://tonari:3100/alertmanager}
 *       and Grafana's Alertmanager data source work: {@code GET|POST /alertmanager/api/v2/silences},
 *       {@code GET|DELETE /alertmanager/api/v2/silence/{id}}.
 *   <li>Dead letters, the notifications that failed their last try: {@code GET
 *       /tonari/api/v1/notifications/dead_letters}, {@code POST .../{id}/retry}, {@code DELETE .../{id}}.
 * </ul>
 *
 * Without {@code ruler.notifications_dir} there is no notifier: the dead-letter list is empty, and
 * silences are kept for when one is configured.
 *
 * <p>The tenant gate has authorized {@code alerts-read} (GET) or {@code alerts-write} on exactly one
 * tenant before these run; writes are recorded in the audit log.
 */
final class NotificationHandlers {
  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final SilenceStore silences;
  private final Optional<Notifier> notifier;
  private final AuditLog audit;
  private final Clock clock;

  NotificationHandlers(SilenceStore silences, Optional<Notifier> notifier, AuditLog audit, Clock clock) {
    this.silences = silences;
    this.notifier = notifier;
    this.audit = audit;
    this.clock = clock;
  }

  void listSilences(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    json(ctx, 200, MAPPER.writeValueAsBytes(SilenceJson.toJson(silences.list(tenant), clock.instant())));
  }

  void getSilence(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String id = ctx.pathParam("id");
    Optional<Silence> silence = silences.get(tenant, id);
    if (silence.isEmpty()) {
      plain(ctx, 404, "silence not found: no silence with id '" + id + "' in tenant " + tenant);
      return;
    }
    json(ctx, 200, MAPPER.writeValueAsBytes(SilenceJson.toJson(silence.get(), clock.instant())));
  }

  /** Alertmanager answers a created or updated silence with {@code {"silenceID": "..."}}. */
  void postSilence(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String actor = AuditLog.actor(RequestTenants.principalOf(ctx));
    byte[] body = ctx.bodyAsBytes();
    if (body.length > MAX_BODY_BYTES) {
      plain(ctx, 413, "silence body of " + body.length + " bytes is over the limit of " + MAX_BODY_BYTES + " bytes");
      return;
    }
    String id;
    try {
      id = silences.create(tenant, SilenceJson.parsePostable(new String(body, StandardCharsets.UTF_8)));
    } catch (InvalidSilenceException e) {
      audit.record(actor, "silence.create", "tenant " + tenant, ctx.req().getRemoteAddr(), "refused: " + e.getMessage());
      plain(ctx, e.notFound() ? 404 : 400, e.getMessage());
      return;
    }
    audit.record(actor, "silence.create", "tenant " + tenant + " silence " + id, ctx.req().getRemoteAddr(), "ok");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeStringField("silenceID", id);
      json.writeEndObject();
    }
    json(ctx, 200, bytes.toByteArray());
  }

  void expireSilence(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String actor = AuditLog.actor(RequestTenants.principalOf(ctx));
    String id = ctx.pathParam("id");
    try {
      silences.expire(tenant, id);
    } catch (InvalidSilenceException e) {
      plain(ctx, e.notFound() ? 404 : 400, e.getMessage());
      return;
    }
    audit.record(actor, "silence.expire", "tenant " + tenant + " silence " + id, ctx.req().getRemoteAddr(), "ok");
    ctx.status(200);
  }

  void listDeadLetters(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    List<OutboxItem> items = notifier.map(n -> n.deadLetters(tenant)).orElse(List.of());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeStringField("status", "success");
      json.writeArrayFieldStart("data");
      for (OutboxItem item : items) {
        json.writeStartObject();
        json.writeStringField("id", item.id());
        json.writeStringField("receiver", item.receiver());
        json.writeStringField("integration", item.integrationType());
        json.writeStringField("groupKey", item.groupKey());
        json.writeStringField("createdAt", item.createdAt().toString());
        json.writeNumberField("attempts", item.attempts());
        json.writeStringField("lastError", item.lastError());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    json(ctx, 200, bytes.toByteArray());
  }

  void retryDeadLetter(Context ctx) throws Exception {
    deadLetterAction(ctx, "dead_letter.retry", id -> notifier.isPresent() && notifier.get().retryDeadLetter(id));
  }

  void discardDeadLetter(Context ctx) throws Exception {
    deadLetterAction(ctx, "dead_letter.discard", id -> notifier.isPresent() && notifier.get().discard(id));
  }

  private interface DeadLetterAction {
    boolean apply(String id) throws IOException;
  }

  /** Only a dead letter of the request's tenant may be touched: the notifier's ids are global. */
  private void deadLetterAction(Context ctx, String action, DeadLetterAction apply) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String actor = AuditLog.actor(RequestTenants.principalOf(ctx));
    String id = ctx.pathParam("id");
    boolean ours = notifier.map(n -> n.deadLetters(tenant)).orElse(List.of()).stream().anyMatch(item -> item.id().equals(id));
    if (!ours || !apply.apply(id)) {
      plain(ctx, 404, "dead letter not found: no dead letter with id '" + id + "' in tenant " + tenant);
      return;
    }
    audit.record(actor, action, "tenant " + tenant + " notification " + id, ctx.req().getRemoteAddr(), "ok");
    ctx.status(202).contentType("application/json; charset=utf-8").result("{\"status\":\"success\"}\n");
  }

  private static void json(Context ctx, int status, byte[] body) {
    ctx.status(status).contentType("application/json; charset=utf-8").result(body);
  }

  private static void plain(Context ctx, int status, String message) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
  }
}
