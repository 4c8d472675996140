package dev.tonari.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.alerts.history.AlertEpisode;
import dev.tonari.alerts.history.AlertHistory;
import dev.tonari.alerts.history.HistoryEntry;
import dev.tonari.alerts.history.TransitionFilter;
import dev.tonari.alerts.history.UnknownEpisodeException;
import dev.tonari.alerts.toil.ToilCalculator;
import dev.tonari.alerts.toil.ToilJson;
import dev.tonari.alerts.toil.ToilRenderers;
import dev.tonari.alerts.toil.ToilReport;
import dev.tonari.alerts.toil.ToilReports;
import dev.tonari.tenancy.auth.AuditLog;
import dev.tonari.tenancy.auth.Principal;
import dev.tonari.tenancy.config.LokiUnits;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The alert history API, on exactly one tenant each (the tenant gate has authorized {@code
 * alerts-read} for GET and {@code alerts-write} for POST):
 *
 * <ul>
 *   <li>{@code GET /tonari/api/v1/alerts/history?start=&end=&since=&rule=&label=NAME=VALUE&limit=}:
 *       state changes, newest first; {@code start} and {@code end} in Loki's time formats, {@code
 *       end} defaulting to now and {@code start} to {@code since} (a duration, default 24h) before
 *       it; {@code label} repeatable; {@code limit} default 500, at most 10,000;
 *   <li>{@code GET /tonari/api/v1/alerts/episodes?start=&end=&since=&limit=}: episodes active in
 *       the range, newest first;
 *   <li>{@code POST /tonari/api/v1/alerts/{id}/ack} with an optional JSON body {@code {"by": "...",
 *       "comment": "..."}}: acknowledges an episode (idempotent: the first acknowledgement stays);
 *       {@code by} defaults to the token's name (or {@code anonymous} with authentication off).
 *       404 for an unknown episode. Recorded in the audit log;
 *   <li>{@code GET /tonari/api/v1/toil?since=4w&format=json|markdown|text&top=5}: the toil report
 *       of the last {@code since} (at most the history's retention).
 * </ul>
 *
 * JSON answers are {@code {"status": "success", "data": ...}} with the objects of {@link
 * AlertHistoryJson}; refusals are plain text.
 */
final class AlertHistoryHandlers {
  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final Duration DEFAULT_RANGE = Duration.ofHours(24);
  static final int DEFAULT_LIMIT = 500;
  static final int MAX_LIMIT = 10_000;
  static final int MAX_BODY_BYTES = 64 << 10;
  static final int MAX_BY_CHARACTERS = 200;
  static final int MAX_COMMENT_CHARACTERS = 4000;
  static final String DEFAULT_TOIL_PERIOD = "4w";
  static final int MAX_TOP_RULES = 50;

  private final AlertHistory history;
  private final ToilReports toil;
  private final AuditLog audit;
  private final Clock clock;

  AlertHistoryHandlers(AlertHistory history, ToilReports toil, AuditLog audit, Clock clock) {
    this.history = history;
    this.toil = toil;
    this.audit = audit;
    this.clock = clock;
  }

  /** Adds this API's routes. */
  void register(RoutesConfig routes) {
    routes.get("/tonari/api/v1/alerts/history", this::transitions);
    routes.get("/tonari/api/v1/alerts/episodes", this::episodes);
    routes.post("/tonari/api/v1/alerts/{id}/ack", this::acknowledge);
    routes.get("/tonari/api/v1/toil", this::toil);
  }

  void transitions(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    Range range;
    TransitionFilter filter;
    int limit;
    try {
      range = range(ctx);
      limit = limit(ctx);
      filter = new TransitionFilter(Optional.ofNullable(ctx.queryParam("rule")).map(String::trim).filter(rule -> !rule.isEmpty()), labels(ctx));
    } catch (IllegalArgumentException e) {
      plain(ctx, 400, e.getMessage());
      return;
    }
    List<HistoryEntry> entries = history.transitions(tenant, range.start(), range.end(), filter, limit);
    answerJson(ctx, json -> {
      json.writeArrayFieldStart("data");
      for (HistoryEntry entry : entries) {
        AlertHistoryJson.write(json, entry);
      }
      json.writeEndArray();
    });
  }

  void episodes(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    Range range;
    int limit;
    try {
      range = range(ctx);
      limit = limit(ctx);
    } catch (IllegalArgumentException e) {
      plain(ctx, 400, e.getMessage());
      return;
    }
    List<AlertEpisode> episodes = history.episodes(tenant, range.start(), range.end(), limit);
    answerJson(ctx, json -> {
      json.writeArrayFieldStart("data");
      for (AlertEpisode episode : episodes) {
        AlertHistoryJson.write(json, episode);
      }
      json.writeEndArray();
    });
  }

  void acknowledge(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String id = ctx.pathParam("id");
    Principal principal = RequestTenants.principalOf(ctx);
    String actor = AuditLog.actor(principal);
    byte[] body = ctx.bodyAsBytes();
    if (body.length > MAX_BODY_BYTES) {
      plain(ctx, 413, "acknowledgement body of " + body.length + " bytes is over the limit of " + MAX_BODY_BYTES + " bytes");
      return;
    }
    String by = principal.name();
    String comment = "";
    if (body.length > 0 && !new String(body, StandardCharsets.UTF_8).isBlank()) {
      JsonNode request;
      try {
        request = MAPPER.readTree(body);
      } catch (JsonProcessingException e) {
        plain(ctx, 400, "acknowledgement body is not JSON: " + e.getOriginalMessage() + "; expected {\"by\": \"...\", \"comment\": \"...\"}");
        return;
      }
      if (!request.isObject()) {
        plain(ctx, 400, "acknowledgement body must be a JSON object such as {\"by\": \"...\", \"comment\": \"...\"}");
        return;
      }
      for (Map.Entry<String, JsonNode> field : request.properties()) {
        if (!field.getKey().equals("by") && !field.getKey().equals("comment")) {
          plain(ctx, 400, "acknowledgement body: unknown field '" + field.getKey() + "'; known fields: by, comment");
          return;
        }
        if (!field.getValue().isTextual() && !field.getValue().isNull()) {
          plain(ctx, 400, "acknowledgement body: '" + field.getKey() + "' must be a string");
          return;
        }
      }
      if (request.hasNonNull("by") && !request.get("by").asText().isBlank()) {
        by = request.get("by").asText().strip();
      }
      if (request.hasNonNull("comment")) {
        comment = request.get("comment").asText().strip();
      }
    }
    if (by.length() > MAX_BY_CHARACTERS || comment.length() > MAX_COMMENT_CHARACTERS) {
      plain(ctx, 400, "acknowledgement: 'by' may have at most " + MAX_BY_CHARACTERS + " characters and 'comment' at most " + MAX_COMMENT_CHARACTERS);
      return;
    }
    AlertEpisode episode;
    try {
      episode = history.acknowledge(tenant, id, by, comment, clock.instant());
    } catch (UnknownEpisodeException e) {
      audit.record(actor, "alert.ack", "tenant " + tenant + " episode " + id, ctx.req().getRemoteAddr(), "refused: unknown episode");
      plain(ctx, 404, e.getMessage());
      return;
    }
    audit.record(actor, "alert.ack", "tenant " + tenant + " episode " + id + " by " + by, ctx.req().getRemoteAddr(), "ok");
    answerJson(ctx, json -> {
      json.writeFieldName("data");
      AlertHistoryJson.write(json, episode);
    });
  }

  void toil(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    Duration since;
    int top;
    try {
      since = LokiUnits.parseDuration(Optional.ofNullable(ctx.queryParam("since")).filter(s -> !s.isBlank()).orElse(DEFAULT_TOIL_PERIOD));
      if (since.isNegative() || since.isZero() || since.compareTo(history.retention()) > 0) {
        throw new IllegalArgumentException("toil: since must be positive and at most the history's retention of "
            + LokiUnits.formatDuration(history.retention()) + ", got " + LokiUnits.formatDuration(since));
      }
      top = intParam(ctx, "top", ToilCalculator.DEFAULT_TOP_RULES, 0, MAX_TOP_RULES);
    } catch (IllegalArgumentException e) {
      plain(ctx, 400, e.getMessage());
      return;
    }
    String format = Optional.ofNullable(ctx.queryParam("format")).orElse("json");
    if (!List.of("json", "markdown", "md", "text").contains(format)) {
      plain(ctx, 400, "toil: unknown format '" + format + "'; expected json, markdown or text");
      return;
    }
    Instant now = clock.instant();
    ToilReport report = toil.report(tenant, now.minus(since), now, top);
    switch (format) {
      case "markdown", "md" -> ctx.status(200).contentType("text/markdown; charset=utf-8").result(ToilRenderers.markdown(report));
      case "text" -> ctx.status(200).contentType("text/plain; charset=utf-8").result(ToilRenderers.text(report, ToilRenderers.Highlighter.plain()));
      default -> ctx.status(200).contentType("application/json; charset=utf-8").result(ToilJson.write(report));
    }
  }

  private record Range(Instant start, Instant end) {}

  private Range range(Context ctx) {
    String endText = ctx.queryParam("end");
    String startText = ctx.queryParam("start");
    String sinceText = ctx.queryParam("since");
    Instant end = endText == null || endText.isBlank() ? clock.instant() : instantOf(LokiTime.parseNanos("end", endText));
    Duration since = sinceText == null || sinceText.isBlank() ? DEFAULT_RANGE : LokiUnits.parseDuration(sinceText);
    Instant start = startText == null || startText.isBlank() ? end.minus(since) : instantOf(LokiTime.parseNanos("start", startText));
    if (start.isAfter(end)) {
      throw new IllegalArgumentException("start " + start + " is after end " + end);
    }
    return new Range(start, end);
  }

  private static Instant instantOf(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  private static int limit(Context ctx) {
    return intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
  }

  private static int intParam(Context ctx, String name, int defaultValue, int min, int max) {
    String text = ctx.queryParam(name);
    if (text == null || text.isBlank()) {
      return defaultValue;
    }
    int value;
    try {
      value = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid " + name + " \"" + text + "\": expected a whole number from " + min + " to " + max, e);
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " " + value + " is out of range: expected " + min + " to " + max);
    }
    return value;
  }

  private static Map<String, String> labels(Context ctx) {
    Map<String, String> labels = new TreeMap<>();
    for (String pair : ctx.queryParams("label")) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("invalid label \"" + pair + "\": expected NAME=VALUE, e.g. label=severity=page");
      }
      labels.put(pair.substring(0, equals).trim(), pair.substring(equals + 1));
    }
    return labels;
  }

  private interface JsonBody {
    void write(JsonGenerator json) throws IOException;
  }

  private static void answerJson(Context ctx, JsonBody body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeStringField("status", "success");
      body.write(json);
      json.writeEndObject();
    }
    bytes.write('\n');
    ctx.status(200).contentType("application/json; charset=utf-8").result(bytes.toByteArray());
  }

  private static void plain(Context ctx, int status, String message) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
  }
}
