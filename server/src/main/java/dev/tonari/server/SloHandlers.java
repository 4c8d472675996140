package dev.tonari.server;

import com.google.re2j.Pattern;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tonari.slo.engine.ApplyOutcome;
import dev.tonari.slo.engine.DeleteOutcome;
import dev.tonari.slo.engine.SloService;
import dev.tonari.slo.engine.SloView;
import dev.tonari.slo.report.ReportRenderers;
import dev.tonari.slo.report.WeeklyReport;
import dev.tonari.tenancy.auth.AuditLog;
import dev.tonari.tenancy.config.ConfigProblem;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Optional;

/**
 * The SLO API, for teams that push their SLOs from CI and for the CLI:
 *
 * <ul>
 *   <li>{@code POST /tonari/api/v1/slos}: a YAML body of one or many documents (Sloth
 *       {@code prometheus/v1} or OpenSLO {@code openslo/v1}); creates or replaces each SLO by id.
 *       200 with the ids; 400 with every problem as {@code body:LINE:COL: error: ...}; 409 when an
 *       id belongs to a file in the SLO directory. Nothing is stored unless the whole body is valid.
 *   <li>{@code GET /tonari/api/v1/slos}: the tenant's SLOs with their status, sorted by budget left.
 *   <li>{@code GET /tonari/api/v1/slos/{id}}, {@code DELETE /tonari/api/v1/slos/{id}}.
 *   <li>{@code GET /tonari/api/v1/slo_report?week=YYYY-Www&id=&format=json|markdown|text}: the
 *       weekly report (default: the last complete ISO week).
 * </ul>
 *
 * The tenant gate has authorized {@code slo-read} (GET) or {@code slo-write} (POST, DELETE) on
 * exactly one tenant before these run; writes are recorded in the audit log.
 */
final class SloHandlers {
  private static final Pattern ISO_WEEK = Pattern.compile("\\d{4}-W\\d{2}");

  private static final JsonFactory JSON = new JsonFactory();
  /** Bodies larger than this are refused: a tenant's whole SLO set is a few kilobytes. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private final SloService slos;
  private final AuditLog audit;
  private final Clock clock;

  SloHandlers(SloService slos, AuditLog audit, Clock clock) {
    this.slos = slos;
    this.audit = audit;
    this.clock = clock;
  }

  void list(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    List<SloView> views = slos.list(tenant);
    answerJson(ctx, 200, json -> {
      json.writeArrayFieldStart("data");
      for (SloView view : views) {
        SloJson.write(json, view);
      }
      json.writeEndArray();
    });
  }

  /** The SLO of the path's {@code id}, or empty after answering 404. */
  private Optional<SloView> find(Context ctx, String tenant, String id) {
    Optional<SloView> view = slos.get(tenant, id);
    if (view.isEmpty()) {
      plain(ctx, 404, "slo not found: no SLO with id '" + id + "' in tenant " + tenant);
    }
    return view;
  }

  void get(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String id = ctx.pathParam("id");
    Optional<SloView> view = find(ctx, tenant, id);
    if (view.isEmpty()) {
      return;
    }
    answerJson(ctx, 200, json -> {
      json.writeFieldName("data");
      SloJson.write(json, view.get());
    });
  }

