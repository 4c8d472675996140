package dev.tonari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.slo.spec.SloSpecParser;
import dev.tonari.slo.template.LogSample;
import dev.tonari.slo.template.SloTemplates;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tonari slo}: SLOs from the command line, over the server's SLO API.
 *
 * <ul>
 *   <li>{@code apply FILE...}: posts Sloth or OpenSLO files, together as one body (refs resolve
 *       across them, as in lint, and nothing is stored unless all are valid); then waits for the backfill of new or
 *       changed SLOs with a progress bar ({@code --no-wait} to return at once);
 *   <li>{@code list}: a table sorted by budget left, coloured by policy state;
 *   <li>{@code status ID}: one SLO in detail: tiles, burn rates, alert conditions, groups;
 *   <li>{@code report [--week YYYY-Www] [--output text|markdown|json]}: the weekly report;
 *   <li>{@code init --service S --selector '{app="x"}'}: samples the stream and writes a Sloth file.
 * </ul>
 */
@Command(name = "slo", mixinStandardHelpOptions = true, description = "Apply, list and report SLOs and error budgets.",
    subcommands = {SloCommand.Apply.class, SloCommand.ListSlos.class, SloCommand.Status.class, SloCommand.Report.class, SloCommand.Init.class})
final class SloCommand implements Runnable {
  static final ObjectMapper JSON = new ObjectMapper();

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** A failed call: the server's status and message, printed as they are. */
  static final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    ApiException(int status, String message) {
      super(message);
      this.status = status;
    }

