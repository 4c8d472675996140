package dev.tonari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonari.slo.report.ReportRenderers;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the SLO API's JSON for a terminal: the list as a table (budget left as a bar, policy
 * states in colour), and one SLO as tiles, burn rates and its alert conditions.
 */
final class SloTables {
  private SloTables() {}

  static void list(JsonNode slos, Terminal terminal, PrintStream out) {
    if (slos.isEmpty()) {
      out.println("No SLOs. Write one with: tonari slo init --service S --selector '{app=\"x\"}' -o slo.yaml; tonari slo apply slo.yaml");
      return;
    }
    String format = "%-44s %-8s %9s %9s %-22s %-10s %s%n";
    out.print(terminal.paint(Terminal.BOLD, String.format(Locale.ROOT, format, "ID", "WINDOW", "OBJECTIVE", "SLI", "BUDGET LEFT", "POLICY", "ALERTS")));
    for (JsonNode slo : slos) {
      out.print(row(format, slo.path("id").asText(), windowOf(slo), slo, terminal));
      for (JsonNode group : slo.path("groups")) {
        out.print(row(format, "  " + labels(group.path("labels")), "", group, terminal));
      }
    }
  }

  private static String row(String format, String name, String window, JsonNode figures, Terminal terminal) {
    String objective = figures.has("objective") ? percent(figures.path("objective").asDouble() / 100, 3) : "";
    int firing = 0;
    for (JsonNode alert : figures.path("alerts")) {
      if (alert.path("state").asText().equals("firing")) {
        firing++;
      }
    }
    String policy = figures.path("policy").path("state").asText();
    String budget = budgetCell(figures.path("budgetRemaining"));
    String line = String.format(Locale.ROOT, format, name, window, objective, percent(figures.path("sli"), 3), budget, policy,
        firing == 0 ? "-" : firing + " firing");
    return terminal.paint(colourOf(policy, firing), line);
  }

  private static String windowOf(JsonNode slo) {
    JsonNode window = slo.path("window");
    if (window.isMissingNode()) {
      return "";
    }
    return window.path("kind").asText().equals("rolling") ? window.path("duration").asText()
        : window.path("count").asInt() + " " + window.path("unit").asText();
  }

