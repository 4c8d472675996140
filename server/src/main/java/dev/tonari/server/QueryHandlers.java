package dev.tonari.server;

import com.google.re2j.Pattern;
import dev.tonari.logql.Expr;
import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.QueryContext;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryStatistics;
import dev.tonari.query.StreamResult;
import dev.tonari.query.StreamsResult;
import dev.tonari.query.metric.MatrixResult;
import dev.tonari.query.metric.MetricQueryEngine;
import dev.tonari.query.metric.MetricResult;
import dev.tonari.query.metric.ScalarResult;
import dev.tonari.query.metric.VectorResult;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.tenancy.config.LokiUnits;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of Loki's HTTP API: {@code query_range}, {@code query} (log queries answer
 * {@code streams}; metric queries {@code matrix} over Loki's steps, or at one instant {@code
 * vector} or {@code scalar}), {@code labels}, {@code
 * label/{name}/values} and {@code series}, with Loki's parameters and defaults (limit 100,
 * direction backward, end now, start one hour before end for log queries and six hours for the
 * metadata endpoints, {@code since} instead of start). Parameters come from the query string, and
 * for POST also from a form body, as Loki reads {@code r.Form}. Refusals are plain text with
 * Loki's status codes.
 */
final class QueryHandlers {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private static final Logger log = LoggerFactory.getLogger(QueryHandlers.class);
  static final int DEFAULT_LIMIT = 100;
  static final Duration DEFAULT_LOG_QUERY_SINCE = Duration.ofHours(1);
  static final Duration DEFAULT_METADATA_SINCE = Duration.ofHours(6);
  private static final String JSON = "application/json; charset=utf-8";

  private final MultiTenantQuery engine;
  private final ServerMetrics metrics;
  private final LongSupplier nowNanos;

  QueryHandlers(MultiTenantQuery engine, ServerMetrics metrics, LongSupplier nowNanos) {
    this.engine = engine;
    this.metrics = metrics;
    this.nowNanos = nowNanos;
  }

  /** The instant and range of a request, after Loki's defaulting rules. */
  record TimeRange(long startNanos, long endNanos) {}

  @FunctionalInterface
  private interface Endpoint {
    byte[] answer(Context ctx, String tenant) throws QueryException, IOException;
  }

  void queryRange(Context ctx) {
    try (QueryContext.CancellationScope scope = QueryContext.cancelQueriesOfThisThreadWhen(clientGone(ctx), CLIENT_PROBE_INTERVAL)) {
      serve(ctx, "query_range", this::rangeQuery);
    }
  }

  void instantQuery(Context ctx) {
    try (QueryContext.CancellationScope scope = QueryContext.cancelQueriesOfThisThreadWhen(clientGone(ctx), CLIENT_PROBE_INTERVAL)) {
      serve(ctx, "query", this::instantQuery);
    }
  }

  /** How often a running query asks whether its client is still connected. */
  static final Duration CLIENT_PROBE_INTERVAL = Duration.ofMillis(250);

  /**
   * Whether the client of this request has closed its connection. Jetty 12 does not read a
   * connection while its request is being handled, so it notices a disconnect only when the
   * response is written (tested: neither {@code Request.addFailureListener} nor {@code
   * EndPoint.isOpen()} change). The kernel knows, though: the server side of a TCP connection
   * whose peer closed is in state CLOSE_WAIT. On Linux this reads that state from {@code
   * /proc/net/tcp} and {@code tcp6}, matching the (local port, remote port) pair; elsewhere, or
   * when the files cannot be read, the answer is always "still connected".
   */
  static java.util.function.BooleanSupplier clientGone(Context ctx) {
    int localPort = ctx.req().getLocalPort();
    int remotePort = ctx.req().getRemotePort();
    return () -> TcpStates.peerClosed(localPort, remotePort);
  }

  /** Reads connection states from Linux's {@code /proc/net/tcp*} tables. */
  static final class TcpStates {
    private static final String ESTABLISHED = "01";
    private static final java.util.List<java.nio.file.Path> TABLES = java.util.List.of(java.nio.file.Path.of("/proc/net/tcp"), java.nio.file.Path.of("/proc/net/tcp6"));

    private TcpStates() {}