    /** The HTTP status the server answered. */
    int status() {
      return status;
    }
  }

  /** One HTTP call with the tenant and token headers; a non-2xx answer becomes an ApiException with the server's words. */
  static String send(HttpClient http, LokiServerOptions server, String method, String pathAndQuery, String body, String contentType)
      throws IOException, InterruptedException, ApiException {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(pathAndQuery)).timeout(Duration.ofMinutes(1));
    server.addHeaders(request);
    if (body != null) {
      request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IOException(ServerEnvironment.unreachable(server.address, e), e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new ApiException(response.statusCode(), method + " " + pathAndQuery.replaceAll("\\?.*", "") + " answered " + response.statusCode() + ":\n"
          + response.body().strip() + ServerEnvironment.hintFor(response.statusCode()));
    }
    return response.body();
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Command(name = "apply", mixinStandardHelpOptions = true, description = "Create or replace SLOs from Sloth or OpenSLO files.")
  static final class Apply implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Option(names = "--no-wait", description = "Return once the SLOs are stored, without waiting for their history to be rebuilt.")
    boolean noWait;

    @Option(names = "--wait-timeout", defaultValue = "10m", description = "How long to wait for backfills (default: ${DEFAULT-VALUE}).")
    String waitTimeout;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Sloth prometheus/v1 or OpenSLO v1 YAML files.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
      List<String> applied = new ArrayList<>();
      Terminal terminal = Terminal.detect();
      List<String> texts = new ArrayList<>();
      for (Path file : files) {
        try {
          texts.add(Files.readString(file));
        } catch (IOException e) {
          System.err.println("tonari slo apply: cannot read " + file + ": " + e.getMessage());
          return 1;
        }
      }
      // One body, as lint reads the files together: an OpenSLO SLO may name an SLI or an alert policy of another file.
      JoinedBody body = JoinedBody.of(files, texts);
      Map<String, String> fileOfId = filesOfIds(files, texts);
      try (HttpClient http = HttpClient.newHttpClient()) {
        try {
          JsonNode answer = JSON.readTree(send(http, server, "POST", "/tonari/api/v1/slos", body.text(), "application/yaml"));
          for (String kind : List.of("created", "replaced")) {
            for (JsonNode id : answer.path("data").path(kind)) {
              applied.add(id.asText());
              System.out.println(terminal.paint(Terminal.GREEN, kind) + " " + id.asText() + "  "
                  + terminal.paint(Terminal.DIM, fileOfId.getOrDefault(id.asText(), String.join(", ", files.stream().map(Path::toString).toList()))));
            }
          }
        } catch (ApiException e) {
          // The server's problems name "body" and its lines; the user knows the files and theirs.
          System.err.println(body.locate(e.getMessage()));
          return 1;
        }
        if (!noWait && !applied.isEmpty()) {
          return waitForBackfill(http, applied, dev.tonari.tenancy.config.LokiUnits.parseDuration(waitTimeout));
        }
      }
      return 0;
    }

    private int waitForBackfill(HttpClient http, List<String> ids, Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean interactive = Terminal.isInteractive();
      while (true) {
        double least = 1;
        String slowest = "";
        for (String id : ids) {
          JsonNode slo = JSON.readTree(send(http, server, "GET", "/tonari/api/v1/slos/" + encode(id), null, null)).path("data");
          double progress = slo.path("evaluation").path("backfillProgress").asDouble(0);
          if (progress < least) {
            least = progress;
            slowest = id;
          }
        }
        if (interactive) {
          System.err.print("\r\u001b[2K" + bar(least) + " rebuilding history" + (least < 1 ? " of " + slowest : ""));
          System.err.flush();
        }
        if (least >= 1) {
          if (interactive) {
            System.err.print("\r\u001b[2K");
          }
          System.err.println("history rebuilt for " + ids.size() + (ids.size() == 1 ? " SLO" : " SLOs"));
          return 0;
        }
        if (System.nanoTime() > deadline) {
          if (interactive) {
            System.err.println();
          }
          System.err.println("tonari slo apply: history of " + slowest + " is still being rebuilt (" + Math.round(least * 100)
              + "%); the server goes on, see tonari slo status " + slowest);
          return 0;
        }
        Thread.sleep(500);
      }
    }
  }

  /** Which file defines each SLO id, read locally; empty when the files do not parse (the server says why). */
  static Map<String, String> filesOfIds(List<Path> files, List<String> texts) {
    List<Map.Entry<String, String>> entries = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      entries.add(Map.entry(files.get(i).toString(), texts.get(i)));
    }
    Map<String, String> fileOfId = new HashMap<>();
    if (new SloSpecParser().parseAll(entries) instanceof SloSpecParser.ParseResult.Parsed parsed) {
      parsed.slos().forEach(slo -> fileOfId.put(slo.id(), slo.origin().file()));
    }
    return fileOfId;
  }

  /**
   * Several files as one multi-document YAML body ({@code ---} between them, unless a file begins
   * with its own), and where each begins, so that the server's {@code body:LINE:COL} can be told
   * back as {@code FILE:LINE:COL}.
   *
   * @param firstLines the body line on which each file's first line is
   */
  record JoinedBody(String text, List<Path> files, int[] firstLines) {
    private static final Pattern BODY_POSITION = Pattern.compile("(?m)^body:(\\d+):(\\d+):");

    static JoinedBody of(List<Path> files, List<String> texts) {
      StringBuilder text = new StringBuilder();
      int[] firstLines = new int[files.size()];
      int line = 1;
      for (int i = 0; i < texts.size(); i++) {
        String file = texts.get(i);
        if (i > 0 && !startsWithDocumentMarker(file)) {
          text.append("---\n");
          line++;
        }
        firstLines[i] = line;
        text.append(file);
        if (!file.endsWith("\n")) {
          text.append('\n');
        }
        line = (int) text.chars().filter(c -> c == '\n').count() + 1;
      }
      return new JoinedBody(text.toString(), List.copyOf(files), firstLines);
    }

    /** Whether the first line that is not blank or a comment is a {@code ---} document marker. */
    static boolean startsWithDocumentMarker(String text) {
      for (String line : text.lines().toList()) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        return trimmed.equals("---") || trimmed.startsWith("--- ");
      }
      return false;
    }

    /** The message with every {@code body:LINE:COL:} at a line start turned into {@code FILE:LINE:COL:}. */
    String locate(String message) {
      Matcher matcher = BODY_POSITION.matcher(message);
      StringBuilder located = new StringBuilder();
      while (matcher.find()) {
        int bodyLine = Integer.parseInt(matcher.group(1));
        int file = 0;
        while (file + 1 < firstLines.length && firstLines[file + 1] <= bodyLine) {
          file++;
        }
        matcher.appendReplacement(located, Matcher.quoteReplacement(files.get(file) + ":" + (bodyLine - firstLines[file] + 1) + ":" + matcher.group(2) + ":"));
      }
      matcher.appendTail(located);
      return located.toString();
    }
  }

  /** A 30-cell progress bar with the percentage. */
  static String bar(double progress) {
    int cells = 30;
    int full = (int) Math.round(Math.max(0, Math.min(1, progress)) * cells);
    return "[" + "#".repeat(full) + "-".repeat(cells - full) + "] " + String.format(Locale.ROOT, "%3d%%", Math.round(progress * 100));
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tenant's SLOs, sorted by budget left.")
  static final class ListSlos implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Option(names = "--output", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Override
    public Integer call() throws Exception {
      try (HttpClient http = HttpClient.newHttpClient()) {
        String body = send(http, server, "GET", "/tonari/api/v1/slos", null, null);
        if (output.equals("json")) {
          System.out.print(body);
          return 0;
        }
        SloTables.list(JSON.readTree(body).path("data"), Terminal.detect(), System.out);
        return 0;
      } catch (ApiException e) {
        System.err.println(e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show one SLO: SLI, budget, burn rates, alert conditions.")
  static final class Status implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Option(names = "--output", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Parameters(paramLabel = "ID", description = "The SLO id, <service>-<slo name>.")
    String id;

    @Override
    public Integer call() throws Exception {
      try (HttpClient http = HttpClient.newHttpClient()) {
        String body = send(http, server, "GET", "/tonari/api/v1/slos/" + encode(id), null, null);
        if (output.equals("json")) {
          System.out.print(body);
          return 0;
        }
        SloTables.status(JSON.readTree(body).path("data"), Terminal.detect(), System.out);
        return 0;
      } catch (ApiException e) {
        System.err.println(e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true, description = "The weekly SLO report: budget at start and end, worst burn, alerts, what burned it.")
  static final class Report implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Option(names = "--week", paramLabel = "YYYY-Www", description = "ISO week (default: the last complete week).")
    String week;

    @Option(names = "--id", paramLabel = "ID", description = "Only this SLO.")
    String id;

    @Option(names = "--output", defaultValue = "text", description = "text, markdown or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Override
    public Integer call() throws Exception {
      if (!List.of("text", "markdown", "json").contains(output)) {
        System.err.println("tonari slo report: unknown --output '" + output + "'; expected text, markdown or json");
        return 2;
      }
      StringBuilder query = new StringBuilder("/tonari/api/v1/slo_report?format=").append(output);
      if (week != null) {
        query.append("&week=").append(encode(week));
      }
      if (id != null) {
        query.append("&id=").append(encode(id));
      }
      try (HttpClient http = HttpClient.newHttpClient()) {
        System.out.print(send(http, server, "GET", query.toString(), null, null));
        return 0;
      } catch (ApiException e) {
        System.err.println(e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Sample a stream and write a Sloth file with availability and latency SLOs over its logs.")
  static final class Init implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Option(names = "--service", required = true, description = "The service name (Sloth's service; the id prefix).")
    String service;

    @Option(names = "--selector", required = true, description = "The stream selector, e.g. '{app=\"api\"}'.")
    String selector;

    @Option(names = "--since", defaultValue = "1h", description = "How far back to sample (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--sample", defaultValue = "1000", description = "Lines to sample (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = {"-o", "--output-file"}, paramLabel = "FILE", description = "Write the file here (default: standard output).")
    Path outputFile;

    @Override
    public Integer call() throws Exception {
      if (!service.matches("[A-Za-z0-9._-]+")) {
        System.err.println("tonari slo init: --service '" + service + "' cannot be part of an SLO id: use letters, digits, '-', '_' and '.'");
        return 2;
      }
      try {
        dev.tonari.logql.LogqlParser.parseLogSelector(selector);
      } catch (dev.tonari.logql.LogqlParseException e) {
        System.err.println("tonari slo init: --selector " + selector + ": " + e.getMessage());
        return 2;
      }
      Instant end = Instant.now();
      Instant start = end.minus(dev.tonari.tenancy.config.LokiUnits.parseDuration(since));
      String path = "/loki/api/v1/query_range?direction=backward&limit=" + sample + "&query=" + encode(selector) + "&start="
          + (start.getEpochSecond() * 1_000_000_000L) + "&end=" + (end.getEpochSecond() * 1_000_000_000L);
      List<String> lines = new ArrayList<>();
      try (HttpClient http = HttpClient.newHttpClient()) {
        JsonNode answer = JSON.readTree(send(http, server, "GET", path, null, null));
        for (JsonNode stream : answer.path("data").path("result")) {
          for (JsonNode value : stream.path("values")) {
            lines.add(value.get(1).asText());
          }
        }
      } catch (ApiException e) {
        System.err.println(e.getMessage());
        return 1;
      }
      if (lines.isEmpty()) {
        System.err.println("tonari slo init: no lines for " + selector + " in the last " + since + "; push some or widen --since");
        return 1;
      }
      LogSample analysis = LogSample.analyze(lines);
      String file = SloTemplates.slothFile(service, selector, analysis);
      PrintStream err = System.err;
      System.out.flush();
      err.println("sampled " + lines.size() + " lines: " + analysis);
      if (outputFile == null) {
        System.out.print(file);
      } else {
        Files.writeString(outputFile, file);
        err.println("wrote " + outputFile + "; check it with: tonari lint " + outputFile + ", then tonari slo apply " + outputFile);
      }
      return 0;
    }
  }
}