  /**
   * {@code GET /tonari/api/v1/slos/{id}/budget?window=30d&step=1h}: the remaining budget over the
   * window (default: the SLO's own), one point per step (default a 200th of the window, at least
   * 10 minutes), as {@code {"data":{"step":SECONDS,"points":[[unixSeconds, remaining or null],...]}}}.
   */
  void budget(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String id = ctx.pathParam("id");
    Optional<SloView> view = find(ctx, tenant, id);
    if (view.isEmpty()) {
      return;
    }
    java.time.Duration window;
    java.time.Duration step;
    try {
      window = Optional.ofNullable(ctx.queryParam("window")).filter(text -> !text.isBlank()).map(text -> dev.tonari.logql.LogqlUnits.parsePrometheusDuration(text))
          .orElse(view.get().spec().window().nominalLength());
      step = Optional.ofNullable(ctx.queryParam("step")).filter(text -> !text.isBlank()).map(text -> dev.tonari.logql.LogqlUnits.parsePrometheusDuration(text))
          .orElse(java.time.Duration.ofMinutes(Math.max(10, window.toMinutes() / 200)));
    } catch (IllegalArgumentException e) {
      plain(ctx, 400, "slo budget: " + e.getMessage() + " (window and step are durations such as 30d, 1h)");
      return;
    }
    if (step.toMinutes() < 1 || window.toMinutes() / step.toMinutes() > 11_000) {
      plain(ctx, 400, "slo budget: step " + step + " over window " + window + " is below a minute or more than 11000 points (Loki's limit); raise the step");
      return;
    }
    if (window.compareTo(java.time.Duration.ofDays(400)) > 0) {
      plain(ctx, 400, "slo budget: a window of " + window + " is over the 400 days of history kept; ask for less");
      return;
    }
    Optional<dev.tonari.slo.budget.BudgetHistory> history = slos.budgetHistory(tenant, id, view.get().overall().windowEnd(), window, Math.toIntExact(step.toMinutes()));
    if (history.isEmpty()) {
      plain(ctx, 404, "slo not found: no SLO with id '" + id + "' in tenant " + tenant);
      return;
    }
    answerJson(ctx, 200, json -> {
      json.writeObjectFieldStart("data");
      json.writeNumberField("step", step.toSeconds());
      json.writeArrayFieldStart("points");
      for (int i = 0; i < history.get().size(); i++) {
        json.writeStartArray();
        json.writeNumber(history.get().instantAt(i).getEpochSecond());
        java.util.OptionalDouble remaining = history.get().remainingAt(i);
        if (remaining.isPresent()) {
          json.writeNumber(remaining.getAsDouble());
        } else {
          json.writeNull();
        }
        json.writeEndArray();
      }
      json.writeEndArray();
      json.writeEndObject();
    });
  }

  void apply(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    byte[] body = ctx.bodyAsBytes();
    if (body.length > MAX_BODY_BYTES) {
      plain(ctx, 413, "SLO body of " + body.length + " bytes is over the limit of " + MAX_BODY_BYTES + " bytes");
      return;
    }
    String text = new String(body, StandardCharsets.UTF_8);
    String actor = AuditLog.actor(RequestTenants.principalOf(ctx));
    switch (slos.apply(tenant, text, "body")) {
      case ApplyOutcome.Applied applied -> {
        audit.record(actor, "slo.apply", "tenant " + tenant + " slos " + String.join(",", applied.created()) + (applied.replaced().isEmpty() ? ""
            : " replaced " + String.join(",", applied.replaced())), ctx.req().getRemoteAddr(), "ok");
        answerJson(ctx, 200, json -> {
          json.writeObjectFieldStart("data");
          writeIds(json, "created", applied.created());
          writeIds(json, "replaced", applied.replaced());
          json.writeEndObject();
        });
      }
      case ApplyOutcome.Rejected rejected -> {
        StringBuilder message = new StringBuilder();
        for (ConfigProblem problem : rejected.problems()) {
          message.append(problem.format()).append('\n');
        }
        message.append(rejected.problems().size()).append(rejected.problems().size() == 1 ? " error" : " errors")
            .append("; nothing was applied");
        audit.record(actor, "slo.apply", "tenant " + tenant, ctx.req().getRemoteAddr(), "refused: invalid");
        plain(ctx, 400, message.toString());
      }
      case ApplyOutcome.Conflict conflict -> {
        audit.record(actor, "slo.apply", "tenant " + tenant, ctx.req().getRemoteAddr(), "refused: conflict");
        plain(ctx, 409, conflict.message());
      }
    }
  }

