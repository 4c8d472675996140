package dev.tonari.alerts.toil;

import dev.tonari.tenancy.config.LokiUnits;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/**
 * The toil report as Markdown (a wiki page, a pull request, a retro) and as a table for a terminal,
 * whose colours the caller's {@link Highlighter} decides (none for the API's text, ANSI in the
 * CLI's terminal). JSON is {@link ToilJson}.
 */
public final class ToilRenderers {
  private static final String WEEK_ROW = "%-10s %6s %13s %8s %6s %9s %6s %6s %15s %17s";
  private static final String RULE_ROW = "%-36s %-8s %8s %6s %9s %6s %6s %12s";

  private ToilRenderers() {}

  /** What a cell means, for colours. */
  public enum Tone {
    HEADING,
    /** Pages outside working hours. */
    BAD,
    /** Noise and flapping. */
    WARNING,
    /** A suggestion. */
    HINT,
    /** Secondary text. */
    DIM
  }

  /** Paints text of a tone; {@link #plain()} leaves it as it is. */
  @FunctionalInterface
  public interface Highlighter {
    String paint(Tone tone, String text);

    static Highlighter plain() {
      return (tone, text) -> text;
    }
  }

  public static String text(ToilReport report, Highlighter highlighter) {
    StringBuilder out = new StringBuilder();
    out.append(highlighter.paint(Tone.HEADING, "Toil of " + report.tenant())).append(", ").append(period(report)).append('\n');
    out.append(highlighter.paint(Tone.DIM, settingsLine(report.settings()))).append('\n');
    for (String problem : report.settingsProblems()) {
      out.append(highlighter.paint(Tone.BAD, "settings problem (defaults used): " + problem)).append('\n');
    }
    out.append('\n');
    out.append(highlighter.paint(Tone.HEADING, String.format(Locale.ROOT, WEEK_ROW, "WEEK", "PAGES", "OUT OF HOURS", "TICKETS", "OTHER", "FLAPPING",
        "NOISE", "ACKED", "ACK p50/p90", "RESOLVE p50/p90").stripTrailing())).append('\n');
    for (ToilReport.Week week : report.weeks()) {
      out.append(weekRow(week.week(), week.figures(), highlighter)).append('\n');
    }
    out.append(weekRow("total", report.total(), highlighter)).append('\n');
    out.append('\n');
    if (report.noisiestRules().isEmpty()) {
      out.append("No alert fired in this period.\n");
      return out.toString();
    }
    out.append(highlighter.paint(Tone.HEADING, "Noisiest rules")).append('\n');
    out.append(highlighter.paint(Tone.HEADING, String.format(Locale.ROOT, RULE_ROW, "RULE", "SEVERITY", "EPISODES", "PAGES", "FLAPPING", "NOISE",
        "ACKED", "RESOLVE p50").stripTrailing())).append('\n');
    for (RuleToil rule : report.noisiestRules()) {
      String name = rule.namespace() + "/" + rule.group() + "/" + rule.rule();
      out.append(String.format(Locale.ROOT, "%-36s %-8s %8d %6d ", name, rule.severity().label(), rule.episodes(), rule.pages()))
          .append(count(rule.flapping(), 9, Tone.WARNING, highlighter)).append(' ')
          .append(count(rule.noise(), 6, Tone.WARNING, highlighter)).append(' ')
          .append(String.format(Locale.ROOT, "%6d %12s", rule.acknowledged(), human(rule.timeToResolve().median())).stripTrailing()).append('\n');
      for (Suggestion suggestion : rule.suggestions()) {
        out.append("  ").append(highlighter.paint(Tone.HINT, "-> " + suggestion.text())).append('\n');
      }
    }
    return out.toString();
  }

  private static String weekRow(String label, ToilFigures figures, Highlighter highlighter) {
    return String.format(Locale.ROOT, "%-10s %6d ", label, figures.pages())
        + count(figures.pagesOutsideWorkingHours(), 13, Tone.BAD, highlighter) + " "
        + String.format(Locale.ROOT, "%8d %6d ", figures.tickets(), figures.other())
        + count(figures.flapping(), 9, Tone.WARNING, highlighter) + " "
        + count(figures.noise(), 6, Tone.WARNING, highlighter) + " "
        + String.format(Locale.ROOT, "%6d %15s %17s", figures.acknowledged(), pair(figures.timeToAcknowledge()), pair(figures.timeToResolve()))
            .stripTrailing();
  }

