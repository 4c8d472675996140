package dev.tonari.query;

import dev.tonari.logql.LogqlUnits;
import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LogSelectorExpr;
import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.Matcher;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.metric.MetricQueryEngine;
import dev.tonari.query.metric.MetricResult;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Runs LogQL log queries and the label/series lookups over a {@link LogStore}, with Loki's
 * semantics and refusals. Time ranges are half open, {@code start <= timestamp < end}.
 *
 * <p>A log query returns the {@code limit} newest (backward) or oldest (forward) entries across all
 * matching streams: the per-stream cursors of the store are merged by timestamp with a heap, and
 * reading stops as soon as {@code limit} entries are taken, so a query for the newest 100 lines
 * reads about 100 lines per stream, whatever the range. Equal timestamps of different streams are
 * ordered by the streams' labels. Every refusal is a {@link QueryException} with Loki's status and
 * wording; failures of the store are 500s naming the tenant.
 *
 * <p>Thread-safe: it keeps no state between calls.
 */
public final class QueryEngine {
  private final LogStore store;
  private final QueryLimits limits;
  private final MetricQueryEngine metricEngine;

  public QueryEngine(LogStore store, QueryLimits limits) {
    this.store = store;
    this.limits = limits;
    this.metricEngine = new MetricQueryEngine(store, limits);
  }

  /**
   * Evaluates a metric query: a range query over {@code start, start + step, ... <= end}, or an
   * instant query at {@code start} (step ignored). See {@link MetricQueryEngine}.
   */
  public MetricResult metricQuery(String tenant, SampleExpr expr, long startNanos, long endNanos, long stepNanos, boolean instant)
      throws QueryException {
    return metricQuery(tenant, expr, startNanos, endNanos, stepNanos, instant, newContext());
  }

  /** As {@link #metricQuery(String, SampleExpr, long, long, long, boolean)}, bounded and cancellable by {@code context}. */
  public MetricResult metricQuery(
      String tenant, SampleExpr expr, long startNanos, long endNanos, long stepNanos, boolean instant, QueryContext context)
      throws QueryException {
    checkTimeRange(startNanos, endNanos);
    return metricEngine.evaluate(tenant, expr, startNanos, endNanos, stepNanos, instant, context);
  }

  /** A context for one query under this engine's limits ({@code query_timeout}, {@code max_query_bytes_read}), started now. */
  public QueryContext newContext() {
    return QueryContext.start(limits);
  }

  public StreamsResult logQuery(String tenant, String query, long startNanos, long endNanos, int limit, Direction direction) throws QueryException {
    return logQuery(tenant, query, startNanos, endNanos, limit, direction, newContext());
  }

  /**
   * A log query bounded and cancellable by {@code context}: it stops scanning (and fails with
   * Loki's 504, 400 or 499) when the context's deadline passes, its byte budget is spent or it is
   * cancelled. More result streams than {@code max_query_series} are refused (400).
   */
  public StreamsResult logQuery(String tenant, String query, long startNanos, long endNanos, int limit, Direction direction, QueryContext context)
      throws QueryException {
    long began = System.nanoTime();
    if (limit > limits.maxEntriesLimitPerQuery()) {
      throw new QueryException(
          400,
          String.format(
              "max entries limit per query exceeded, limit > max_entries_limit_per_query (%d > %d)", limit, limits.maxEntriesLimitPerQuery()));
    }
    if (limit <= 0) {
      throw new QueryException(400, "limit must be a positive value, got " + limit);
    }
    checkTimeRange(startNanos, endNanos);
    LogSelectorExpr selector = parseLogQuery(query);
    Predicate<Labels> streamSelector;
    LinePredicate lineFilter;
    List<String> requiredLiterals;
    List<String> caseInsensitiveLiterals;
    dev.tonari.query.pipeline.LogPipeline pipeline;
    try {
      streamSelector = LabelSelector.compile(selector.matchers());
      // Only the line filters before the first parser or formatter run on the store's bytes; the rest run in the pipeline.
      List<LineFilter> storeFilters = PipelinedLogQuery.leadingStoreFilters(selector.pipeline());
      lineFilter = LineFilterCompiler.compile(storeFilters);
      requiredLiterals = LineFilterCompiler.requiredLiterals(storeFilters);
      caseInsensitiveLiterals = LineFilterCompiler.caseInsensitiveLiterals(storeFilters);
      pipeline = PipelinedLogQuery.compileRemaining(selector.pipeline(), storeFilters.size());
    } catch (LogqlParseException e) {
      throw new QueryException(400, e.getMessage(), e);
    }
    // The filter goes to the store as compiled (a chain of |= literals is searched over whole blocks there); the
    // context counts and bounds the scan as the store's listener, per block, on whichever thread decodes it.
    SelectRequest request =
        context.listening(new SelectRequest(tenant, streamSelector, startNanos, endNanos, direction, lineFilter, requiredLiterals)
            .withCaseInsensitiveLiterals(caseInsensitiveLiterals));
    List<StreamResult> streams;
    List<EntryCursor> cursors = List.of();
    try {
      context.check();
      cursors = store.select(request);
      streams = pipeline.isNoop()
          ? mergeNewestOrOldest(cursors, limit, direction, context)
          : PipelinedLogQuery.merge(cursors, pipeline, limit, direction, context);
    } catch (QueryContext.QueryAbortedException e) {
      throw e.toQueryException();
    } catch (IOException | RuntimeException e) {
      QueryContext.QueryAbortedException aborted = QueryContext.QueryAbortedException.findIn(e);
      if (aborted != null) {
        throw aborted.toQueryException();
      }
      if (e instanceof RuntimeException unexpected) {
        throw unexpected;
      }
      throw new QueryException(500, "reading logs of tenant " + tenant + " for query " + query + ": " + e.getMessage(), e);
    } finally {
      Cursors.closeAll(tenant, cursors);
    }
    if (streams.size() > limits.maxQuerySeries()) {
      throw new QueryException(400, MetricQueryEngine.seriesLimitMessage(limits.maxQuerySeries()));
    }
    long returned = streams.stream().mapToLong(stream -> stream.entries().size()).sum();
    return new StreamsResult(streams, new QueryStatistics(context.linesScanned(), context.bytesScanned(), returned, System.nanoTime() - began));
  }

