package dev.tonari.slo.source;

import dev.tonari.logql.BinaryOperation;
import dev.tonari.logql.Grouping;
import dev.tonari.logql.LabelReplace;
import dev.tonari.logql.LiteralExpr;
import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.LogqlPrinter;
import dev.tonari.logql.RangeAggregation;
import dev.tonari.logql.RangeOperation;
import dev.tonari.logql.SampleExpr;
import dev.tonari.logql.VectorAggregation;
import dev.tonari.logql.VectorExpr;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.metric.MatrixResult;
import dev.tonari.query.metric.MetricQueryEngine;
import dev.tonari.query.metric.MetricResult;
import dev.tonari.query.metric.Series;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.rollup.MinuteSeries;
import dev.tonari.store.LogStore;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * An SLI read from the tenant's own logs with LogQL: each query template is rendered with the
 * window {@code 1m} and run as one range query per call (in chunks of at most {@link
 * MetricQueryEngine#MAX_POINTS_PER_SERIES} minutes) with a one-minute step.
 *
 * <p><b>Which minute a point is.</b> The engine's range windows are left-open, {@code (t - 1m, t]}
 * in nanoseconds, while a rollup minute m is {@code [m*60s, (m+1)*60s)}. So the steps are put one
 * nanosecond before each minute's end, {@code t = (m+1)*60s - 1ns}, whose window {@code (m*60s - 1ns,
 * (m+1)*60s - 1ns]} holds exactly the nanoseconds of minute m: a line at a minute boundary counts
 * in the minute it starts, once, and the minutes of a range add up to one count over the range.
 *
 * <p><b>group_by.</b> For an SLO split by labels, a vector aggregation without grouping ({@code
 * sum(...)}, also on either side of a binary operation such as {@code sum(...) / sum(...)}) gets
 * {@code by (<group_by labels>)} in its syntax tree, so that the engine keeps the labels; otherwise
 * each result series is put in its group by its labels (and the series of a group are added up).
 *
 * <p><b>Per-second rates.</b> A counted query whose range aggregations are all {@code rate} without
 * {@code unwrap} yields lines per second; it is multiplied by 60 into lines per minute, so that a
 * Sloth file written with {@code rate} counts the same events as one written with {@code
 * count_over_time}.
 *
 * <p>Refusals of the engine (a query limit, too many series, a pipeline error) and store failures
 * become {@link SliUnavailableException}s naming the tenant, the SLO, the query and the engine's
 * message. Thread-safe.
 */
public final class LogQlSliSource implements SliSource {
  private static final long NANOS_PER_MINUTE = 60_000_000_000L;

  private final LogStore store;
  private final Function<String, QueryLimits> limitsOfTenant;
  private final int minutesPerQuery;

  /** @param limitsOfTenant each tenant's query limits (timeout, bytes read, series) that SLI queries run under */
  public LogQlSliSource(LogStore store, Function<String, QueryLimits> limitsOfTenant) {
    this(store, limitsOfTenant, MetricQueryEngine.MAX_POINTS_PER_SERIES);
  }

  /** @param minutesPerQuery the longest range of one engine call, in minutes (tests shorten it to see the chunks) */
  LogQlSliSource(LogStore store, Function<String, QueryLimits> limitsOfTenant, int minutesPerQuery) {
    this.store = Objects.requireNonNull(store, "store");
    this.limitsOfTenant = Objects.requireNonNull(limitsOfTenant, "limitsOfTenant");
    if (minutesPerQuery <= 0 || minutesPerQuery > MetricQueryEngine.MAX_POINTS_PER_SERIES) {
      throw new IllegalArgumentException("minutes per query must be in [1, " + MetricQueryEngine.MAX_POINTS_PER_SERIES + "], got " + minutesPerQuery);
    }
    this.minutesPerQuery = minutesPerQuery;
  }

  /** Every tenant under the same limits. */
  public LogQlSliSource(LogStore store, QueryLimits limits) {
    this(store, tenant -> limits);
  }

  @Override
  public Map<Map<String, String>, MinuteSeries> evaluate(String tenant, SloSpec spec, long fromMinute, long toMinute)
      throws SliUnavailableException {
    IndicatorEvents.checkRange(spec, fromMinute, toMinute);
    MetricQueryEngine engine = new MetricQueryEngine(store, limitsOfTenant.apply(tenant));
    return IndicatorEvents.evaluate(spec, fromMinute, toMinute, (query, role) -> run(engine, tenant, spec, query, role, fromMinute, toMinute));
  }

