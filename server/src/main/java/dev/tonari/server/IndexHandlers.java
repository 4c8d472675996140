package dev.tonari.server;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.Matcher;
import dev.tonari.query.LabelSelector;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.metric.Series;
import dev.tonari.query.metric.VectorSample;
import dev.tonari.store.IndexStats;
import dev.tonari.store.Labels;
import dev.tonari.store.LogStore;
import dev.tonari.store.StreamVolume;
import dev.tonari.tenancy.config.LokiUnits;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Loki's index endpoints over the store's per-stream volumes:
 *
 * <ul>
 *   <li>{@code GET|POST /loki/api/v1/index/stats?query={selector}&start&end}: {@code
 *       {"streams":N,"chunks":N,"bytes":N,"entries":N}} of the streams the selector matches;
 *   <li>{@code GET|POST /loki/api/v1/index/volume}: bytes per group over the whole range, a {@code
 *       vector} at {@code end};
 *   <li>{@code GET|POST /loki/api/v1/index/volume_range}: the same per {@code step} bucket, a {@code
 *       matrix} (Loki answers a {@code vector} when no group has more than one bucket, and so do
 *       we).
 * </ul>
 *
 * <p>Grouping, {@code targetLabels}, {@code aggregateBy} and {@code limit} follow Loki, see {@link
 * VolumeAggregation}. Ranges default as Loki's {@code bounds} (end now, start an hour before) and,
 * as Loki's index treats its bounds, include {@code end}. Buckets of {@code volume_range} are
 * Loki's: aligned to multiples of the step, the first starting at {@code start}, each reported at
 * its end minus one millisecond, the last at {@code end}. Values are the exact bytes of the lines,
 * where Loki's index rounds chunk sizes to kilobytes.
 */
final class IndexHandlers {
  private static final Duration DEFAULT_SINCE = Duration.ofHours(1);
  private static final long MILLISECOND = 1_000_000L;
  private static final LokiJson.Summary NO_SUMMARY = new LokiJson.Summary(0, 0, 0, 0);

  private final LogStore store;
  private final QueryLimits limits;
  private final ServerMetrics metrics;
  private final LongSupplier nowNanos;
  private final MultiTenantQuery usage;

  /** @param usage meters every answered request as one query ({@link MultiTenantQuery#recordRead}) */
  IndexHandlers(LogStore store, QueryLimits limits, ServerMetrics metrics, LongSupplier nowNanos, MultiTenantQuery usage) {
    this.store = store;
    this.limits = limits;
    this.metrics = metrics;
    this.nowNanos = nowNanos;
    this.usage = usage;
  }

  /** One bucket of a volume query: entries in [from, to), reported at {@code timestampNanos}. */
  record Bucket(long fromNanos, long toNanos, long timestampNanos) {}

  void stats(Context ctx) {
    JsonEndpoint.serve(ctx, "index_stats", metrics, this::writeStats);
  }

  void volume(Context ctx) {
    JsonEndpoint.serve(ctx, "index_volume", metrics, (c, tenant, out) -> writeVolume(c, tenant, out, false));
  }

  void volumeRange(Context ctx) {
    JsonEndpoint.serve(ctx, "index_volume_range", metrics, (c, tenant, out) -> writeVolume(c, tenant, out, true));
  }

  private void writeStats(Context ctx, String tenant, OutputStream out) throws QueryException, IOException {
    List<Matcher> matchers = matchers(QueryHandlers.param(ctx, "query"), false);
    QueryHandlers.TimeRange range = range(ctx);
    IndexStats stats;
    try {
      stats = store.indexStats(tenant, compile(matchers), range.startNanos(), inclusiveEnd(range));
    } catch (IOException e) {
      throw new QueryException(500, "reading index stats of tenant " + tenant + ": " + e.getMessage(), e);
    }
    usage.recordRead(tenant, 0);
    ReadApiJson.writeIndexStats(out, stats);
  }