  void delete(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String id = ctx.pathParam("id");
    String actor = AuditLog.actor(RequestTenants.principalOf(ctx));
    switch (slos.delete(tenant, id)) {
      case DeleteOutcome.Deleted deleted -> {
        audit.record(actor, "slo.delete", "tenant " + tenant + " slo " + id, ctx.req().getRemoteAddr(), "ok");
        answerJson(ctx, 200, json -> {});
      }
      case DeleteOutcome.NotFound notFound -> plain(ctx, 404, "slo not found: no SLO with id '" + id + "' in tenant " + tenant);
      case DeleteOutcome.OwnedByFile owned -> plain(ctx, 409, "SLO '" + id + "' of tenant " + tenant + " is defined in " + owned.file()
          + "; change or remove it there (the SLO directory is the source of truth for its SLOs)");
    }
  }

  void report(Context ctx) throws Exception {
    String tenant = RequestTenants.tenantOf(ctx);
    String weekText = ctx.queryParam("week");
    LocalDate monday;
    try {
      monday = weekText == null || weekText.isBlank() ? lastCompleteWeek(clock) : parseIsoWeek(weekText.trim());
    } catch (IllegalArgumentException e) {
      plain(ctx, 400, e.getMessage());
      return;
    }
    Optional<String> id = Optional.ofNullable(ctx.queryParam("id")).filter(s -> !s.isBlank());
    if (id.isPresent() && slos.get(tenant, id.get()).isEmpty()) {
      plain(ctx, 404, "slo not found: no SLO with id '" + id.get() + "' in tenant " + tenant);
      return;
    }
    String format = Optional.ofNullable(ctx.queryParam("format")).orElse("json");
    WeeklyReport report = slos.report(tenant, id, monday);
    switch (format) {
      case "json" -> ctx.status(200).contentType("application/json; charset=utf-8").result(ReportRenderers.json(report));
      case "markdown", "md" -> ctx.status(200).contentType("text/markdown; charset=utf-8").result(ReportRenderers.markdown(report));
      case "text" -> ctx.status(200).contentType("text/plain; charset=utf-8").result(ReportRenderers.text(report));
      default -> plain(ctx, 400, "slo report: unknown format '" + format + "'; expected json, markdown or text");
    }
  }

  /** The Monday of {@code YYYY-Www} (ISO week). */
  static LocalDate parseIsoWeek(String text) {
    if (!ISO_WEEK.matcher(text).matches()) {
      throw new IllegalArgumentException("invalid week \"" + text + "\": expected an ISO week as YYYY-Www, e.g. 2026-W49");
    }
    int year = Integer.parseInt(text.substring(0, 4));
    int week = Integer.parseInt(text.substring(6));
    LocalDate anchor = LocalDate.of(year, 1, 4);
    long weeksInYear = anchor.range(IsoFields.WEEK_OF_WEEK_BASED_YEAR).getMaximum();
    if (week < 1 || week > weeksInYear) {
      throw new IllegalArgumentException("invalid week \"" + text + "\": " + year + " has weeks 1 to " + weeksInYear);
    }
    try {
      return anchor.with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, week).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("invalid week \"" + text + "\": " + e.getMessage(), e);
    }
  }

  static LocalDate lastCompleteWeek(Clock clock) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    return today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(1);
  }

  private static void writeIds(JsonGenerator json, String field, List<String> ids) throws IOException {
    json.writeArrayFieldStart(field);
    for (String id : ids) {
      json.writeString(id);
    }
    json.writeEndArray();
  }

  private interface JsonBody {
    void write(JsonGenerator json) throws IOException;
  }

  private static void answerJson(Context ctx, int status, JsonBody body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeStringField("status", "success");
      body.write(json);
      json.writeEndObject();
    }
    bytes.write('\n');
    ctx.status(status).contentType("application/json; charset=utf-8").result(bytes.toByteArray());
  }

  private static void plain(Context ctx, int status, String message) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
  }
}
