package dev.tonari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the alert history API's JSON for a terminal: state changes and episodes as tables,
 * firing in red, pending in yellow, resolved in green.
 */
final class AlertTables {
  private AlertTables() {}

  static void history(JsonNode entries, Terminal terminal, PrintStream out) {
    if (entries.isEmpty()) {
      out.println("No alert changed state in this period.");
      return;
    }
    String format = "%-20s %-28s %-19s %-25s %s%n";
    out.print(terminal.paint(Terminal.BOLD, String.format(Locale.ROOT, format, "TIME", "RULE", "CHANGE", "EPISODE", "LABELS")));
    for (JsonNode entry : entries) {
      String to = entry.path("to").asText();
      String change = entry.path("from").asText() + " -> " + (to.equals("inactive") ? "resolved" : to);
      String cell = String.format(Locale.ROOT, "%-19s", change);
      out.print(String.format(Locale.ROOT, "%-20s %-28s ", time(entry.path("time")), entry.path("rule").asText()) + terminal.paint(colourOf(to), cell)
          + String.format(Locale.ROOT, " %-25s %s", entry.path("episodeId").asText(), labels(entry.path("labels"))).stripTrailing() + "\n");
    }
  }

  static void episodes(JsonNode episodes, Terminal terminal, PrintStream out) {
    if (episodes.isEmpty()) {
      out.println("No alert episode in this period.");
      return;
    }
    String format = "%-25s %-28s %-8s %-9s %-20s %-20s %-20s %s%n";
    out.print(terminal.paint(Terminal.BOLD, String.format(Locale.ROOT, format, "EPISODE", "RULE", "SEVERITY", "STATE", "STARTED", "FIRED", "RESOLVED",
        "ACKNOWLEDGED")));
    for (JsonNode episode : episodes) {
      String state = episode.path("state").asText();
      String shown = state.equals("inactive") ? "resolved" : state;
      String acknowledged = episode.path("acknowledgedBy").isNull() ? "-"
          : episode.path("acknowledgedBy").asText() + " " + time(episode.path("acknowledgedAt"))
              + (episode.path("acknowledgementComment").asText().isEmpty() ? "" : ": " + episode.path("acknowledgementComment").asText());
      out.print(String.format(Locale.ROOT, "%-25s %-28s %-8s ", episode.path("id").asText(), episode.path("rule").asText(),
          episode.path("severity").asText()) + terminal.paint(colourOf(state), String.format(Locale.ROOT, "%-9s", shown))
          + String.format(Locale.ROOT, " %-20s %-20s %-20s %s", time(episode.path("startedAt")), time(episode.path("firedAt")),
              time(episode.path("resolvedAt")), acknowledged).stripTrailing() + "\n");
    }
  }

  private static String colourOf(String state) {
    return switch (state) {
      case "firing" -> Terminal.RED;
      case "pending" -> Terminal.YELLOW;
      default -> Terminal.GREEN;
    };
  }

  /** {@code 2024-05-08 10:01:00Z}: RFC 3339 with a space, to the second. */
  private static String time(JsonNode value) {
    if (value.isNull() || value.isMissingNode()) {
      return "-";
    }
    String text = value.asText().replace('T', ' ');
    int dot = text.indexOf('.');
    return dot > 0 ? text.substring(0, dot) + "Z" : text;
  }

  private static String labels(JsonNode labels) {
    List<String> pairs = new ArrayList<>();
    labels.properties().forEach(entry -> {
      if (!entry.getKey().equals("alertname")) {
        pairs.add(entry.getKey() + "=" + entry.getValue().asText());
      }
    });
    return String.join(",", pairs);
  }
}
