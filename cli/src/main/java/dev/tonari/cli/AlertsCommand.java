package dev.tonari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tonari alerts}: the alert history of a tenant, over the server's alert history API.
 *
 * <ul>
 *   <li>{@code history [--since 24h] [--rule R] [--label NAME=VALUE]... [--limit N]}: the state
 *       changes as a table, newest first, states in colour;
 *   <li>{@code episodes [--since 24h]}: the alert episodes with their acknowledgements;
 *   <li>{@code ack ID [--comment C] [--by NAME]}: acknowledges an episode (its id is in both tables).
 * </ul>
 */
@Command(name = "alerts", mixinStandardHelpOptions = true, description = "Alert history, episodes and acknowledgements.",
    subcommands = {AlertsCommand.History.class, AlertsCommand.Episodes.class, AlertsCommand.Acknowledge.class})
final class AlertsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "history", mixinStandardHelpOptions = true, description = "Alert state changes, newest first.")
  static final class History implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Option(names = "--since", defaultValue = "24h", description = "How far back (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--rule", paramLabel = "R", description = "Only this alert name.")
    String rule;

    @Option(names = "--label", paramLabel = "NAME=VALUE", description = "Only alerts with this label (repeatable).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--limit", defaultValue = "500", description = "At most this many changes (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--output", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Override
    public Integer call() throws Exception {
      StringBuilder query = new StringBuilder("/tonari/api/v1/alerts/history?since=").append(SloCommand.encode(since)).append("&limit=").append(limit);
      if (rule != null) {
        query.append("&rule=").append(SloCommand.encode(rule));
      }
      for (String label : labels) {
        query.append("&label=").append(SloCommand.encode(label));
      }
      return fetch(server, query.toString(), output, body -> AlertTables.history(body.path("data"), Terminal.detect(), System.out));
    }
  }

  @Command(name = "episodes", mixinStandardHelpOptions = true, description = "Alert episodes (pending or firing until resolved), newest first.")
  static final class Episodes implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Option(names = "--since", defaultValue = "24h", description = "How far back (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--limit", defaultValue = "500", description = "At most this many episodes (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--output", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Override
    public Integer call() throws Exception {
      String query = "/tonari/api/v1/alerts/episodes?since=" + SloCommand.encode(since) + "&limit=" + limit;
      return fetch(server, query, output, body -> AlertTables.episodes(body.path("data"), Terminal.detect(), System.out));
    }
  }

  @Command(name = "ack", mixinStandardHelpOptions = true, description = "Acknowledge an alert episode.")
  static final class Acknowledge implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Parameters(paramLabel = "ID", description = "The episode id, as the history and episodes tables show it.")
    String id;

    @Option(names = "--comment", paramLabel = "C", description = "What you are doing about it.")
    String comment;

    @Option(names = "--by", paramLabel = "NAME", description = "Who acknowledges (default: the token's name on the server).")
    String by;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = SloCommand.JSON.createObjectNode();
      if (by != null) {
        body.put("by", by);
      }
      if (comment != null) {
        body.put("comment", comment);
      }
      try (HttpClient http = HttpClient.newHttpClient()) {
        JsonNode episode = SloCommand.JSON.readTree(SloCommand.send(http, server, "POST", "/tonari/api/v1/alerts/" + SloCommand.encode(id) + "/ack",
            SloCommand.JSON.writeValueAsString(body), "application/json")).path("data");
        Terminal terminal = Terminal.detect();
        System.out.println(terminal.paint(Terminal.GREEN, "acknowledged") + " " + episode.path("id").asText() + " (" + episode.path("rule").asText()
            + ", " + episode.path("state").asText() + ") by " + episode.path("acknowledgedBy").asText() + " at "
            + episode.path("acknowledgedAt").asText());
        return 0;
      } catch (SloCommand.ApiException e) {
        System.err.println(e.getMessage());
        return 1;
      }
    }
  }

  /** How one answer is drawn. */
  interface Table {
    void draw(JsonNode body);
  }

  static int fetch(LokiServerOptions server, String pathAndQuery, String output, Table table) throws Exception {
    if (!output.equals("table") && !output.equals("json")) {
      System.err.println("unknown --output '" + output + "'; expected table or json");
      return 2;
    }
    try (HttpClient http = HttpClient.newHttpClient()) {
      String body = SloCommand.send(http, server, "GET", pathAndQuery, null, null);
      if (output.equals("json")) {
        System.out.print(body);
      } else {
        table.draw(SloCommand.JSON.readTree(body));
      }
      return 0;
    } catch (SloCommand.ApiException e) {
      System.err.println(e.getMessage());
      return 1;
    }
  }
}
