package dev.tonari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.server.LokiTime;
import dev.tonari.tenancy.config.LokiUnits;
import dev.tonari.store.Direction;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tonari query}: runs a LogQL log query against any Loki-compatible server through
 * {@code /loki/api/v1/query_range} and prints the entries like logcli does.
 */
@Command(name = "query", mixinStandardHelpOptions = true, description = "Run a LogQL log query and print the entries (like logcli query).")
final class QueryCommand implements Callable<Integer> {
  @Mixin
  LokiServerOptions server = new LokiServerOptions();

  @ArgGroup(exclusive = true)
  TimeWindow window = new TimeWindow();

  @Option(names = "--limit", defaultValue = "30", description = "Maximum entries to return (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--direction", defaultValue = "backward", description = "backward (newest first) or forward (default: ${DEFAULT-VALUE}).")
  Direction direction;

  @Option(names = {"--output", "-o"}, defaultValue = "default", description = "default, raw or jsonl (default: ${DEFAULT-VALUE}).")
  QueryOutput.Mode output;

  @Parameters(index = "0", paramLabel = "LOGQL", description = "The query, e.g. '{app=\"api\"} |= \"error\"'.")
  String query;

  /** Either a window ending now, or explicit bounds. */
  static final class TimeWindow {
    @Option(names = "--since", defaultValue = "1h", description = "Look back this far from now (default: ${DEFAULT-VALUE}).")
    String since = "1h";

    @ArgGroup(exclusive = false)
    Bounds bounds;
  }

  static final class Bounds {
    @Option(names = "--from", required = true, paramLabel = "T", description = "Start: RFC3339, Unix seconds or nanoseconds.")
    String from;

    @Option(names = "--to", paramLabel = "T", description = "End: RFC3339, Unix seconds or nanoseconds (default: now).")
    String to;
  }

  @Override
  public Integer call() throws Exception {
    URI uri;
    try {
      uri = requestUri(System.currentTimeMillis() * 1_000_000L);
    } catch (IllegalArgumentException e) {
      System.err.println("tonari query: " + e.getMessage());
      return 2;
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofMinutes(5));
    server.addHeaders(request);
    HttpResponse<String> response;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      System.err.println("tonari query: " + ServerEnvironment.unreachable(server.address, e));
      return 1;
    }
    if (response.statusCode() != 200) {
      System.err.println("tonari query: " + response.statusCode() + ": " + response.body().strip() + ServerEnvironment.hintFor(response.statusCode()));
      return 1;
    }
    JsonNode answer = new ObjectMapper().readTree(response.body());
    QueryOutput formatter = new QueryOutput(output, Terminal.detect(), ZoneId.systemDefault());
    PrintStream out = System.out;
    if (QueryOutput.isMetric(answer)) {
      for (QueryOutput.Sample sample : QueryOutput.samples(answer)) {
        out.println(formatter.format(sample));
      }
    } else {
      for (QueryOutput.Row row : QueryOutput.rows(answer, direction)) {
        out.println(formatter.format(row));
      }
    }
    out.flush();
    return 0;
  }

  /** The query_range URL for these options, with times resolved against {@code nowNanos}. */
  URI requestUri(long nowNanos) {
    long start;
    long end;
    if (window != null && window.bounds != null) {
      end = window.bounds.to == null ? nowNanos : LokiTime.parseNanos("--to", window.bounds.to);
      start = LokiTime.parseNanos("--from", window.bounds.from);
    } else {
      String since = window == null || window.since == null ? "1h" : window.since;
      end = nowNanos;
      start = end - LokiUnits.parseDuration(since).toNanos();
    }
    if (end < start) {
      throw new IllegalArgumentException("--to must not be before --from");
    }
    if (limit <= 0) {
      throw new IllegalArgumentException("--limit must be positive, got " + limit);
    }
    return server.uri("/loki/api/v1/query_range?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
        + "&start=" + start + "&end=" + end + "&limit=" + limit + "&direction=" + direction.name().toLowerCase(java.util.Locale.ROOT));
  }
}