  /** A right-aligned count, painted when not zero (padding first, so colours do not shift the columns). */
  private static String count(int value, int width, Tone tone, Highlighter highlighter) {
    String cell = String.format(Locale.ROOT, "%" + width + "d", value);
    return value == 0 ? cell : highlighter.paint(tone, cell);
  }

  public static String markdown(ToilReport report) {
    StringBuilder out = new StringBuilder();
    out.append("# Toil of ").append(escape(report.tenant())).append("\n\n");
    out.append(period(report)).append(". ").append(settingsLine(report.settings())).append(".\n\n");
    for (String problem : report.settingsProblems()) {
      out.append("> **Settings problem, defaults used:** ").append(escape(problem)).append("\n\n");
    }
    out.append("| Week | Pages | Outside working hours | Tickets | Other | Flapping | Noise | Acknowledged | Time to acknowledge (p50 / p90) "
        + "| Time to resolve (p50 / p90) |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ToilReport.Week week : report.weeks()) {
      markdownRow(out, week.week(), week.figures());
    }
    markdownRow(out, "**Total**", report.total());
    out.append('\n');
    out.append("## Noisiest rules\n\n");
    if (report.noisiestRules().isEmpty()) {
      out.append("No alert fired in this period.\n");
      return out.toString();
    }
    out.append("| Rule | Namespace / group | Severity | Episodes | Pages | Flapping | Noise | Acknowledged | Time to resolve (p50) |\n");
    out.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (RuleToil rule : report.noisiestRules()) {
      out.append("| ").append(escape(rule.rule())).append(" | ").append(escape(rule.namespace() + " / " + rule.group())).append(" | ")
          .append(rule.severity().label()).append(" | ").append(rule.episodes()).append(" | ").append(rule.pages()).append(" | ")
          .append(rule.flapping()).append(" | ").append(rule.noise()).append(" | ").append(rule.acknowledged()).append(" | ")
          .append(human(rule.timeToResolve().median())).append(" |\n");
    }
    boolean any = report.noisiestRules().stream().anyMatch(rule -> !rule.suggestions().isEmpty());
    if (any) {
      out.append("\n### Suggestions\n\n");
      for (RuleToil rule : report.noisiestRules()) {
        for (Suggestion suggestion : rule.suggestions()) {
          out.append("- **").append(escape(rule.rule())).append("**: ").append(escape(suggestion.text())).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static void markdownRow(StringBuilder out, String label, ToilFigures figures) {
    out.append("| ").append(label).append(" | ").append(figures.pages()).append(" | ").append(figures.pagesOutsideWorkingHours()).append(" | ")
        .append(figures.tickets()).append(" | ").append(figures.other()).append(" | ").append(figures.flapping()).append(" | ")
        .append(figures.noise()).append(" | ").append(figures.acknowledged()).append(" | ").append(pair(figures.timeToAcknowledge()))
        .append(" | ").append(pair(figures.timeToResolve())).append(" |\n");
  }

  private static String period(ToilReport report) {
    LocalDate first = LocalDate.ofInstant(report.from(), report.settings().timeZone());
    LocalDate last = LocalDate.ofInstant(report.to().minusNanos(1), report.settings().timeZone());
    return first + " to " + last;
  }

  private static String settingsLine(ToilSettings settings) {
    return "working hours " + settings.workingHoursText() + " " + settings.workingDaysText() + " (" + settings.timeZone().getId()
        + "); flapping: fired again within " + settings.flappingWindowText() + "; noise: no acknowledgement within " + settings.noiseAckWithinText();
  }

  private static String pair(DurationSummary summary) {
    return summary.count() == 0 ? "-" : human(summary.median()) + " / " + human(summary.p90());
  }

  /** A duration to the second, as Prometheus writes it; {@code -} for none. */
  static String human(Optional<Duration> duration) {
    if (duration.isEmpty()) {
      return "-";
    }
    Duration value = duration.get();
    return LokiUnits.formatDuration(value.compareTo(Duration.ofSeconds(1)) >= 0 ? Duration.ofSeconds(value.getSeconds()) : value);
  }

  private static String escape(String text) {
    return text.replace("|", "\\|");
  }
}