  public List<Labels> series(String tenant, List<String> matchers, long startNanos, long endNanos) throws QueryException {
    checkTimeRange(startNanos, endNanos);
    List<Predicate<Labels>> selectors = new ArrayList<>();
    for (String matcherText : matchers) {
      selectors.add(compileSelector(matcherText));
    }
    Predicate<Labels> any = selectors.isEmpty() ? labels -> true : labels -> selectors.stream().anyMatch(selector -> selector.test(labels));
    try {
      return List.copyOf(new TreeSet<>(store.series(tenant, any, startNanos, endNanos)));
    } catch (IOException e) {
      throw new QueryException(500, "reading series of tenant " + tenant + ": " + e.getMessage(), e);
    }
  }

  public List<String> labelNames(String tenant, long startNanos, long endNanos) throws QueryException {
    checkTimeRange(startNanos, endNanos);
    try {
      return store.labelNames(tenant, startNanos, endNanos);
    } catch (IOException e) {
      throw new QueryException(500, "reading label names of tenant " + tenant + ": " + e.getMessage(), e);
    }
  }

  /** Values of one label; with a {@code query} selector, only over the streams it selects. */
  public List<String> labelValues(String tenant, String name, long startNanos, long endNanos, String query) throws QueryException {
    checkTimeRange(startNanos, endNanos);
    try {
      if (query == null || query.isBlank()) {
        return store.labelValues(tenant, name, startNanos, endNanos);
      }
      Predicate<Labels> selector = compileSelector(query);
      TreeSet<String> values = new TreeSet<>();
      for (Labels labels : store.series(tenant, selector, startNanos, endNanos)) {
        String value = labels.get(name);
        if (value != null) {
          values.add(value);
        }
      }
      return List.copyOf(values);
    } catch (IOException e) {
      throw new QueryException(500, "reading values of label " + name + " of tenant " + tenant + ": " + e.getMessage(), e);
    }
  }

  private static LogSelectorExpr parseLogQuery(String query) throws QueryException {
    try {
      return LogqlParser.parseLogSelector(query);
    } catch (LogqlParseException e) {
      throw new QueryException(400, e.getMessage(), e);
    }
  }

  private static Predicate<Labels> compileSelector(String selectorText) throws QueryException {
    try {
      List<Matcher> matchers = LogqlParser.parseMatchers(selectorText);
      return LabelSelector.compile(matchers);
    } catch (LogqlParseException e) {
      throw new QueryException(400, e.getMessage(), e);
    }
  }

  private void checkTimeRange(long startNanos, long endNanos) throws QueryException {
    if (endNanos < startNanos) {
      throw new QueryException(400, "end timestamp must not be before start time (start: " + startNanos + ", end: " + endNanos + ")");
    }
    long maximum = limits.maxQueryLength().toNanos();
    // Subtracting could overflow for extreme timestamps; compare as unsigned to stay exact.
    long length = endNanos - startNanos;
    if (maximum > 0 && Long.compareUnsigned(length, maximum) > 0) {
      throw new QueryException(
          400,
          String.format(
              "the query time range exceeds the limit (query length: %s, limit: %s)", LogqlUnits.goDurationString(length), LogqlUnits.goDurationString(maximum)));
    }
  }

  /**
   * Takes entries from the cursors in global timestamp order until {@code limit} are taken. Each
   * cursor is in the heap at most once, keyed by its current entry, so memory is one entry per
   * stream plus the result.
   */
  private static List<StreamResult> mergeNewestOrOldest(List<EntryCursor> cursors, int limit, Direction direction, QueryContext context)
      throws IOException {
    List<EntryCursor> byLabels = new ArrayList<>(cursors);
    byLabels.sort(Comparator.comparing(EntryCursor::labels));
    List<List<LogEntry>> taken = new ArrayList<>(byLabels.size());
    IdentityHashMap<EntryCursor, Integer> indexOf = new IdentityHashMap<>();
    for (int i = 0; i < byLabels.size(); i++) {
      indexOf.put(byLabels.get(i), i);
      taken.add(new ArrayList<>());
    }
    Comparator<EntryCursor> byTime = Comparator.comparingLong(EntryCursor::timestamp);
    if (direction == Direction.BACKWARD) {
      byTime = byTime.reversed();
    }
    PriorityQueue<EntryCursor> heap = new PriorityQueue<>(Math.max(1, byLabels.size()), byTime.thenComparing(indexOf::get));
    for (EntryCursor cursor : byLabels) {
      if (cursor.next()) {
        heap.add(cursor);
      }
    }
    int count = 0;
    while (count < limit && !heap.isEmpty()) {
      EntryCursor cursor = heap.poll();
      taken.get(indexOf.get(cursor)).add(new LogEntry(cursor.timestamp(), cursor.line(), cursor.metadata()));
      count++;
      context.entryTaken();
      if (count < limit && cursor.next()) {
        heap.add(cursor);
      }
    }
    List<StreamResult> result = new ArrayList<>();
    for (int i = 0; i < byLabels.size(); i++) {
      if (!taken.get(i).isEmpty()) {
        result.add(new StreamResult(byLabels.get(i).labels(), taken.get(i)));
      }
    }
    return result;
  }
}
