package dev.tonari.alerts.toil;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.tenancy.config.LokiUnits;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The toil report as JSON, and back: the API answers with {@link #write}, and the CLI reads the
 * answer with {@link #read} to draw it with colours through {@link ToilRenderers#text}, so there
 * is one layout of the table. Durations are numbers of seconds ({@code null} when there are none).
 *
 * <pre>
 * {"status": "success", "data": {
 *   "tenant", "from", "to",
 *   "settings": {"workingHours": "09:00-18:00", "workingDays": "mon-fri", "timeZone": "Europe/Berlin",
 *                "flappingWindow": "1h", "noiseAckWithin": "10m"},
 *   "settingsProblems": ["FILE:LINE:COL: error: ..."],
 *   "total": FIGURES,
 *   "weeks": [{"week": "2024-W13", "from", "to", ...FIGURES}],
 *   "noisiestRules": [{"namespace", "group", "rule", "severity", "episodes", "pages", "flapping", "noise",
 *                      "acknowledged", "timeToResolve": SUMMARY,
 *                      "suggestions": [{"kind", "text", ...the suggestion's own fields}]}]}}
 * FIGURES: "pages", "tickets", "other", "pagesOutsideWorkingHours", "flapping", "noise", "acknowledged",
 *          "timeToAcknowledge": SUMMARY, "timeToResolve": SUMMARY
 * SUMMARY: {"count", "medianSeconds", "p90Seconds"}
 * </pre>
 */
public final class ToilJson {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ToilJson() {}

  /** Refused JSON: not a toil report, or not one this version writes. */
  public static final class MalformedReportException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedReportException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static String write(ToilReport report) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("status", "success");
      json.writeObjectFieldStart("data");
      json.writeStringField("tenant", report.tenant());
      json.writeStringField("from", report.from().toString());
      json.writeStringField("to", report.to().toString());
      ToilSettings settings = report.settings();
      json.writeObjectFieldStart("settings");
      json.writeStringField("workingHours", settings.workingHoursText());
      json.writeStringField("workingDays", settings.workingDaysText());
      json.writeStringField("timeZone", settings.timeZone().getId());
      json.writeStringField("flappingWindow", settings.flappingWindowText());
      json.writeStringField("noiseAckWithin", settings.noiseAckWithinText());
      json.writeEndObject();
      json.writeArrayFieldStart("settingsProblems");
      for (String problem : report.settingsProblems()) {
        json.writeString(problem);
      }
      json.writeEndArray();
      json.writeObjectFieldStart("total");
      writeFigures(json, report.total());
      json.writeEndObject();
      json.writeArrayFieldStart("weeks");
      for (ToilReport.Week week : report.weeks()) {
        json.writeStartObject();
        json.writeStringField("week", week.week());
        json.writeStringField("from", week.from().toString());
        json.writeStringField("to", week.to().toString());
        writeFigures(json, week.figures());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("noisiestRules");
      for (RuleToil rule : report.noisiestRules()) {
        writeRule(json, rule);
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }

  private static void writeFigures(JsonGenerator json, ToilFigures figures) throws IOException {
    json.writeNumberField("pages", figures.pages());
    json.writeNumberField("tickets", figures.tickets());
    json.writeNumberField("other", figures.other());
    json.writeNumberField("pagesOutsideWorkingHours", figures.pagesOutsideWorkingHours());
    json.writeNumberField("flapping", figures.flapping());
    json.writeNumberField("noise", figures.noise());
    json.writeNumberField("acknowledged", figures.acknowledged());
    writeSummary(json, "timeToAcknowledge", figures.timeToAcknowledge());
    writeSummary(json, "timeToResolve", figures.timeToResolve());
  }

  private static void writeSummary(JsonGenerator json, String field, DurationSummary summary) throws IOException {
    json.writeObjectFieldStart(field);
    json.writeNumberField("count", summary.count());
    writeSeconds(json, "medianSeconds", summary.median());
    writeSeconds(json, "p90Seconds", summary.p90());
    json.writeEndObject();
  }

  private static void writeSeconds(JsonGenerator json, String field, Optional<Duration> duration) throws IOException {
    if (duration.isPresent()) {
      json.writeNumberField(field, duration.get().toNanos() / 1e9);
    } else {
      json.writeNullField(field);
    }
  }

  private static void writeRule(JsonGenerator json, RuleToil rule) throws IOException {
    json.writeStartObject();
    json.writeStringField("namespace", rule.namespace());
    json.writeStringField("group", rule.group());
    json.writeStringField("rule", rule.rule());
    json.writeStringField("severity", rule.severity().label());
    json.writeNumberField("episodes", rule.episodes());
    json.writeNumberField("pages", rule.pages());
    json.writeNumberField("flapping", rule.flapping());
    json.writeNumberField("noise", rule.noise());
    json.writeNumberField("acknowledged", rule.acknowledged());
    writeSummary(json, "timeToResolve", rule.timeToResolve());
    json.writeArrayFieldStart("suggestions");
    for (Suggestion suggestion : rule.suggestions()) {
      json.writeStartObject();
      json.writeStringField("kind", suggestion.kind());
      json.writeStringField("text", suggestion.text());
      switch (suggestion) {
        case Suggestion.RaiseFor raise -> {
          json.writeStringField("from", LokiUnits.formatDuration(raise.from()));
          json.writeStringField("to", LokiUnits.formatDuration(raise.to()));
          json.writeNumberField("flapping", raise.flapping());
        }
        case Suggestion.KeepFiringFor keep -> {
          json.writeStringField("duration", LokiUnits.formatDuration(keep.duration()));
          json.writeNumberField("flapping", keep.flapping());
        }
        case Suggestion.PageToTicket ticket -> {
          json.writeNumberField("pages", ticket.pages());
          json.writeNumberField("noise", ticket.noise());
        }
        case Suggestion.MergeWith merge -> {
          json.writeStringField("namespace", merge.namespace());
          json.writeStringField("group", merge.group());
          json.writeStringField("rule", merge.rule());
          json.writeNumberField("share", merge.share());
          json.writeStringField("within", LokiUnits.formatDuration(merge.within()));
        }
      }
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /**
   * Reads what {@link #write} wrote.
   *
   * @throws MalformedReportException saying what is missing or wrong
   */
  public static ToilReport read(String text) throws MalformedReportException {
    try {
      JsonNode data = MAPPER.readTree(text).path("data");
      JsonNode settingsNode = data.path("settings");
      ObjectNode toil = MAPPER.createObjectNode();
      toil.put("working_hours", required(settingsNode, "workingHours").asText());
      toil.put("working_days", required(settingsNode, "workingDays").asText());
      toil.put("time_zone", required(settingsNode, "timeZone").asText());
      toil.put("flapping_window", required(settingsNode, "flappingWindow").asText());
      toil.put("noise_ack_within", required(settingsNode, "noiseAckWithin").asText());
      ObjectNode root = MAPPER.createObjectNode();
      root.set(ToilSettingsParser.SECTION, toil);
      ToilSettings settings = switch (ToilSettingsParser.parseFile(MAPPER.writeValueAsString(root), "report settings")) {
        case ToilSettingsParser.Result.Valid valid -> valid.settings();
        case ToilSettingsParser.Result.Invalid invalid -> throw new MalformedReportException("toil report settings: " + invalid.problems(), null);
      };
      List<String> problems = new ArrayList<>();
      data.path("settingsProblems").forEach(problem -> problems.add(problem.asText()));
      List<ToilReport.Week> weeks = new ArrayList<>();
      for (JsonNode week : data.path("weeks")) {
        weeks.add(new ToilReport.Week(required(week, "week").asText(), instant(week, "from"), instant(week, "to"), figures(week)));
      }
      List<RuleToil> rules = new ArrayList<>();
      for (JsonNode rule : data.path("noisiestRules")) {
        rules.add(rule(rule));
      }
      return new ToilReport(required(data, "tenant").asText(), instant(data, "from"), instant(data, "to"), settings, problems,
          figures(required(data, "total")), weeks, rules);
    } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
      throw new MalformedReportException("not a toil report: " + e.getMessage(), e);
    }
  }

  private static RuleToil rule(JsonNode rule) throws MalformedReportException {
    List<Suggestion> suggestions = new ArrayList<>();
    for (JsonNode suggestion : rule.path("suggestions")) {
      String kind = required(suggestion, "kind").asText();
      suggestions.add(switch (kind) {
        case "raise_for" -> new Suggestion.RaiseFor(duration(suggestion, "from"), duration(suggestion, "to"), suggestion.path("flapping").asInt());
        case "keep_firing_for" -> new Suggestion.KeepFiringFor(duration(suggestion, "duration"), suggestion.path("flapping").asInt());
        case "page_to_ticket" -> new Suggestion.PageToTicket(suggestion.path("pages").asInt(), suggestion.path("noise").asInt());
        case "merge_with" -> new Suggestion.MergeWith(required(suggestion, "namespace").asText(), required(suggestion, "group").asText(),
            required(suggestion, "rule").asText(), suggestion.path("share").asDouble(), duration(suggestion, "within"));
        default -> throw new MalformedReportException("unknown suggestion kind '" + kind + "'", null);
      });
    }
    return new RuleToil(required(rule, "namespace").asText(), required(rule, "group").asText(), required(rule, "rule").asText(),
        Severity.parse(required(rule, "severity").asText()), rule.path("episodes").asInt(), rule.path("pages").asInt(), rule.path("flapping").asInt(),
        rule.path("noise").asInt(), rule.path("acknowledged").asInt(), summary(rule.path("timeToResolve")), suggestions);
  }

  private static ToilFigures figures(JsonNode node) {
    return new ToilFigures(node.path("pages").asInt(), node.path("tickets").asInt(), node.path("other").asInt(),
        node.path("pagesOutsideWorkingHours").asInt(), node.path("flapping").asInt(), node.path("noise").asInt(), node.path("acknowledged").asInt(),
        summary(node.path("timeToAcknowledge")), summary(node.path("timeToResolve")));
  }

  private static DurationSummary summary(JsonNode node) {
    return new DurationSummary(node.path("count").asInt(), seconds(node.path("medianSeconds")), seconds(node.path("p90Seconds")));
  }

  private static Optional<Duration> seconds(JsonNode node) {
    return node.isNumber() ? Optional.of(Duration.ofNanos(Math.round(node.asDouble() * 1e9))) : Optional.empty();
  }

  private static Duration duration(JsonNode node, String field) throws MalformedReportException {
    return LokiUnits.parseDuration(required(node, field).asText());
  }

  private static Instant instant(JsonNode node, String field) throws MalformedReportException {
    return Instant.parse(required(node, field).asText());
  }

  private static JsonNode required(JsonNode node, String field) throws MalformedReportException {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      throw new MalformedReportException("toil report: missing field '" + field + "'", null);
    }
    return value;
  }
}