    /**
     * True when a connection with these ports was seen and none of those seen is established
     * (several hosts may use the same remote port; any established one keeps the query going).
     */
    static boolean peerClosed(int localPort, int remotePort) {
      boolean seen = false;
      for (java.nio.file.Path table : TABLES) {
        try (java.io.BufferedReader reader = java.nio.file.Files.newBufferedReader(table, java.nio.charset.StandardCharsets.US_ASCII)) {
          String line = reader.readLine();
          while ((line = reader.readLine()) != null) {
            String[] fields = WHITESPACE.split(line.trim(), 5);
            if (fields.length < 4 || port(fields[1]) != localPort || port(fields[2]) != remotePort) {
              continue;
            }
            if (fields[3].equals(ESTABLISHED)) {
              return false;
            }
            seen = true;
          }
        } catch (IOException | RuntimeException unreadable) {
          // Not Linux, or no /proc: the query then runs to its end or its timeout, as before.
          log.debug("cannot read {} to detect client disconnects: {}", table, unreadable.toString());
        }
      }
      return seen;
    }

    private static int port(String address) {
      return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }
  }

  void labels(Context ctx) {
    serve(ctx, "labels", (c, tenant) -> {
      TimeRange range = range(c, DEFAULT_METADATA_SINCE);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LokiJson.writeStrings(out, engine.labelNames(tenant, range.startNanos(), range.endNanos()));
      return out.toByteArray();
    });
  }

  void labelValues(Context ctx) {
    serve(ctx, "label_values", (c, tenant) -> {
      TimeRange range = range(c, DEFAULT_METADATA_SINCE);
      String name = c.pathParam("name");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LokiJson.writeStrings(out, engine.labelValues(tenant, name, range.startNanos(), range.endNanos(), param(c, "query")));
      return out.toByteArray();
    });
  }