  private GroupedMinutes run(
      MetricQueryEngine engine, String tenant, SloSpec spec, SliQuery query, IndicatorEvents.Role role, long fromMinute, long toMinute)
      throws SliUnavailableException {
    if (query.language() != SliQuery.QueryLanguage.LOGQL) {
      throw new SliUnavailableException(IndicatorEvents.context(tenant, spec, query.template()) + ": a " + query.language()
          + " query cannot be read from logs");
    }
    String rendered = query.render("1m");
    SampleExpr expr;
    try {
      expr = LogqlParser.parseSampleExpr(rendered);
    } catch (LogqlParseException e) {
      throw new SliUnavailableException(IndicatorEvents.context(tenant, spec, rendered) + ": the query does not parse: " + e.getMessage(), e);
    }
    if (!spec.groupBy().isEmpty()) {
      expr = withGrouping(expr, spec.groupBy());
    }
    double scale = role == IndicatorEvents.Role.COUNT && countsPerSecond(expr) ? 60 : 1;
    String context = IndicatorEvents.context(tenant, spec, spec.groupBy().isEmpty() ? rendered : LogqlPrinter.print(expr));
    GroupedMinutes minutes = new GroupedMinutes(fromMinute, toMinute, spec.groupBy(),
        role == IndicatorEvents.Role.COUNT ? GroupedMinutes.Combine.SUM : GroupedMinutes.Combine.ONE_SERIES, context);
    for (long chunkFrom = fromMinute; chunkFrom < toMinute; chunkFrom += minutesPerQuery) {
      long chunkTo = Math.min(toMinute, chunkFrom + minutesPerQuery);
      // The step of minute m is one nanosecond before its end: its window (t - 1m, t] is exactly [m*60s, (m+1)*60s).
      long startNanos = (chunkFrom + 1) * NANOS_PER_MINUTE - 1;
      long endNanos = chunkTo * NANOS_PER_MINUTE - 1;
      MetricResult result;
      try {
        result = engine.evaluate(tenant, expr, startNanos, endNanos, NANOS_PER_MINUTE, false);
      } catch (QueryException e) {
        throw new SliUnavailableException(context + ": refused (" + e.status() + "): " + e.getMessage(), e);
      } catch (UncheckedIOException e) {
        throw new SliUnavailableException(context + ": reading the logs failed: " + e.getMessage(), e);
      }
      if (!(result instanceof MatrixResult matrix)) {
        throw new SliUnavailableException(context + ": a range query answered " + result.getClass().getSimpleName() + " instead of a matrix");
      }
      for (Series series : matrix.series()) {
        double[] target = minutes.seriesTarget(series.labels()::get, series.labels());
        long[] timestamps = series.timestampsNanos();
        double[] values = series.values();
        for (int i = 0; i < values.length; i++) {
          minutes.add(target, minuteOfStep(timestamps[i]), values[i] * scale);
        }
      }
    }
    return minutes;
  }

  /** The epoch minute whose events the step at {@code stepNanos} (one nanosecond before the minute's end) counts. */
  static long minuteOfStep(long stepNanos) {
    return Math.floorDiv(stepNanos + 1, NANOS_PER_MINUTE) - 1;
  }

  /**
   * Adds {@code by (labels)} to every vector aggregation without grouping at the top of the tree
   * (through binary operations and label_replace), so that the series keep the group labels.
   */
  static SampleExpr withGrouping(SampleExpr expr, List<String> labels) {
    return switch (expr) {
      case VectorAggregation aggregation when aggregation.grouping() == null && aggregatesAway(aggregation) ->
          new VectorAggregation(aggregation.operation(), aggregation.inner(), new Grouping(false, labels), aggregation.parameter());
      case BinaryOperation binary -> new BinaryOperation(binary.operator(), withGrouping(binary.left(), labels),
          withGrouping(binary.right(), labels), binary.returnBool(), binary.matching());
      case LabelReplace replace -> new LabelReplace(withGrouping(replace.inner(), labels), replace.destination(), replace.replacement(),
          replace.source(), replace.regex());
      case VectorAggregation aggregation -> aggregation;
      case RangeAggregation range -> range;
      case LiteralExpr literal -> literal;
      case VectorExpr vector -> vector;
    };
  }

  /** Whether the aggregation merges series (sum, avg, ...) rather than selecting or ordering them (topk, sort). */
  private static boolean aggregatesAway(VectorAggregation aggregation) {
    return switch (aggregation.operation()) {
      case SUM, AVG, MIN, MAX, COUNT, STDDEV, STDVAR -> true;
      case TOPK, BOTTOMK, SORT, SORT_DESC -> false;
    };
  }

  /**
   * Whether the tree is made of {@code rate}s of lines (no unwrap) only, aggregated or added up,
   * so that its values are lines per second.
   */
  static boolean countsPerSecond(SampleExpr expr) {
    int[] rates = new int[1];
    boolean onlyRates = onlyLineRates(expr, rates);
    return onlyRates && rates[0] > 0;
  }

  private static boolean onlyLineRates(SampleExpr expr, int[] rates) {
    return switch (expr) {
      case RangeAggregation range -> {
        boolean lineRate = range.operation() == RangeOperation.RATE && range.range().unwrap() == null;
        rates[0] += lineRate ? 1 : 0;
        yield lineRate;
      }
      case VectorAggregation aggregation -> onlyLineRates(aggregation.inner(), rates);
      case BinaryOperation binary -> onlyLineRates(binary.left(), rates) && onlyLineRates(binary.right(), rates);
      case LabelReplace replace -> onlyLineRates(replace.inner(), rates);
      // A literal means arithmetic on the rate (such as "* 60"): the query is taken as already scaled.
      case LiteralExpr literal -> false;
      case VectorExpr vector -> false;
    };
  }
}
