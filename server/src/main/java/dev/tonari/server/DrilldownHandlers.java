package dev.tonari.server;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.query.QueryEngine;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.StreamResult;
import dev.tonari.query.StreamsResult;
import dev.tonari.query.drilldown.DetectedFields;
import dev.tonari.query.drilldown.DetectedLabels;
import dev.tonari.query.drilldown.PatternMiner;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import dev.tonari.tenancy.config.LokiUnits;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The endpoints Grafana's Logs Drilldown app calls besides the query and index ones, in Loki's
 * shapes ({@link DrilldownJson}); every one takes GET or a POST form, Loki's time forms ({@link
 * LokiTime}) and answers a refusal as {@code {"message": ...}}:
 *
 * <ul>
 *   <li>{@code detected_labels?query={selector}&start&end}: the stream labels worth breaking down
 *       by ({@link DetectedLabels});
 *   <li>{@code detected_fields?query={log query}&start&end&line_limit&limit}: the fields json or
 *       logfmt extract from the newest {@code line_limit} lines, and structured metadata ({@link
 *       DetectedFields});
 *   <li>{@code detected_field/{name}/values}: the distinct values of one of them;
 *   <li>{@code patterns?query&start&end&step}: the templates a {@link PatternMiner} finds in the
 *       range's lines, counted per step (at least {@link #PATTERN_RESOLUTION}, Loki's pattern
 *       resolution), at most {@link #PATTERN_LINE_BUDGET} lines mined, newest first;
 *   <li>{@code drilldown-limits}: the tenant's published limits, with the pattern ingester on.
 * </ul>
 */
final class DrilldownHandlers {
  /** The Loki version Tonari answers as, in {@code status/buildinfo} and {@code drilldown-limits}. */
  static final String LOKI_VERSION = "3.5.0";
  static final int DEFAULT_LINE_LIMIT = 1000;
  static final int DEFAULT_FIELD_LIMIT = 1000;
  static final Duration PATTERN_RESOLUTION = Duration.ofSeconds(10);
  static final int PATTERN_LINE_BUDGET = 100_000;
  private static final Duration DEFAULT_SINCE = Duration.ofHours(1);
  private static final List<String> DISCOVER_SERVICE_NAME = List.of("service", "app", "application", "app_name", "name",
      "app_kubernetes_io_name", "container", "container_name", "k8s_container_name", "component", "workload", "job", "k8s_job_name");
  private static final List<String> LOG_LEVEL_FIELDS = List.of("level", "LEVEL", "Level", "log.level", "severity", "SEVERITY",
      "Severity", "lvl", "LVL", "Lvl");

  private final MultiTenantQuery queries;
  private final LogStore readView;
  private final Function<String, Duration> retention;
  private final ServerMetrics metrics;
  private final LongSupplier nowNanos;

  /**
   * @param readView the multi-tenant view the pattern miner reads through (with a larger line budget than a log query's)
   * @param retention a tenant's retention period (zero: forever)
   */
  DrilldownHandlers(MultiTenantQuery queries, LogStore readView, Function<String, Duration> retention, ServerMetrics metrics, LongSupplier nowNanos) {
    this.queries = queries;
    this.readView = readView;
    this.retention = retention;
    this.metrics = metrics;
    this.nowNanos = nowNanos;
  }

  void detectedLabels(Context ctx) {
    JsonEndpoint.serve(ctx, "detected_labels", metrics, this::writeDetectedLabels, true);
  }

  void detectedFields(Context ctx) {
    JsonEndpoint.serve(ctx, "detected_fields", metrics, this::writeDetectedFields, true);
  }

  void detectedFieldValues(Context ctx) {
    JsonEndpoint.serve(ctx, "detected_field_values", metrics, this::writeFieldValues, true);
  }

  void patterns(Context ctx) {
    JsonEndpoint.serve(ctx, "patterns", metrics, this::writePatterns, true);
  }

  void limits(Context ctx) {
    JsonEndpoint.serve(ctx, "drilldown_limits", metrics, this::writeLimits, true);
  }

  private QueryHandlers.TimeRange range(Context ctx) {
    return QueryHandlers.range(QueryHandlers.param(ctx, "start"), QueryHandlers.param(ctx, "end"), QueryHandlers.param(ctx, "since"),
        DEFAULT_SINCE, nowNanos.getAsLong());
  }

  private void writeDetectedLabels(Context ctx, String tenant, OutputStream out) throws QueryException, IOException {
    QueryHandlers.TimeRange range = range(ctx);
    String query = QueryHandlers.param(ctx, "query");
    Map<String, Set<String>> valuesByLabel = new TreeMap<>();
    if (query == null || query.isBlank() || query.trim().equals("{}")) {
      for (String name : queries.labelNames(tenant, range.startNanos(), range.endNanos())) {
        valuesByLabel.put(name, new LinkedHashSet<>(queries.labelValues(tenant, name, range.startNanos(), range.endNanos(), null)));
      }
    } else {
      for (Labels series : queries.series(tenant, List.of(query), range.startNanos(), range.endNanos())) {
        for (int i = 0; i < series.size(); i++) {
          valuesByLabel.computeIfAbsent(series.name(i), name -> new LinkedHashSet<>()).add(series.value(i));
        }
      }
    }
    DrilldownJson.writeDetectedLabels(out, DetectedLabels.select(valuesByLabel));
  }

  private void writeDetectedFields(Context ctx, String tenant, OutputStream out) throws QueryException, IOException {
    int limit = positive(ctx, "limit", DEFAULT_FIELD_LIMIT);
    DetectedFields fields = detect(ctx, tenant, limit);
    DrilldownJson.writeDetectedFields(out, fields.fields(), limit);
  }

  private void writeFieldValues(Context ctx, String tenant, OutputStream out) throws QueryException, IOException {
    int limit = positive(ctx, "limit", DEFAULT_FIELD_LIMIT);
    DetectedFields fields = detect(ctx, tenant, DEFAULT_FIELD_LIMIT);
    List<String> values = fields.values(ctx.pathParam("name"));
    DrilldownJson.writeFieldValues(out, values.size() > limit ? values.subList(0, limit) : values, limit);
  }

  /** Loki's detection: the newest {@code line_limit} lines of the query, backward. */
  private DetectedFields detect(Context ctx, String tenant, int fieldLimit) throws QueryException {
    String query = requiredLogQuery(ctx);
    QueryHandlers.TimeRange range = range(ctx);
    int lineLimit = Math.min(positive(ctx, "line_limit", DEFAULT_LINE_LIMIT), queries.limitsFor(tenant).maxEntriesLimitPerQuery());
    StreamsResult result = queries.logQuery(tenant, query, range.startNanos(), range.endNanos(), lineLimit, Direction.BACKWARD);
    // A query's parsers add labels to its result streams; only indexed names are the stream's own.
    Set<String> indexed = new HashSet<>(queries.labelNames(tenant, range.startNanos(), range.endNanos()));
    DetectedFields fields = new DetectedFields(fieldLimit);
    for (StreamResult stream : result.streams()) {
      Labels own = onlyIndexed(stream.labels(), indexed);
      for (LogEntry entry : stream.entries()) {
        fields.add(own, entry.line(), entry.metadata());
      }
    }
    return fields;
  }

  private static Labels onlyIndexed(Labels labels, Set<String> indexed) {
    Map<String, String> own = new TreeMap<>();
    for (int i = 0; i < labels.size(); i++) {
      if (indexed.contains(labels.name(i))) {
        own.put(labels.name(i), labels.value(i));
      }
    }
    return own.size() == labels.size() ? labels : Labels.of(own);
  }

  private void writePatterns(Context ctx, String tenant, OutputStream out) throws QueryException, IOException {
    String query = requiredLogQuery(ctx);
    QueryHandlers.TimeRange range = range(ctx);
    String stepText = QueryHandlers.param(ctx, "step");
    long step = stepText == null || stepText.isBlank() ? QueryHandlers.step(null, range) : QueryHandlers.secondsOrDuration("step", stepText);
    if (step <= 0) {
      throw new QueryException(400, "zero or negative query resolution step widths are not accepted. Try a positive integer");
    }
    step = Math.max(step, PATTERN_RESOLUTION.toNanos());
    QueryLimits limits = queries.limitsFor(tenant);
    QueryLimits mining = new QueryLimits(PATTERN_LINE_BUDGET, limits.maxQueryLength(), limits.maxQuerySeries(), limits.queryTimeout(),
        limits.maxQueryBytesRead(), limits.maxQueryMemoryBytes());
    StreamsResult result = new QueryEngine(readView, mining)
        .logQuery(tenant, query, range.startNanos(), range.endNanos(), PATTERN_LINE_BUDGET, Direction.BACKWARD);
    queries.recordRead(tenant, result.statistics().bytesScanned());
    PatternMiner miner = new PatternMiner(step);
    for (StreamResult stream : result.streams()) {
      String streamLevel = levelOf(stream.labels(), "unknown");
      for (LogEntry entry : stream.entries()) {
        miner.add(entry.timestampNanos(), entry.line(), levelOf(entry.metadata(), streamLevel));
      }
    }
    DrilldownJson.writePatterns(out, miner.patterns(1));
  }

  /** {@code detected_level}, else {@code level}, as Loki's pattern ingester reads a line's level. */
  private static String levelOf(Labels labels, String otherwise) {
    String level = labels.get("detected_level");
    if (level == null || level.isEmpty()) {
      level = labels.get("level");
    }
    return level == null || level.isEmpty() ? otherwise : level;
  }

  private void writeLimits(Context ctx, String tenant, OutputStream out) throws IOException {
    QueryLimits limits = queries.limitsFor(tenant);
    Map<String, Object> published = new LinkedHashMap<>();
    published.put("discover_log_levels", true);
    published.put("discover_service_name", DISCOVER_SERVICE_NAME);
    published.put("log_level_fields", LOG_LEVEL_FIELDS);
    published.put("max_entries_limit_per_query", limits.maxEntriesLimitPerQuery());
    published.put("max_line_size_truncate", false);
    published.put("max_query_bytes_read", limits.maxQueryBytesRead() + "B");
    published.put("max_query_length", LokiUnits.formatDuration(limits.maxQueryLength()));
    published.put("max_query_lookback", "0s");
    published.put("max_query_range", "0s");
    published.put("max_query_series", limits.maxQuerySeries());
    published.put("metric_aggregation_enabled", false);
    Map<String, Object> resourceAttributes = new LinkedHashMap<>();
    resourceAttributes.put("AttributesConfig", List.of());
    resourceAttributes.put("IgnoreDefaults", false);
    Map<String, Object> otlp = new LinkedHashMap<>();
    otlp.put("LogAttributes", null);
    otlp.put("ResourceAttributes", resourceAttributes);
    otlp.put("ScopeAttributes", null);
    otlp.put("SeverityTextAsLabel", false);
    published.put("otlp_config", otlp);
    published.put("pattern_persistence_enabled", false);
    published.put("query_timeout", LokiUnits.formatDuration(limits.queryTimeout()));
    published.put("retention_period", LokiUnits.formatDuration(retentionOf(tenant)));
    published.put("volume_enabled", true);
    published.put("volume_max_series", VolumeAggregation.DEFAULT_MAX_SERIES);
    DrilldownJson.writeLimits(out, published, true, LOKI_VERSION);
  }

  /** A multi-tenant read ({@code a|b}) publishes the shortest positive retention of its tenants. */
  private Duration retentionOf(String tenantSpec) {
    Duration shortest = Duration.ZERO;
    for (String tenant : tenantSpec.split("\\|")) {
      Duration period = retention.apply(tenant);
      if (period.isPositive() && (shortest.isZero() || period.compareTo(shortest) < 0)) {
        shortest = period;
      }
    }
    return shortest;
  }

  private static String requiredLogQuery(Context ctx) throws QueryException {
    String query = QueryHandlers.param(ctx, "query");
    if (query == null || query.isBlank()) {
      throw new QueryException(400, "query parameter is required: a LogQL log query such as {service_name=\"api\"}");
    }
    try {
      LogqlParser.parseLogSelector(query);
    } catch (LogqlParseException e) {
      throw new QueryException(400, e.getMessage(), e);
    }
    return query;
  }

  private static int positive(Context ctx, String name, int otherwise) {
    String text = QueryHandlers.param(ctx, name);
    if (text == null || text.isBlank()) {
      return otherwise;
    }
    int value;
    try {
      value = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid " + name + " parameter \"" + text + "\": expected a positive integer", e);
    }
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be a positive value, got " + value);
    }
    return value;
  }
}