  void series(Context ctx) {
    serve(ctx, "series", (c, tenant) -> {
      TimeRange range = range(c, DEFAULT_METADATA_SINCE);
      List<String> matchers = new ArrayList<>(params(c, "match[]"));
      matchers.addAll(params(c, "match"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LokiJson.writeSeries(out, engine.series(tenant, matchers, range.startNanos(), range.endNanos()));
      return out.toByteArray();
    });
  }

  /** Log queries answer streams; metric queries a matrix over Loki's steps. */
  private byte[] rangeQuery(Context ctx, String tenant) throws QueryException, IOException {
    TimeRange range = range(ctx, DEFAULT_LOG_QUERY_SINCE);
    // Loki validates step and interval for every range query, whatever its type.
    long step = step(param(ctx, "step"), range);
    interval(param(ctx, "interval"));
    if (parse(ctx) instanceof SampleExpr metric) {
      return writeMetric(engine.metricQuery(tenant, metric, range.startNanos(), range.endNanos(), step, false));
    }
    return runLogQuery(ctx, tenant, range);
  }

  /**
   * A metric query is evaluated at {@code time} (default now). A log selector is refused with
   * Loki 3.x's 400 and message: Loki 2.x answered it over the hour before {@code time}, Loki 3.x
   * sends log queries to {@code query_range}.
   */
  private byte[] instantQuery(Context ctx, String tenant) throws QueryException, IOException {
    String timeText = param(ctx, "time");
    long time = timeText == null || timeText.isBlank() ? nowNanos.getAsLong() : LokiTime.parseNanos("time", timeText);
    if (parse(ctx) instanceof SampleExpr metric) {
      return writeMetric(engine.metricQuery(tenant, metric, time, time, 0, true));
    }
    throw new QueryException(400, UNSUPPORTED_INSTANT_LOG_QUERY);
  }

  /** Loki 3.x's answer to a log selector on the instant endpoint. */
  static final String UNSUPPORTED_INSTANT_LOG_QUERY =
      "log queries are not supported as an instant query type, please change your query to a range query type";

  private static Expr parse(Context ctx) throws QueryException {
    String query = param(ctx, "query");
    if (query == null || query.isBlank()) {
      throw new QueryException(400, "query parameter is required: a LogQL expression such as {app=\"api\"} |= \"error\"");
    }
    try {
      return LogqlParser.parse(query);
    } catch (LogqlParseException e) {
      throw new QueryException(400, e.getMessage(), e);
    }
  }

  private static byte[] writeMetric(MetricResult result) throws IOException {
    QueryStatistics statistics = result.statistics();
    LokiJson.Summary summary = new LokiJson.Summary(
        statistics.linesScanned(), statistics.bytesScanned(), statistics.entriesReturned(), statistics.execNanos());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (result) {
      case MatrixResult matrix -> LokiJson.writeMatrix(out, matrix.series(), summary);
      case VectorResult vector -> LokiJson.writeVector(out, vector.samples(), summary);
      case ScalarResult scalar -> LokiJson.writeScalar(out, scalar.timestampNanos(), scalar.value(), summary);
    }
    return out.toByteArray();
  }

  /**
   * Loki's {@code step}: float seconds or a Prometheus duration ({@code 5m}); absent, the range
   * divided into 250 steps, whole seconds, at least one second. Refused when not positive or when
   * it would make more than 11,000 points per series.
   */
  static long step(String text, TimeRange range) throws QueryException {
    long step;
    if (isBlank(text)) {
      long seconds = Math.max((range.endNanos() - range.startNanos()) / 1_000_000_000L / 250, 1);
      step = seconds * 1_000_000_000L;
    } else {
      step = secondsOrDuration("step", text);
    }
    if (step <= 0) {
      throw new QueryException(400, "zero or negative query resolution step widths are not accepted. Try a positive integer");
    }
    if ((range.endNanos() - range.startNanos()) / step > MetricQueryEngine.MAX_POINTS_PER_SERIES) {
      throw new QueryException(400, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
    }
    return step;
  }

  /** Loki's {@code interval} of log range queries: optional, float seconds or a duration, not negative. */
  static long interval(String text) throws QueryException {
    if (isBlank(text)) {
      return 0;
    }
    long interval = secondsOrDuration("interval", text);
    if (interval < 0) {
      throw new QueryException(400, "interval must be >= 0");
    }
    return interval;
  }

  /** Loki's {@code parseSecondsOrDuration}: a float is seconds, otherwise a Prometheus duration. */
  static long secondsOrDuration(String name, String text) throws QueryException {
    String value = text.trim();
    try {
      double seconds = Double.parseDouble(value);
      if (!Double.isNaN(seconds) && !value.endsWith("d") && !value.endsWith("f") && !value.endsWith("D") && !value.endsWith("F")) {
        double nanos = seconds * 1e9;
        if (nanos > Long.MAX_VALUE || nanos < Long.MIN_VALUE) {
          throw new QueryException(400, "invalid " + name + " parameter: cannot parse \"" + text + "\" to a valid duration. It overflows int64");
        }
        return (long) nanos;
      }
    } catch (NumberFormatException notSeconds) {
      // A duration such as 5m, tried next as Loki does.
    }
    try {
      return LokiUnits.parseDuration(value).toNanos();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new QueryException(400, "invalid " + name + " parameter: cannot parse \"" + text + "\" to a valid duration", e);
    }
  }

  private byte[] runLogQuery(Context ctx, String tenant, TimeRange range) throws QueryException, IOException {
    String query = param(ctx, "query");
    if (query == null || query.isBlank()) {
      throw new QueryException(400, "query parameter is required: a LogQL expression such as {app=\"api\"} |= \"error\"");
    }
    int limit = limit(ctx);
    Direction direction = direction(ctx);
    StreamsResult result = engine.logQuery(tenant, query, range.startNanos(), range.endNanos(), limit, direction);
    boolean categorize = categorizeLabels(ctx);
    List<LokiJson.Stream> streams = new ArrayList<>();
    for (StreamResult stream : result.streams()) {
      if (categorize) {
        streams.add(new LokiJson.Stream(stream.labels(), stream.entries()));
      } else {
        streams.addAll(foldMetadata(stream.labels(), stream.entries()));
      }
    }
    QueryStatistics statistics = result.statistics();
    LokiJson.Summary summary = new LokiJson.Summary(
        statistics.linesScanned(), statistics.bytesScanned(), statistics.entriesReturned(), statistics.execNanos());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LokiJson.writeStreams(out, streams, summary, categorize);
    return out.toByteArray();
  }

  /**
   * Without the categorize-labels flag, Loki shows structured metadata as stream labels, so one
   * stream splits into one per distinct metadata set; the stream's own labels win on a clash.
   */
  static List<LokiJson.Stream> foldMetadata(Labels labels, List<LogEntry> entries) {
    Map<Labels, List<LogEntry>> byMetadata = new LinkedHashMap<>();
    for (LogEntry entry : entries) {
      byMetadata.computeIfAbsent(entry.metadata(), m -> new ArrayList<>()).add(entry);
    }
    List<LokiJson.Stream> streams = new ArrayList<>(byMetadata.size());
    for (Map.Entry<Labels, List<LogEntry>> group : byMetadata.entrySet()) {
      Labels merged = labels;
      if (!group.getKey().isEmpty()) {
        Map<String, String> map = group.getKey().toMap();
        map.putAll(labels.toMap());
        merged = Labels.of(map);
      }
      streams.add(new LokiJson.Stream(merged, group.getValue()));
    }
    return streams;
  }

  private void serve(Context ctx, String endpoint, Endpoint handler) {
    long started = System.nanoTime();
    int status;
    try {
      String tenant = RequestTenants.tenantOf(ctx);
      byte[] body = handler.answer(ctx, tenant);
      ctx.status(200).contentType(JSON).result(body);
      status = 200;
    } catch (RequestTenants.InvalidTenantException e) {
      status = plain(ctx, 400, e.getMessage());
    } catch (QueryException e) {
      java.util.Optional<ClusterUnavailable> unavailable = ClusterUnavailable.of(e);
      status = unavailable.isPresent() ? unavailable.get().answer(ctx, metrics) : plain(ctx, e.status(), e.getMessage());
    } catch (IllegalArgumentException e) {
      status = plain(ctx, 400, e.getMessage());
    } catch (IOException | RuntimeException e) {
      java.util.Optional<ClusterUnavailable> unavailable = ClusterUnavailable.of(e);
      if (unavailable.isPresent()) {
        // Kafka, the catalog or a partition's owner is briefly away: the client retries, as after Loki's 503.
        log.warn("{} request {} answered 503: {}", endpoint, ctx.queryString(), unavailable.get().message());
        status = unavailable.get().answer(ctx, metrics);
      } else {
        log.error("{} request {} failed", endpoint, ctx.queryString(), e);
        status = plain(ctx, 500, endpoint + " failed: " + e);
      }
    }
    metrics.recordQuery(endpoint, status, System.nanoTime() - started);
  }

  private static int plain(Context ctx, int status, String message) {
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
    return status;
  }

  TimeRange range(Context ctx, Duration defaultSince) {
    return range(param(ctx, "start"), param(ctx, "end"), param(ctx, "since"), defaultSince, nowNanos.getAsLong());
  }

  /** Loki's {@code determineBounds}: end defaults to now, start to end minus {@code since}. */
  static TimeRange range(String startText, String endText, String sinceText, Duration defaultSince, long nowNanos) {
    long end = isBlank(endText) ? nowNanos : LokiTime.parseNanos("end", endText);
    Duration since = isBlank(sinceText) ? defaultSince : parseSince(sinceText);
    long start = isBlank(startText) ? end - since.toNanos() : LokiTime.parseNanos("start", startText);
    if (end < start) {
      throw new IllegalArgumentException("end timestamp must not be before or equal to start time");
    }
    return new TimeRange(start, end);
  }

  private Duration sinceOr(Context ctx, Duration defaultSince) {
    String text = param(ctx, "since");
    return isBlank(text) ? defaultSince : parseSince(text);
  }

  private static Duration parseSince(String text) {
    try {
      return LokiUnits.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid since parameter: " + e.getMessage(), e);
    }
  }

  private static int limit(Context ctx) {
    String text = param(ctx, "limit");
    if (isBlank(text)) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid limit parameter \"" + text + "\": expected a positive integer", e);
    }
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be a positive value");
    }
    return limit;
  }

  static Direction direction(Context ctx) {
    return parseDirection(param(ctx, "direction"));
  }

  static Direction parseDirection(String text) {
    if (isBlank(text)) {
      return Direction.BACKWARD;
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "backward" -> Direction.BACKWARD;
      case "forward" -> Direction.FORWARD;
      default -> throw new IllegalArgumentException("invalid direction \"" + text + "\": expected backward or forward");
    };
  }

  private static boolean categorizeLabels(Context ctx) {
    String flags = ctx.header("X-Loki-Response-Encoding-Flags");
    return flags != null && flags.toLowerCase(Locale.ROOT).contains("categorize-labels");
  }

  /** A parameter from the query string, or for POST from the form body. */
  static String param(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null && ctx.method() == HandlerType.POST) {
      value = ctx.formParam(name);
    }
    return value;
  }

  private static List<String> params(Context ctx, String name) {
    List<String> values = new ArrayList<>(ctx.queryParams(name));
    if (ctx.method() == HandlerType.POST) {
      values.addAll(ctx.formParams(name));
    }
    return values;
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }

  static long nanosOf(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