  private void writeVolume(Context ctx, String tenant, OutputStream out, boolean overRange) throws QueryException, IOException {
    int limit = limit(QueryHandlers.param(ctx, "limit"));
    VolumeAggregation.AggregateBy aggregateBy = VolumeAggregation.AggregateBy.parse(QueryHandlers.param(ctx, "aggregateBy"));
    List<Matcher> matchers = matchers(QueryHandlers.param(ctx, "query"), true);
    QueryHandlers.TimeRange range = range(ctx);
    long step = overRange ? QueryHandlers.step(QueryHandlers.param(ctx, "step"), range) : 0;
    List<String> targetLabels = VolumeAggregation.parseTargetLabels(QueryHandlers.param(ctx, "targetLabels"));
    VolumeAggregation aggregation = new VolumeAggregation(matchers, targetLabels, aggregateBy, limit, VolumeAggregation.DEFAULT_MAX_SERIES);
    Predicate<Labels> selector = aggregation.selector(matchers, compile(matchers));

    // Group name -> its samples, in bucket order; the labels of each name.
    Map<String, List<long[]>> samplesByName = new LinkedHashMap<>();
    Map<String, Labels> labelsByName = new LinkedHashMap<>();
    for (Bucket bucket : buckets(range.startNanos(), range.endNanos(), step)) {
      List<StreamVolume> volumes;
      try {
        volumes = store.streamVolumes(tenant, selector, bucket.fromNanos(), bucket.toNanos());
      } catch (IOException e) {
        throw new QueryException(500, "reading stream volumes of tenant " + tenant + ": " + e.getMessage(), e);
      }
      for (VolumeAggregation.Group group : aggregation.groups(volumes)) {
        labelsByName.putIfAbsent(group.name(), group.labels());
        samplesByName.computeIfAbsent(group.name(), name -> new ArrayList<>()).add(new long[] {bucket.timestampNanos(), group.bytes()});
      }
    }
    usage.recordRead(tenant, 0);
    List<String> names = new ArrayList<>(samplesByName.keySet());
    // Loki sorts by the first sample, largest first, then by name.
    names.sort(Comparator.<String>comparingLong(name -> samplesByName.get(name).get(0)[1]).reversed().thenComparing(name -> name));
    boolean matrix = samplesByName.values().stream().anyMatch(samples -> samples.size() > 1);
    if (matrix) {
      List<Series> series = new ArrayList<>(names.size());
      for (String name : names) {
        List<long[]> samples = samplesByName.get(name);
        long[] timestamps = new long[samples.size()];
        double[] values = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
          timestamps[i] = samples.get(i)[0];
          values[i] = samples.get(i)[1];
        }
        series.add(new Series(labelsByName.get(name), timestamps, values));
      }
      LokiJson.writeMatrix(out, series, NO_SUMMARY);
    } else {
      List<VectorSample> samples = new ArrayList<>(names.size());
      for (String name : names) {
        long[] sample = samplesByName.get(name).get(0);
        samples.add(new VectorSample(labelsByName.get(name), sample[0], sample[1]));
      }
      LokiJson.writeVector(out, samples, NO_SUMMARY);
    }
  }

  /**
   * Loki's {@code util.ForInterval(step, start, end, endTimeInclusive=true)}: with no step, one
   * bucket; otherwise buckets aligned to multiples of the step. Nothing when {@code start == end}
   * and a step is given, as Loki's loop does.
   */
  static List<Bucket> buckets(long startNanos, long endNanos, long stepNanos) {
    if (stepNanos <= 0) {
      return List.of(new Bucket(startNanos, endNanos + 1, endNanos));
    }
    List<Bucket> buckets = new ArrayList<>();
    long aligned = startNanos - Math.floorMod(startNanos, stepNanos);
    for (long bucketStart = aligned; bucketStart < endNanos; bucketStart += stepNanos) {
      long bucketEnd = bucketStart + stepNanos;
      long from = buckets.isEmpty() ? startNanos : bucketStart;
      if (bucketEnd >= endNanos) {
        buckets.add(new Bucket(from, endNanos + 1, endNanos));
      } else {
        buckets.add(new Bucket(from, bucketEnd, bucketEnd - MILLISECOND));
      }
    }
    return buckets;
  }

  /**
   * A stream selector such as {@code {app="api"}}, refused as Loki refuses it (pipelines, selectors
   * that match the empty value); with {@code allowMatchAll}, {@code {}} selects every stream as in
   * Loki's volume endpoints.
   */
  static List<Matcher> matchers(String query, boolean allowMatchAll) throws QueryException {
    String text = query == null ? "" : query;
    if (allowMatchAll && text.trim().equals("{}")) {
      return List.of();
    }
    try {
      return LogqlParser.parseMatchers(text);
    } catch (LogqlParseException e) {
      throw new QueryException(400, e.getMessage(), e);
    }
  }

  private static Predicate<Labels> compile(List<Matcher> matchers) throws QueryException {
    try {
      return LabelSelector.compile(matchers);
    } catch (LogqlParseException e) {
      throw new QueryException(400, e.getMessage(), e);
    }
  }

  private QueryHandlers.TimeRange range(Context ctx) throws QueryException {
    QueryHandlers.TimeRange range = QueryHandlers.range(
        QueryHandlers.param(ctx, "start"), QueryHandlers.param(ctx, "end"), QueryHandlers.param(ctx, "since"), DEFAULT_SINCE, nowNanos.getAsLong());
    long maximum = limits.maxQueryLength().toNanos();
    long length = range.endNanos() - range.startNanos();
    if (maximum > 0 && Long.compareUnsigned(length, maximum) > 0) {
      throw new QueryException(400, String.format("the query time range exceeds the limit (query length: %s, limit: %s)",
          LokiUnits.formatDuration(Duration.ofNanos(length)), LokiUnits.formatDuration(limits.maxQueryLength())));
    }
    return range;
  }

  private static long inclusiveEnd(QueryHandlers.TimeRange range) {
    return range.endNanos() == Long.MAX_VALUE ? Long.MAX_VALUE : range.endNanos() + 1;
  }

  /** Loki's volume {@code limit}: absent or 0 means 100; negative is refused. */
  static int limit(String text) {
    if (text == null || text.isEmpty()) {
      return VolumeAggregation.DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid limit parameter \"" + text + "\": expected a positive integer", e);
    }
    if (limit == 0) {
      return VolumeAggregation.DEFAULT_LIMIT;
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be a positive value");
    }
    return limit;
  }
}
