package dev.tonari.cli;

import dev.tonari.alerts.toil.ToilJson;
import dev.tonari.alerts.toil.ToilRenderers;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tonari toil report}: a team's toil from the server's {@code GET /tonari/api/v1/toil}:
 * pages (and those outside working hours), tickets, flapping and noise per ISO week, time to
 * acknowledge and to resolve, and the noisiest rules with what to change. {@code text} draws the
 * API's JSON with colours in a terminal; {@code markdown} and {@code json} are the API's own.
 */
@Command(name = "toil", mixinStandardHelpOptions = true, description = "Measure alert toil.", subcommands = {ToilCommand.Report.class})
final class ToilCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Pages, out-of-hours pages, flapping and noise per week, and the noisiest rules with suggestions.")
  static final class Report implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Option(names = "--since", defaultValue = "4w", description = "How far back (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--format", defaultValue = "text", description = "text, markdown or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--top", defaultValue = "5", description = "How many of the noisiest rules (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws Exception {
      if (!List.of("text", "markdown", "json").contains(format)) {
        System.err.println("tonari toil report: unknown --format '" + format + "'; expected text, markdown or json");
        return 2;
      }
      String wire = format.equals("text") ? "json" : format;
      String query = "/tonari/api/v1/toil?since=" + SloCommand.encode(since) + "&top=" + top + "&format=" + wire;
      try (HttpClient http = HttpClient.newHttpClient()) {
        String body = SloCommand.send(http, server, "GET", query, null, null);
        if (!format.equals("text")) {
          System.out.print(body);
          return 0;
        }
        System.out.print(ToilRenderers.text(ToilJson.read(body), highlighter(Terminal.detect())));
        return 0;
      } catch (SloCommand.ApiException e) {
        System.err.println(e.getMessage());
        return 1;
      } catch (ToilJson.MalformedReportException e) {
        System.err.println("tonari toil report: the server's answer is not a toil report this CLI reads: " + e.getMessage());
        return 1;
      }
    }
  }

  /** The report's tones in the terminal's colours. */
  static ToilRenderers.Highlighter highlighter(Terminal terminal) {
    return (tone, text) -> terminal.paint(switch (tone) {
      case HEADING -> Terminal.BOLD;
      case BAD -> Terminal.RED;
      case WARNING -> Terminal.YELLOW;
      case HINT -> Terminal.CYAN;
      case DIM -> Terminal.DIM;
    }, text);
  }
}