  static void status(JsonNode slo, Terminal terminal, PrintStream out) {
    out.println(terminal.paint(Terminal.BOLD, slo.path("id").asText()) + "  " + terminal.paint(Terminal.DIM, slo.path("description").asText()));
    out.println("tenant " + slo.path("tenant").asText() + ", service " + slo.path("service").asText() + ", source " + slo.path("source").asText()
        + ", " + slo.path("budgetingMethod").asText() + " over " + windowOf(slo) + " (" + slo.path("windowStart").asText() + " to "
        + slo.path("windowEnd").asText() + ")");
    out.println();
    String policy = slo.path("policy").path("state").asText();
    out.println(tile("OBJECTIVE", percent(slo.path("objective").asDouble() / 100, 3)) + tile("SLI", percent(slo.path("sli"), 4))
        + tile("BUDGET LEFT", percent(slo.path("budgetRemaining"), 1)) + tile("PERIOD BURN", times(slo.path("periodBurnRate")))
        + tile("EXHAUSTED IN", slo.path("timeToExhaustion").isNull() ? "-" : slo.path("timeToExhaustion").asText()));
    out.println("  " + budgetCell(slo.path("budgetRemaining")) + "  policy " + terminal.paint(colourOf(policy, 0), policy)
        + (slo.path("policy").path("since").isNull() ? "" : " since " + slo.path("policy").path("since").asText()) + ": "
        + slo.path("policy").path("meaning").asText());
    JsonNode events = slo.path("events");
    out.println(String.format(Locale.ROOT, "  %s: %,.0f good, %,.0f bad, %,.0f in all", events.path("unit").asText(),
        events.path("good").asDouble(), events.path("bad").asDouble(), events.path("total").asDouble()));
    out.println();
    out.println(terminal.paint(Terminal.BOLD, "burn rate by window"));
    StringBuilder windows = new StringBuilder("  ");
    for (Iterator<Map.Entry<String, JsonNode>> it = slo.path("burnRate").properties().iterator(); it.hasNext();) {
      Map.Entry<String, JsonNode> entry = it.next();
      windows.append(String.format(Locale.ROOT, "%s %s   ", entry.getKey(), times(entry.getValue())));
    }
    out.println(windows.toString().stripTrailing());
    out.println();
    out.println(terminal.paint(Terminal.BOLD, "alert conditions"));
    String format = "  %-12s %-8s %-9s %-11s %9s %11s %11s  %s%n";
    out.printf(Locale.ROOT, format, "NAME", "SEVERITY", "STATE", "WINDOWS", "THRESHOLD", "LONG BURN", "SHORT BURN", "SINCE");
    for (JsonNode alert : slo.path("alerts")) {
      String state = alert.path("state").asText();
      String line = String.format(Locale.ROOT, format, alert.path("name").asText(), alert.path("severity").asText(), state,
          alert.path("longWindow").asText() + "/" + alert.path("shortWindow").asText(), times(alert.path("threshold")),
          times(alert.path("longBurnRate")), times(alert.path("shortBurnRate")), alert.path("since").isNull() ? "-" : alert.path("since").asText());
      out.print(state.equals("firing") ? terminal.paint(Terminal.RED, line) : state.equals("pending") ? terminal.paint(Terminal.YELLOW, line) : line);
    }
    if (slo.path("groups").size() > 0) {
      out.println();
      out.println(terminal.paint(Terminal.BOLD, "groups (" + slo.path("groups").size() + ")"));
      for (JsonNode group : slo.path("groups")) {
        out.println(String.format(Locale.ROOT, "  %-40s SLI %9s  budget %s  %s", labels(group.path("labels")), percent(group.path("sli"), 3),
            budgetCell(group.path("budgetRemaining")), group.path("policy").path("state").asText()));
      }
    }
    JsonNode evaluation = slo.path("evaluation");
    out.println();
    double progress = evaluation.path("backfillProgress").asDouble(1);
    out.println(terminal.paint(Terminal.DIM, "evaluated " + (evaluation.path("lastEvaluation").isNull() ? "not yet" : evaluation.path("lastEvaluation").asText())
        + (progress < 1 ? ", history " + SloCommand.bar(progress) : "")));
    if (!evaluation.path("lastError").isNull()) {
      out.println(terminal.paint(Terminal.RED, "last error: " + evaluation.path("lastError").asText()));
    }
  }

  private static String tile(String title, String value) {
    return String.format(Locale.ROOT, "  %-13s", title + " " + value) + "  ";
  }

  /** Budget left as a 10-cell bar and a percentage; an overdrawn budget shows no cells. */
  static String budgetCell(JsonNode remaining) {
    if (remaining.isNull() || remaining.isMissingNode()) {
      return "no data";
    }
    double value = remaining.asDouble();
    int cells = (int) Math.round(Math.max(0, Math.min(1, value)) * 10);
    return "[" + "#".repeat(cells) + " ".repeat(10 - cells) + "] " + String.format(Locale.ROOT, "%.1f%%", value * 100);
  }

  private static String colourOf(String policy, int firing) {
    if (firing > 0 || policy.equals("exhausted")) {
      return Terminal.RED;
    }
    return switch (policy) {
      case "at_risk" -> Terminal.YELLOW;
      case "healthy" -> Terminal.GREEN;
      default -> Terminal.DIM;
    };
  }

  static String percent(JsonNode ratio, int decimals) {
    return ratio.isNull() || ratio.isMissingNode() ? "no data" : percent(ratio.asDouble(), decimals);
  }

  static String percent(double ratio, int decimals) {
    return ReportRenderers.percent(ratio, decimals);
  }

  private static String times(JsonNode value) {
    return value.isNull() || value.isMissingNode() ? "-" : String.format(Locale.ROOT, "%.2fx", value.asDouble());
  }

  private static String labels(JsonNode labels) {
    List<String> pairs = new ArrayList<>();
    labels.properties().forEach(entry -> pairs.add(entry.getKey() + "=" + entry.getValue().asText()));
    return String.join(",", pairs);
  }
}
