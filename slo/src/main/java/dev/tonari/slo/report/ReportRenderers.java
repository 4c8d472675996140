package dev.tonari.slo.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/** The weekly report as JSON (for tools), Markdown (for a wiki page or a pull request) and plain text (for a terminal). */
public final class ReportRenderers {
  private static final JsonFactory JSON = new JsonFactory();

  private ReportRenderers() {}

  public static String json(WeeklyReport report) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("status", "success");
      json.writeObjectFieldStart("data");
      json.writeStringField("tenant", report.tenant());
      json.writeStringField("week", report.week());
      json.writeStringField("from", report.from().toString());
      json.writeStringField("to", report.to().toString());
      json.writeArrayFieldStart("slos");
      for (WeeklyReport.Entry entry : report.slos()) {
        json.writeStartObject();
        json.writeStringField("id", entry.id());
        json.writeStringField("service", entry.service());
        json.writeStringField("name", entry.name());
        json.writeNumberField("objective", entry.objectivePercent());
        json.writeStringField("window", entry.window());
        JsonFigures.write(json, "sli", entry.sliOfWeek());
        json.writeNumberField("badEvents", entry.badEvents());
        json.writeNumberField("totalEvents", entry.totalEvents());
        JsonFigures.write(json, "budgetAtStart", entry.budgetAtStart());
        JsonFigures.write(json, "budgetAtEnd", entry.budgetAtEnd());
        JsonFigures.write(json, "worstBurnRate", entry.worstBurnRate());
        json.writeStringField("worstBurnAt", entry.worstBurnAt().map(Object::toString).orElse(null));
        json.writeObjectFieldStart("alertsRaised");
        for (Map.Entry<String, Integer> alerts : entry.alertsRaised().entrySet()) {
          json.writeNumberField(alerts.getKey(), alerts.getValue());
        }
        json.writeEndObject();
        json.writeStringField("policyAtEnd", entry.policyAtEnd());
        json.writeArrayFieldStart("errorPatterns");
        for (dev.tonari.slo.source.ErrorPatterns.ErrorPattern pattern : entry.errorPatterns()) {
          json.writeStartObject();
          json.writeStringField("pattern", pattern.pattern());
          json.writeNumberField("count", pattern.count());
          json.writeNumberField("share", pattern.share());
          json.writeStringField("example", pattern.example());
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeStringField("errorPatternsNote", entry.errorPatternsNote().orElse(null));
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }

  public static String markdown(WeeklyReport report) {
    StringBuilder md = new StringBuilder();
    md.append("# SLO report ").append(report.week()).append(", tenant ").append(report.tenant()).append("\n\n");
    md.append(report.from()).append(" to ").append(report.to()).append("\n\n");
    if (report.slos().isEmpty()) {
      return md.append("No SLOs.\n").toString();
    }
    md.append("| SLO | objective | SLI (week) | budget at start | budget at end | worst 1h burn | alerts | policy |\n");
    md.append("|---|---:|---:|---:|---:|---:|---|---|\n");
    for (WeeklyReport.Entry entry : report.slos()) {
      md.append("| ").append(entry.id()).append(" | ").append(percent(entry.objectivePercent() / 100, 3)).append(" | ")
          .append(percent(entry.sliOfWeek(), 3)).append(" | ").append(percent(entry.budgetAtStart(), 1)).append(" | ")
          .append(percent(entry.budgetAtEnd(), 1)).append(" | ").append(times(entry.worstBurnRate())).append(" | ")
          .append(alerts(entry.alertsRaised())).append(" | ").append(entry.policyAtEnd()).append(" |\n");
    }
    for (WeeklyReport.Entry entry : report.slos()) {
      if (entry.errorPatterns().isEmpty()) {
        continue;
      }
      md.append("\n## What burned the budget of ").append(entry.id()).append("\n\n| errors | share | pattern |\n|---:|---:|---|\n");
      for (dev.tonari.slo.source.ErrorPatterns.ErrorPattern pattern : entry.errorPatterns()) {
        md.append("| ").append(pattern.count()).append(" | ").append(percent(pattern.share(), 1)).append(" | `")
            .append(pattern.pattern().replace("`", "'").replace("|", "\\|")).append("` |\n");
      }
    }
    return md.toString();
  }

  public static String text(WeeklyReport report) {
    StringBuilder text = new StringBuilder();
    text.append("SLO report ").append(report.week()).append(" for tenant ").append(report.tenant()).append(" (").append(report.from())
        .append(" to ").append(report.to()).append(")\n\n");
    if (report.slos().isEmpty()) {
      return text.append("No SLOs.\n").toString();
    }
    String format = "%-40s %9s %10s %8s %8s %9s %-14s %s%n";
    text.append(String.format(Locale.ROOT, format, "SLO", "OBJECTIVE", "SLI WEEK", "BUDGET<", "BUDGET>", "WORST 1H", "ALERTS", "POLICY"));
    for (WeeklyReport.Entry entry : report.slos()) {
      text.append(String.format(Locale.ROOT, format, entry.id(), percent(entry.objectivePercent() / 100, 3), percent(entry.sliOfWeek(), 3),
          percent(entry.budgetAtStart(), 1), percent(entry.budgetAtEnd(), 1), times(entry.worstBurnRate()), alerts(entry.alertsRaised()),
          entry.policyAtEnd()));
    }
    for (WeeklyReport.Entry entry : report.slos()) {
      if (entry.errorPatterns().isEmpty()) {
        continue;
      }
      text.append("\nTop error patterns of ").append(entry.id()).append(":\n");
      for (dev.tonari.slo.source.ErrorPatterns.ErrorPattern pattern : entry.errorPatterns()) {
        text.append(String.format(Locale.ROOT, "  %8d %6s  %s%n", pattern.count(), percent(pattern.share(), 1), pattern.pattern()));
      }
    }
    return text.toString();
  }

  private static String alerts(Map<String, Integer> raised) {
    if (raised.values().stream().allMatch(count -> count == 0)) {
      return "none";
    }
    StringBuilder text = new StringBuilder();
    raised.forEach((severity, count) -> {
      if (count > 0) {
        text.append(text.isEmpty() ? "" : ", ").append(count).append(' ').append(severity);
      }
    });
    return text.toString();
  }

  static String percent(OptionalDouble ratio, int decimals) {
    return ratio.isPresent() ? percent(ratio.getAsDouble(), decimals) : "no data";
  }

  /** A ratio as a percentage with {@code decimals} places ({@code 0.9991} at 2: {@code 99.91%}); the SLO tables' one spelling. */
  public static String percent(double ratio, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f%%", ratio * 100);
  }

  private static String times(OptionalDouble burn) {
    return burn.isPresent() ? String.format(Locale.ROOT, "%.2fx", burn.getAsDouble()) : "no data";
  }
}
