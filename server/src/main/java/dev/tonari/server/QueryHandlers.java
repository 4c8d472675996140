package dev.tonari.server;

import dev.tonari.query.QueryEngine;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryStatistics;
import dev.tonari.query.StreamResult;
import dev.tonari.query.StreamsResult;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
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
 * The read side of Loki's HTTP API: {@code query_range}, {@code query}, {@code labels}, {@code
 * label/{name}/values} and {@code series}, with Loki's parameters and defaults (limit 100,
 * direction backward, end now, start one hour before end for log queries and six hours for the
 * metadata endpoints, {@code since} instead of start). Parameters come from the query string, and
 * for POST also from a form body, as Loki reads {@code r.Form}. Refusals are plain text with
 * Loki's status codes.
 */
final class QueryHandlers {
  private static final Logger log = LoggerFactory.getLogger(QueryHandlers.class);
  static final int DEFAULT_LIMIT = 100;
  static final Duration DEFAULT_LOG_QUERY_SINCE = Duration.ofHours(1);
  static final Duration DEFAULT_METADATA_SINCE = Duration.ofHours(6);
  private static final String JSON = "application/json; charset=utf-8";

  private final QueryEngine engine;
  private final ServerMetrics metrics;
  private final LongSupplier nowNanos;

  QueryHandlers(QueryEngine engine, ServerMetrics metrics, LongSupplier nowNanos) {
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
    serve(ctx, "query_range", this::logQuery);
  }

  void instantQuery(Context ctx) {
    serve(ctx, "query", this::instantLogQuery);
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

  private byte[] logQuery(Context ctx, String tenant) throws QueryException, IOException {
    TimeRange range = range(ctx, DEFAULT_LOG_QUERY_SINCE);
    return runLogQuery(ctx, tenant, range);
  }

  /**
   * Loki 3 refuses log selectors on the instant endpoint; we answer them over the hour before
   * {@code time} (or {@code since}) instead, which is what older Loki versions and scripts expect.
   */
  private byte[] instantLogQuery(Context ctx, String tenant) throws QueryException, IOException {
    String timeText = param(ctx, "time");
    long time = timeText == null || timeText.isBlank() ? nowNanos.getAsLong() : LokiTime.parseNanos("time", timeText);
    Duration since = sinceOr(ctx, DEFAULT_LOG_QUERY_SINCE);
    // +1: the instant itself is included, as the range end is exclusive in the store.
    return runLogQuery(ctx, tenant, new TimeRange(time - since.toNanos(), time + 1));
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
      String tenant = TenantIds.fromHeader(ctx.header("X-Scope-OrgID"));
      byte[] body = handler.answer(ctx, tenant);
      ctx.status(200).contentType(JSON).result(body);
      status = 200;
    } catch (TenantIds.InvalidTenantException e) {
      status = plain(ctx, 400, e.getMessage());
    } catch (QueryException e) {
      status = plain(ctx, e.status(), e.getMessage());
    } catch (IllegalArgumentException e) {
      status = plain(ctx, 400, e.getMessage());
    } catch (IOException | RuntimeException e) {
      log.error("{} request {} failed", endpoint, ctx.queryString(), e);
      status = plain(ctx, 500, endpoint + " failed: " + e);
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
