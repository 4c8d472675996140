package dev.tonari.server;

import dev.tonari.logql.SampleExpr;
import dev.tonari.query.QueryEngine;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.QueryStatistics;
import dev.tonari.query.StreamsResult;
import dev.tonari.query.metric.MetricResult;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogStore;
import dev.tonari.tenancy.config.TenantLimits;
import dev.tonari.tenancy.usage.UsageMeter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The query engine as the HTTP handlers see it: the same calls as {@link QueryEngine}, where the
 * tenant may be Loki's multi-tenant {@code a|b} (as {@link RequestTenants#tenantOf} returns it),
 * each tenant's query limits apply, and every log or metric query is metered.
 *
 * <p>Multi-tenant reads run the engine over a {@link MultiTenantLogStore}, which adds {@code
 * __tenant_id__} to each stream as Loki does. Their limits are the smallest positive value of each
 * limit among the tenants, as Loki's multi-tenant querier takes them.
 *
 * <p>Usage: a query counts once per tenant, with the bytes the engine scanned ({@link
 * QueryStatistics#bytesScanned()}); a multi-tenant query shares them among its tenants in
 * proportion to the line bytes each tenant's streams delivered (evenly when none did). The other
 * read endpoints meter through {@link #recordRead} (labels, label values, series, index stats and
 * volume: one query each) and {@link #recordTailPoll} (a tail: one query when it opens, then the
 * bytes of every poll), so every read a tenant makes is counted the same way.
 */
public final class MultiTenantQuery {
  private static final int MAX_CACHED_ENGINES = 64;

  private final LogStore store;
  private final MultiTenantLogStore sharedView;
  private final Function<String, TenantLimits> limitsOf;
  private final UsageMeter meter;
  private final Map<QueryLimits, QueryEngine> engines = new ConcurrentHashMap<>();

  /**
   * @param limitsOf the current limits of a tenant (read on every query, so a reload applies at once)
   */
  public MultiTenantQuery(LogStore store, Function<String, TenantLimits> limitsOf, UsageMeter meter) {
    this.store = store;
    this.sharedView = new MultiTenantLogStore(store);
    this.limitsOf = limitsOf;
    this.meter = meter;
  }

  /** The query limits of a tenant, or the tightest of several joined with {@code |}. */
  public QueryLimits limitsFor(String tenantSpec) {
    int maxEntries = 0;
    Duration maxLength = Duration.ZERO;
    int maxSeries = 0;
    Duration timeout = Duration.ZERO;
    long maxBytes = 0;
    long maxMemory = 0;
    for (String tenant : RequestTenants.split(tenantSpec)) {
      TenantLimits limits = limitsOf.apply(tenant);
      maxEntries = smallestPositive(maxEntries, limits.maxEntriesLimitPerQuery());
      maxSeries = smallestPositive(maxSeries, limits.maxQuerySeries());
      maxLength = smallestPositive(maxLength, limits.maxQueryLength());
      timeout = smallestPositive(timeout, limits.queryTimeout());
      maxBytes = smallestPositive(maxBytes, limits.maxQueryBytesRead());
      maxMemory = smallestPositive(maxMemory, limits.maxQueryMemoryBytes());
    }
    // Zero means "no limit" in Loki's config; QueryLimits wants a positive bound for these two.
    return new QueryLimits(maxEntries == 0 ? Integer.MAX_VALUE : maxEntries, maxLength, maxSeries == 0 ? Integer.MAX_VALUE : maxSeries,
        timeout, maxBytes, maxMemory);
  }

  private static Duration smallestPositive(Duration current, Duration candidate) {
    if (candidate.isZero()) {
      return current;
    }
    return current.isZero() || candidate.compareTo(current) < 0 ? candidate : current;
  }

  private static int smallestPositive(int current, int candidate) {
    return (int) smallestPositive((long) current, candidate);
  }

  /** The smaller of two limits where zero means none: {@code candidate} when {@code current} is none. */
  private static long smallestPositive(long current, long candidate) {
    if (candidate <= 0) {
      return current;
    }
    return current == 0 ? candidate : Math.min(current, candidate);
  }

  /**
   * An engine with the tenant's limits over the multi-tenant view, for calls this class does not
   * mirror (they are not metered).
   */
  public QueryEngine engineFor(String tenantSpec) {
    QueryLimits limits = limitsFor(tenantSpec);
    if (engines.size() > MAX_CACHED_ENGINES) {
      // Only config reloads create new limit combinations; forgetting old ones is cheap.
      engines.clear();
    }
    return engines.computeIfAbsent(limits, key -> new QueryEngine(sharedView, key));
  }

  public MetricResult metricQuery(String tenantSpec, SampleExpr expr, long startNanos, long endNanos, long stepNanos, boolean instant)
      throws QueryException {
    Metered metered = metered(tenantSpec);
    MetricResult result = metered.engine.metricQuery(tenantSpec, expr, startNanos, endNanos, stepNanos, instant);
    metered.record(result.statistics());
    return result;
  }

  public StreamsResult logQuery(String tenantSpec, String query, long startNanos, long endNanos, int limit, Direction direction)
      throws QueryException {
    Metered metered = metered(tenantSpec);
    StreamsResult result = metered.engine.logQuery(tenantSpec, query, startNanos, endNanos, limit, direction);
    metered.record(result.statistics());
    return result;
  }

  /** Metered as one query that reads no line bytes (see {@link #recordRead}). */
  public List<Labels> series(String tenantSpec, List<String> matchers, long startNanos, long endNanos) throws QueryException {
    List<Labels> series = engineFor(tenantSpec).series(tenantSpec, matchers, startNanos, endNanos);
    recordRead(tenantSpec, 0);
    return series;
  }

  /** Metered as one query that reads no line bytes (see {@link #recordRead}). */
  public List<String> labelNames(String tenantSpec, long startNanos, long endNanos) throws QueryException {
    List<String> names = engineFor(tenantSpec).labelNames(tenantSpec, startNanos, endNanos);
    recordRead(tenantSpec, 0);
    return names;
  }

  /** Metered as one query that reads no line bytes (see {@link #recordRead}). */
  public List<String> labelValues(String tenantSpec, String name, long startNanos, long endNanos, String query) throws QueryException {
    List<String> values = engineFor(tenantSpec).labelValues(tenantSpec, name, startNanos, endNanos, query);
    recordRead(tenantSpec, 0);
    return values;
  }

  /**
   * Meters one read that is not a LogQL query as one query per tenant of {@code tenantSpec}, its
   * bytes shared evenly. Labels, series, index stats and volume read only the index (stream labels
   * and part summaries), never a line, so they pass 0: {@code bytes_scanned} prices line bytes.
   */
  public void recordRead(String tenantSpec, long bytesRead) {
    record(evenWeights(tenantSpec), bytesRead, true);
  }

  /**
   * Meters the bytes one poll of a tail scanned, without counting a query: the tail was counted
   * once, with {@link #recordRead}, when it opened.
   */
  public void recordTailPoll(String tenantSpec, long bytesScanned) {
    record(evenWeights(tenantSpec), bytesScanned, false);
  }

  private static Map<String, LongAdder> evenWeights(String tenantSpec) {
    Map<String, LongAdder> weights = new LinkedHashMap<>();
    for (String tenant : RequestTenants.split(tenantSpec)) {
      weights.put(tenant, new LongAdder());
    }
    return weights;
  }

  /** The one path to the meter: {@code bytes} shared among tenants by weight ({@link #shares}). */
  private void record(Map<String, LongAdder> weights, long bytes, boolean countsAsQuery) {
    if (meter == null) {
      // No meter (tests of the engine alone): there is no usage to keep.
      return;
    }
    for (Map.Entry<String, Long> share : shares(bytes, weights).entrySet()) {
      if (countsAsQuery) {
        meter.recordQuery(share.getKey(), share.getValue());
      } else {
        meter.recordScanned(share.getKey(), share.getValue());
      }
    }
  }

  private Metered metered(String tenantSpec) {
    if (!MultiTenantLogStore.isMultiTenant(tenantSpec)) {
      return new Metered(engineFor(tenantSpec), Map.of(tenantSpec, new LongAdder()));
    }
    Map<String, LongAdder> delivered = evenWeights(tenantSpec);
    // A view of its own counts this query's bytes per tenant.
    return new Metered(new QueryEngine(new MultiTenantLogStore(store, delivered), limitsFor(tenantSpec)), delivered);
  }

  /** One query's engine and its per-tenant delivered bytes. */
  private final class Metered {
    final QueryEngine engine;
    final Map<String, LongAdder> delivered;

    Metered(QueryEngine engine, Map<String, LongAdder> delivered) {
      this.engine = engine;
      this.delivered = delivered;
    }

    void record(QueryStatistics statistics) {
      MultiTenantQuery.this.record(delivered, statistics.bytesScanned(), true);
    }
  }

  /**
   * Splits {@code total} among tenants in proportion to their weights, in whole bytes that add up
   * to {@code total} exactly (the remainder goes to the last tenant); evenly when all weigh zero.
   */
  static Map<String, Long> shares(long total, Map<String, LongAdder> weights) {
    long weightSum = 0;
    for (LongAdder weight : weights.values()) {
      weightSum += weight.sum();
    }
    Map<String, Long> shares = new LinkedHashMap<>();
    long given = 0;
    int index = 0;
    for (Map.Entry<String, LongAdder> entry : weights.entrySet()) {
      index++;
      long share;
      if (index == weights.size()) {
        share = total - given;
      } else if (weightSum == 0) {
        share = total / weights.size();
      } else {
        share = (long) ((double) total * entry.getValue().sum() / weightSum);
      }
      shares.put(entry.getKey(), share);
      given += share;
    }
    return shares;
  }
}
