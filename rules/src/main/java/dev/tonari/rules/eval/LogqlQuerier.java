package dev.tonari.rules.eval;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.SampleExpr;
import dev.tonari.query.QueryEngine;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.metric.MatrixResult;
import dev.tonari.query.metric.MetricResult;
import dev.tonari.query.metric.ScalarResult;
import dev.tonari.query.metric.VectorResult;
import dev.tonari.query.metric.VectorSample;
import dev.tonari.store.LogStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rule expressions as LogQL instant queries: {@code QueryEngine.metricQuery(tenant,
 * LogqlParser.parseSampleExpr(expr), t, t, 0, true)}, a scalar becoming one sample without labels.
 * Over a {@link LogStore} (rather than a ready {@link QueryEngine}) it also shares scans: for each
 * evaluation cycle it plans which stream selectors several of the cycle's rules read
 * ({@link ScanPlan}) and runs the cycle's queries over a {@link SharedScanStore} view that reads
 * each of them once.
 */
public final class LogqlQuerier implements InstantQuerier {
  /** Parsed expressions are kept up to this many; beyond, the cache starts over (rule sets are far smaller). */
  private static final int MAX_PARSED = 100_000;

  private final QueryEngine engine;
  private final LogStore store;
  private final QueryLimits limits;
  private final long sharedScanBytes;
  private final Map<String, Object> parsed = new ConcurrentHashMap<>();
  private final SharedScanStore.Counters counters = new SharedScanStore.Counters();

  /** Over a query engine, without shared scans. */
  public LogqlQuerier(QueryEngine engine) {
    this.engine = engine;
    this.store = null;
    this.limits = null;
    this.sharedScanBytes = 0;
  }

  /**
   * Over a store, sharing the scans of each cycle's rules.
   *
   * @param sharedScanBytes the most line bytes one cycle holds for shared scans ({@link EvaluationSettings#sharedScanBytes})
   */
  public LogqlQuerier(LogStore store, QueryLimits limits, long sharedScanBytes) {
    this.engine = new QueryEngine(store, limits);
    this.store = store;
    this.limits = limits;
    this.sharedScanBytes = sharedScanBytes;
  }

  @Override
  public List<Sample> evaluate(String tenant, String expr, Instant at) throws RuleQueryException {
    return evaluate(engine, tenant, expr, at);
  }

  private List<Sample> evaluate(QueryEngine on, String tenant, String expr, Instant at) throws RuleQueryException {
    SampleExpr sampleExpr = parse(expr);
    long nanos = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    MetricResult result;
    try {
      result = on.metricQuery(tenant, sampleExpr, nanos, nanos, 0, true);
    } catch (QueryException e) {
      throw new RuleQueryException(e.getMessage(), e);
    }
    return switch (result) {
      case VectorResult vector -> {
        List<Sample> samples = new ArrayList<>(vector.samples().size());
        for (VectorSample sample : vector.samples()) {
          samples.add(new Sample(sample.labels().toMap(), sample.value()));
        }
        yield samples;
      }
      case ScalarResult scalar -> List.of(new Sample(Map.of(), scalar.value()));
      case MatrixResult matrix -> throw new RuleQueryException("rule result is not a vector or scalar");
    };
  }

  private SampleExpr parse(String expr) throws RuleQueryException {
    Object cached = parsed.get(expr);
    if (cached == null) {
      try {
        cached = LogqlParser.parseSampleExpr(expr);
      } catch (LogqlParseException e) {
        cached = e.getMessage();
      }
      if (parsed.size() >= MAX_PARSED) {
        parsed.clear();
      }
      parsed.put(expr, cached);
    }
    if (cached instanceof SampleExpr sampleExpr) {
      return sampleExpr;
    }
    throw new RuleQueryException((String) cached);
  }

  @Override
  public InstantQuerier forCycle(String tenant, Instant at, Collection<String> expressions) {
    if (store == null || sharedScanBytes == 0) {
      return this;
    }
    List<SampleExpr> parsedExpressions = new ArrayList<>(expressions.size());
    for (String expr : expressions) {
      try {
        parsedExpressions.add(parse(expr));
      } catch (RuleQueryException unparsable) {
        // Its rule reports the parse error when it is evaluated; it reads nothing to share.
      }
    }
    ScanPlan plan = ScanPlan.of(tenant, at, parsedExpressions);
    if (plan.isEmpty()) {
      return this;
    }
    QueryEngine cycleEngine = new QueryEngine(new SharedScanStore(store, plan, sharedScanBytes, counters), limits);
    return (cycleTenant, expr, cycleAt) -> evaluate(cycleEngine, cycleTenant, expr, cycleAt);
  }

  /** How many times the store was scanned, and how many reads were served from a shared scan (cycles with sharing only). */
  public ScanCounts scanCounts() {
    return new ScanCounts(counters.storeScans.get(), counters.sharedLoads.get(), counters.sharedReads.get());
  }

  /**
   * @param storeScans scans of the store made through shared-scan views (shared loads included)
   * @param sharedLoads scans that loaded a selector for several rules
   * @param sharedReads reads served from such a load
   */
  public record ScanCounts(long storeScans, long sharedLoads, long sharedReads) {}
}
