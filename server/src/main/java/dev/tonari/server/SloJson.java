package dev.tonari.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tonari.slo.engine.SloView;
import dev.tonari.slo.report.JsonFigures;
import dev.tonari.slo.model.BudgetingMethod;
import dev.tonari.slo.model.TimeWindow;
import dev.tonari.slo.model.SloDurations;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The JSON of SLOs in the API ({@code /tonari/api/v1/slos}). Ratios are plain numbers in [0, 1]
 * (budget left may go below 0); a figure with no events behind it is {@code null} and the SLO says
 * {@code "noData": true}, never 100 % or NaN. Durations are Prometheus-style strings ({@code 1h}).
 */
final class SloJson {
  private SloJson() {}

  static void write(JsonGenerator json, SloView view) throws IOException {
    var spec = view.spec();
    json.writeStartObject();
    json.writeStringField("id", spec.id());
    json.writeStringField("tenant", view.tenant());
    json.writeStringField("service", spec.service());
    json.writeStringField("name", spec.name());
    json.writeStringField("description", spec.description());
    writeStrings(json, "labels", spec.labels());
    json.writeNumberField("objective", spec.target() * 100);
    json.writeNumberField("target", spec.target());
    json.writeNumberField("errorBudget", spec.errorBudget());
    json.writeObjectFieldStart("window");
    switch (spec.window()) {
      case TimeWindow.Rolling rolling -> {
        json.writeStringField("kind", "rolling");
        json.writeStringField("duration", SloDurations.format(rolling.duration()));
      }
      case TimeWindow.Calendar calendar -> {
        json.writeStringField("kind", "calendar");
        json.writeStringField("unit", calendar.unit().name().toLowerCase(java.util.Locale.ROOT));
        json.writeNumberField("count", calendar.count());
        json.writeStringField("timeZone", calendar.zone().getId());
        json.writeStringField("startTime", calendar.startTime().toString());
      }
    }
    json.writeEndObject();
    json.writeStringField("budgetingMethod", spec.budgeting().openSloName());
    if (spec.budgeting() != BudgetingMethod.OCCURRENCES) {
      spec.timeSlices().ifPresent(slices -> {
        try {
          json.writeNumberField("timeSliceTarget", slices.target());
          json.writeStringField("timeSliceWindow", SloDurations.format(slices.window()));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
    json.writeStringField("source", spec.origin().kind() == dev.tonari.slo.model.SloSpec.Origin.Kind.API ? "api"
        : spec.origin().file() + ":" + spec.origin().line());
    if (!spec.groupBy().isEmpty()) {
      json.writeArrayFieldStart("groupBy");
      for (String label : spec.groupBy()) {
        json.writeString(label);
      }
      json.writeEndArray();
    }
    writeFigures(json, view.overall());
    if (!view.groups().isEmpty()) {
      json.writeArrayFieldStart("groups");
      for (SloView.GroupView group : view.groups()) {
        json.writeStartObject();
        writeStrings(json, "labels", group.labels());
        writeFigures(json, group.figures());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeObjectFieldStart("evaluation");
    writeInstant(json, "lastEvaluation", view.evaluation().lastEvaluation());
    json.writeNumberField("backfillProgress", view.evaluation().backfillProgress());
    json.writeStringField("lastError", view.evaluation().lastError().orElse(null));
    json.writeEndObject();
    json.writeEndObject();
  }

  /** The window's figures, inlined into the SLO or group object. */
  private static void writeFigures(JsonGenerator json, SloView.Figures figures) throws IOException {
    json.writeBooleanField("noData", !figures.hasData());
    json.writeStringField("windowStart", figures.windowStart().toString());
    json.writeStringField("windowEnd", figures.windowEnd().toString());
    JsonFigures.write(json, "sli", figures.sli());
    json.writeObjectFieldStart("events");
    json.writeStringField("unit", figures.eventUnit());
    json.writeNumberField("good", figures.goodEvents());
    json.writeNumberField("bad", figures.badEvents());
    json.writeNumberField("total", figures.totalEvents());
    json.writeEndObject();
    JsonFigures.write(json, "budgetConsumed", figures.consumed());
    JsonFigures.write(json, "budgetRemaining", figures.remaining());
    JsonFigures.write(json, "periodBurnRate", figures.periodBurnRate());
    json.writeStringField("timeToExhaustion", figures.timeToExhaustion().map(SloDurations::format).orElse(null));
    json.writeObjectFieldStart("burnRate");
    for (Map.Entry<String, OptionalDouble> entry : figures.burnRateByWindow().entrySet()) {
      JsonFigures.write(json, entry.getKey(), entry.getValue());
    }
    json.writeEndObject();
    json.writeObjectFieldStart("errorRatio");
    for (Map.Entry<String, OptionalDouble> entry : figures.errorRatioByWindow().entrySet()) {
      JsonFigures.write(json, entry.getKey(), entry.getValue());
    }
    json.writeEndObject();
    json.writeObjectFieldStart("policy");
    json.writeStringField("state", figures.policy().state());
    writeInstant(json, "since", figures.policy().since());
    json.writeStringField("meaning", figures.policy().meaning());
    json.writeEndObject();
    json.writeArrayFieldStart("alerts");
    for (SloView.Condition condition : figures.conditions()) {
      json.writeStartObject();
      json.writeStringField("name", condition.name());
      json.writeStringField("severity", condition.severity());
      json.writeStringField("state", condition.state());
      writeInstant(json, "since", condition.since());
      json.writeStringField("longWindow", SloDurations.format(condition.longWindow()));
      json.writeStringField("shortWindow", SloDurations.format(condition.shortWindow()));
      json.writeNumberField("threshold", condition.factor());
      JsonFigures.write(json, "longBurnRate", condition.longBurnRate());
      JsonFigures.write(json, "shortBurnRate", condition.shortBurnRate());
      json.writeStringField("for", SloDurations.format(condition.alertAfter()));
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static void writeStrings(JsonGenerator json, String field, Map<String, String> values) throws IOException {
    json.writeObjectFieldStart(field);
    for (Map.Entry<String, String> entry : new java.util.TreeMap<>(values).entrySet()) {
      json.writeStringField(entry.getKey(), entry.getValue());
    }
    json.writeEndObject();
  }

  private static void writeInstant(JsonGenerator json, String field, Optional<Instant> value) throws IOException {
    json.writeStringField(field, value.map(Instant::toString).orElse(null));
  }
}
