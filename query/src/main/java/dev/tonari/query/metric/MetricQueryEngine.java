package dev.tonari.query.metric;

import dev.tonari.store.Utf8;
import dev.tonari.logql.BinaryOperation;
import dev.tonari.logql.AndLabelFilter;
import dev.tonari.logql.BytesLabelFilter;
import dev.tonari.logql.DropLabels;
import dev.tonari.logql.DurationLabelFilter;
import dev.tonari.logql.IpLabelFilter;
import dev.tonari.logql.KeepLabels;
import dev.tonari.logql.LabelFilterExpr;
import dev.tonari.logql.LabelFormat;
import dev.tonari.logql.LineFormat;
import dev.tonari.logql.NumericLabelFilter;
import dev.tonari.logql.OrLabelFilter;
import dev.tonari.logql.StringLabelFilter;
import dev.tonari.logql.VectorOperation;
import dev.tonari.logql.Grouping;
import dev.tonari.logql.LabelFilterStage;
import dev.tonari.logql.LabelReplace;
import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LiteralExpr;
import dev.tonari.logql.LogRange;
import dev.tonari.logql.LogSelectorExpr;
import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.Matcher;
import dev.tonari.logql.MatcherType;
import dev.tonari.logql.PipelineStage;
import dev.tonari.logql.RangeAggregation;
import dev.tonari.logql.RangeOperation;
import dev.tonari.logql.SampleExpr;
import dev.tonari.logql.Unwrap;
import dev.tonari.logql.VectorAggregation;
import dev.tonari.logql.VectorExpr;
import dev.tonari.query.Cursors;
import dev.tonari.query.LabelSelector;
import dev.tonari.query.LineFilterCompiler;
import dev.tonari.query.QueryContext;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.QueryStatistics;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Evaluates LogQL metric queries over a {@link LogStore} with Loki's semantics: steps {@code
 * start, start + step, ... <= end}; range windows {@code (t - offset - range, t - offset]}; an
 * instant query is the single step {@code t}. Each log range is read from the store once, over
 * {@code (start - offset - range, end - offset]}, with its leading line filters and {@code |=}
 * literals pushed down to the store (bloom filters). Counting aggregations ({@code count_over_time},
 * {@code rate} and {@code bytes_*} without unwrap) read stream after stream into per-step integer
 * counters; the others merge the streams by timestamp and slide each series' window as time
 * advances, so a series holds one window of samples, never the whole range (see {@code
 * RangeReader}). A {@code sum} over a linear range aggregation hands its grouping down, as Loki
 * does, and the {@code json}/{@code logfmt} parsers extract only the labels a grouped query reads
 * (parser hints). Vector aggregations and binary operations then work step by step on whole
 * matrices.
 *
 * <p>Refusals are {@link QueryException}s with Loki's status and wording: too many points (400),
 * too many series ({@code max_query_series}, 400), a series carrying {@code __error__} (400, Loki's
 * "pipeline error" text), ambiguous vector matching (400). Thread-safe: no state between calls.
 */
public final class MetricQueryEngine {
  /** Loki's bound on points per series of a range query. */
  public static final int MAX_POINTS_PER_SERIES = 11_000;
  /** Loki's default {@code cardinality_limit}: series one range aggregation may hold before aggregation. */
  static final int CARDINALITY_LIMIT = 100_000;
  static final String ERROR_LABEL = "__error__";
  static final String ERROR_DETAILS_LABEL = "__error_details__";
  static final String SAMPLE_EXTRACTION_ERROR = "SampleExtractionErr";
  /** Threads reading one range's partitions at once (the calling thread is one of them). */
  private static final int PARALLELISM = Runtime.getRuntime().availableProcessors();
  /** The helpers of {@link #PARALLELISM}: daemon threads shared by all queries, idle ones time out. */
  private static final java.util.concurrent.ExecutorService PARTITION_POOL = partitionPool();

  private static java.util.concurrent.ExecutorService partitionPool() {
    java.util.concurrent.atomic.AtomicInteger number = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(
        Math.max(1, PARALLELISM - 1), Math.max(1, PARALLELISM - 1), 30, java.util.concurrent.TimeUnit.SECONDS,
        new java.util.concurrent.LinkedBlockingQueue<>(), runnable -> {
          Thread thread = new Thread(runnable, "tonari-metric-partition-" + number.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Compiles pipeline stages beyond the pushed-down line filters; replaceable so the engine does not depend on how. */
  interface StagesCompiler {
    /** @param neededLabels parser hints: the only parsed labels the query reads, or null for all */
    StreamStages.Factory compile(List<PipelineStage> stages, Set<String> neededLabels) throws QueryException;
  }

  private final LogStore store;
  private final QueryLimits limits;
  private final StagesCompiler stagesCompiler;
  private final boolean pushDownGrouping;
  private final boolean fastExtraction;

  public MetricQueryEngine(LogStore store, QueryLimits limits) {
    this(store, limits, true);
  }

  /**
   * @param fastExtraction whether pipelines of the shapes {@link FastSampleExtractor} knows are
   *     read from the line bytes (the default); off, every line goes through the String pipeline,
   *     which benchmarks and differential tests compare against
   */
  public MetricQueryEngine(LogStore store, QueryLimits limits, boolean fastExtraction) {
    this(store, limits, PipelineStages::compile, true, fastExtraction);
  }

  /**
   * @param pushDownGrouping whether {@code sum} hands its grouping to the range aggregation below
   *     it; tests turn it off (and the parser hints, with a compiler ignoring them) to compare
   */
  MetricQueryEngine(LogStore store, QueryLimits limits, StagesCompiler stagesCompiler, boolean pushDownGrouping) {
    this(store, limits, stagesCompiler, pushDownGrouping, false);
  }

  MetricQueryEngine(LogStore store, QueryLimits limits, StagesCompiler stagesCompiler, boolean pushDownGrouping, boolean fastExtraction) {
    this.fastExtraction = fastExtraction;
    this.store = store;
    this.limits = limits;
    this.stagesCompiler = stagesCompiler;
    this.pushDownGrouping = pushDownGrouping;
  }

  /**
   * @param stepNanos the step of a range query; ignored for an instant query, which is evaluated
   *     at {@code startNanos}
   */
  public MetricResult evaluate(String tenant, SampleExpr expr, long startNanos, long endNanos, long stepNanos, boolean instant)
      throws QueryException {
    return evaluate(tenant, expr, startNanos, endNanos, stepNanos, instant, QueryContext.start(limits));
  }

  /**
   * As {@link #evaluate(String, SampleExpr, long, long, long, boolean)}, stopping (504, 400 or
   * 499) when {@code context} runs out of time or bytes or is cancelled.
   */
  public MetricResult evaluate(
      String tenant, SampleExpr expr, long startNanos, long endNanos, long stepNanos, boolean instant, QueryContext context)
      throws QueryException {
    long began = System.nanoTime();
    StepGrid grid = instant ? StepGrid.instant(startNanos) : rangeGrid(startNanos, endNanos, stepNanos);
    Evaluation evaluation = new Evaluation(tenant, grid, context);
    StepValue value;
    try {
      context.check();
      value = evaluation.evaluate(expr);
    } catch (MetricEvaluationException e) {
      throw new QueryException(400, e.getMessage(), e);
    } catch (RuntimeException e) {
      // A store may wrap the abort thrown by the line filter it ran.
      QueryContext.QueryAbortedException aborted = QueryContext.QueryAbortedException.findIn(e);
      if (aborted == null) {
        throw e;
      }
      throw aborted.toQueryException();
    }
    return result(expr, grid, value, instant, evaluation, began);
  }

  static StepGrid rangeGrid(long startNanos, long endNanos, long stepNanos) throws QueryException {
    if (endNanos < startNanos) {
      throw new QueryException(400, "end timestamp must not be before start time");
    }
    if (stepNanos <= 0) {
      throw new QueryException(400, "zero or negative query resolution step widths are not accepted. Try a positive integer");
    }
    if ((endNanos - startNanos) / stepNanos > MAX_POINTS_PER_SERIES) {
      throw new QueryException(400, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
    }
    return new StepGrid(startNanos, endNanos, stepNanos);
  }

  private MetricResult result(SampleExpr expr, StepGrid grid, StepValue value, boolean instant, Evaluation evaluation, long began)
      throws QueryException {
    if (value instanceof StepScalars scalars) {
      if (instant) {
        return new ScalarResult(grid.startNanos(), scalars.values()[0], evaluation.statistics(1, began));
      }
      long[] timestamps = new long[grid.size()];
      for (int i = 0; i < timestamps.length; i++) {
        timestamps[i] = grid.timestamp(i);
      }
      Series series = new Series(Labels.EMPTY, timestamps, scalars.values().clone());
      return new MatrixResult(List.of(series), evaluation.statistics(timestamps.length, began));
    }
    StepMatrix matrix = (StepMatrix) value;
    if (matrix.rows.size() > limits.maxQuerySeries()) {
      throw new QueryException(400, seriesLimitMessage(limits.maxQuerySeries()));
    }
    List<StepMatrix.Row> rows = new ArrayList<>(matrix.rows);
    if (instant) {
      rows.sort(instantOrder(expr));
      List<VectorSample> samples = new ArrayList<>(rows.size());
      for (StepMatrix.Row row : rows) {
        samples.add(new VectorSample(row.labels, grid.startNanos(), row.values[0]));
      }
      return new VectorResult(samples, evaluation.statistics(samples.size(), began));
    }
    rows.sort(Comparator.comparing(row -> row.labels));
    List<Series> series = new ArrayList<>(rows.size());
    long points = 0;
    for (StepMatrix.Row row : rows) {
      int count = 0;
      for (boolean present : row.present) {
        count += present ? 1 : 0;
      }
      long[] timestamps = new long[count];
      double[] values = new double[count];
      int next = 0;
      for (int step = 0; step < row.present.length; step++) {
        if (row.present[step]) {
          timestamps[next] = grid.timestamp(step);
          values[next++] = row.values[step];
        }
      }
      points += count;
      series.add(new Series(row.labels, timestamps, values));
    }
    return new MatrixResult(series, evaluation.statistics(points, began));
  }

  /** Loki's refusal when a query returns more than {@code max_query_series} series. */
  public static String seriesLimitMessage(int limit) {
    return "maximum number of series (" + limit + ") reached for a single query; consider reducing query cardinality by adding more specific"
        + " stream selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()";
  }

  /**
   * An instant vector is ordered by labels, except under an outermost {@code sort}/{@code
   * sort_desc} (by value) or {@code topk}/{@code bottomk} (best first), whose order is the point.
   */
  private static Comparator<StepMatrix.Row> instantOrder(SampleExpr expr) {
    Comparator<StepMatrix.Row> byLabels = Comparator.comparing(row -> row.labels);
    if (!(expr instanceof VectorAggregation aggregation)) {
      return byLabels;
    }
    Comparator<StepMatrix.Row> ascending = (a, b) -> compareNaNLast(a.values[0], b.values[0]);
    Comparator<StepMatrix.Row> descending = (a, b) -> compareNaNLast(-a.values[0], -b.values[0]);
    return switch (aggregation.operation()) {
      case SORT, BOTTOMK -> ascending.thenComparing(byLabels);
      case SORT_DESC, TOPK -> descending.thenComparing(byLabels);
      default -> byLabels;
    };
  }

  private static int compareNaNLast(double a, double b) {
    boolean aNaN = Double.isNaN(a);
    boolean bNaN = Double.isNaN(b);
    if (aNaN || bNaN) {
      return Boolean.compare(aNaN, bNaN);
    }
    return a < b ? -1 : (a > b ? 1 : 0);
  }

  /** The state of one query's evaluation: its grid and what it read. */
  private final class Evaluation {
    private final String tenant;
    private final StepGrid grid;
    private final QueryContext context;

    Evaluation(String tenant, StepGrid grid, QueryContext context) {
      this.tenant = tenant;
      this.grid = grid;
      this.context = context;
    }

    QueryStatistics statistics(long returned, long began) {
      return new QueryStatistics(context.linesScanned(), context.bytesScanned(), returned, System.nanoTime() - began);
    }

    StepValue evaluate(SampleExpr expr) throws QueryException, MetricEvaluationException {
      return switch (expr) {
        case LiteralExpr literal -> {
          double[] values = new double[grid.size()];
          java.util.Arrays.fill(values, literal.value());
          yield new StepScalars(values);
        }
        case VectorExpr vector -> {
          StepMatrix.Row row = new StepMatrix.Row(Labels.EMPTY, grid.size());
          for (int step = 0; step < grid.size(); step++) {
            row.set(step, vector.value());
          }
          yield new StepMatrix(grid, List.of(row));
        }
        case RangeAggregation aggregation -> rangeAggregation(aggregation, aggregation.grouping(), true, null, null);
        case VectorAggregation aggregation -> {
          RangeAggregation pushedDown = pushedDownRange(aggregation);
          if (pushedDown != null) {
            yield pushedDownSum(aggregation, pushedDown, true, null);
          }
          int parameter = aggregation.parameter() == null ? 0 : aggregation.parameter();
          StepMatrix input;
          if (aggregation.operation() == VectorOperation.TOPK || aggregation.operation() == VectorOperation.BOTTOMK) {
            input = selectionInput(aggregation, parameter);
          } else if (aggregation.inner() instanceof RangeAggregation range) {
            // Not pushed down (pushdown off), yet the sum above still decides which labels its samples keep.
            input = rangeAggregation(range, range.grouping(), true, null, aggregation);
          } else {
            input = vector(aggregation.inner());
          }
          yield VectorAggregations.aggregate(aggregation.operation(), aggregation.grouping(), parameter, input);
        }
        case BinaryOperation operation -> binaryOperation(operation);
        case LabelReplace replace -> labelReplace(replace);
      };
    }

    /** The range aggregation below a {@code sum} that hands its grouping down to it, or null. */
    private RangeAggregation pushedDownRange(VectorAggregation aggregation) {
      return pushDownGrouping && aggregation.inner() instanceof RangeAggregation range && canPushGrouping(aggregation, range) ? range : null;
    }

    /**
     * A {@code sum} whose grouping labels the series of the range aggregation below it. Each of
     * those series is then a group of its own, and a sum of one sample is that sample: the series
     * are the sum's answer, row for row, without the pass that would regroup thousands of them.
     */
    private StepMatrix pushedDownSum(VectorAggregation sum, RangeAggregation range, boolean labelOrdered, SelectionCandidates candidates)
        throws QueryException, MetricEvaluationException {
      return rangeAggregation(range, sum.grouping() == null ? Grouping.by() : sum.grouping(), labelOrdered, candidates, sum);
    }

    /**
     * The input of {@code topk} or {@code bottomk}: a range aggregation (or a pushed-down
     * {@code sum} of one) is left in no particular order, since the selection orders ties by labels
     * itself; sorting every series first was a quarter of a {@code topk} over thousands of paths.
     * A counting range aggregation there makes rows only for the series the selection could keep
     * ({@link SelectionCandidates}).
     */
    private StepMatrix selectionInput(VectorAggregation selection, int k) throws QueryException, MetricEvaluationException {
      SampleExpr inner = selection.inner();
      SelectionCandidates candidates = SelectionCandidates.applies(k)
          ? new SelectionCandidates(selection.operation() == VectorOperation.TOPK, k, selection.grouping(), grid.size())
          : null;
      if (inner instanceof RangeAggregation range) {
        return rangeAggregation(range, range.grouping(), false, candidates, null);
      }
      if (inner instanceof VectorAggregation sum && pushedDownRange(sum) instanceof RangeAggregation range) {
        return pushedDownSum(sum, range, false, candidates);
      }
      return vector(inner);
    }

    private StepMatrix vector(SampleExpr expr) throws QueryException, MetricEvaluationException {
      StepValue value = evaluate(expr);
      if (value instanceof StepMatrix matrix) {
        return matrix;
      }
      throw new QueryException(400, "expected a vector expression, got a scalar: " + expr);
    }

    private StepValue binaryOperation(BinaryOperation operation) throws QueryException, MetricEvaluationException {
      StepValue left = evaluate(operation.left());
      StepValue right = evaluate(operation.right());
      if (left instanceof StepScalars l && right instanceof StepScalars r) {
        if (operation.operator().setOperator()) {
          throw new QueryException(400, "set operator " + operation.operator().symbol() + " not allowed in binary scalar expression");
        }
        return new StepScalars(BinaryOperations.scalarScalar(operation.operator(), l.values(), r.values()));
      }
      if (operation.operator().setOperator() && (left instanceof StepScalars || right instanceof StepScalars)) {
        throw new QueryException(400, "set operator " + operation.operator().symbol() + " not allowed in binary scalar expression");
      }
      if (left instanceof StepMatrix l && right instanceof StepScalars r) {
        return BinaryOperations.vectorScalar(operation.operator(), l, r.values(), false, operation.returnBool());
      }
      if (left instanceof StepScalars l && right instanceof StepMatrix r) {
        return BinaryOperations.vectorScalar(operation.operator(), r, l.values(), true, operation.returnBool());
      }
      return BinaryOperations.vectorVector(operation.operator(), operation.matching(), operation.returnBool(), (StepMatrix) left, (StepMatrix) right);
    }

    private StepMatrix labelReplace(LabelReplace replace) throws QueryException, MetricEvaluationException {
      StepMatrix input = vector(replace.inner());
      LabelReplacement replacement;
      try {
        replacement = new LabelReplacement(replace.destination(), replace.replacement(), replace.source(), replace.regex());
      } catch (com.google.re2j.PatternSyntaxException e) {
        throw new QueryException(400, "invalid regular expression in label_replace(): " + replace.regex() + ": " + e.getMessage(), e);
      }
      StepMatrix.Builder out = new StepMatrix.Builder(grid);
      for (StepMatrix.Row row : input.rows) {
        Labels labels = replacement.apply(row.labels);
        for (int step = 0; step < row.present.length; step++) {
          if (row.present[step]) {
            out.setUnique(labels, step, row.values[step]);
          }
        }
      }
      return out.build();
    }

    /**
     * One range aggregation whose series are labelled by {@code seriesGrouping}: its own grouping,
     * or the grouping of a {@code sum} above it pushed down (see {@link #canPushGrouping}).
     */
    private StepMatrix rangeAggregation(
        RangeAggregation aggregation, Grouping seriesGrouping, boolean labelOrdered, SelectionCandidates candidates, VectorAggregation above)
        throws QueryException, MetricEvaluationException {
      RangeReader reader = new RangeReader(aggregation, seriesGrouping, UnusedParsers.keepNoLabel(aggregation, above));
      reader.read();
      return reader.result(labelOrdered, candidates);
    }

    /**
     * Reads one log range in time order and evaluates its range aggregation step by step. The
     * store's per-stream cursors are merged by timestamp with a heap holding one entry per stream;
     * equal timestamps come in the store's stream order (what a stable sort of per-series samples
     * appended stream after stream gives). Before a sample later than the next step's window end is
     * taken, that step is closed: every series holding samples drops those the window has passed
     * and records its value. So the samples held are one window's worth per series, whatever the
     * length of the query range; what grows with the range is only the computed points.
     *
     * <p>When the series are grouped {@code by} labels (and no filter follows {@code unwrap}), a
     * line without error is put in its series from the few grouping labels read off the pipeline,
     * without building its whole label set. With parser hints, a line that ends with an error is
     * parsed again without hints, since its series keeps every label (see {@link #seriesLabels}).
     */
    private final class RangeReader {
      private final RangeAggregation aggregation;
      /** Whether the samples keep no label (Loki's {@code noLabels}): see {@link UnusedParsers}. */
      private final boolean keepNoLabel;
      private final RangeOperation operation;
      private final LogRange logRange;
      private final Grouping seriesGrouping;
      private final Unwrap unwrap;
      private final long rangeNanos;
      private final long offsetNanos;
      private final double parameter;
      private final boolean bytes;
      private final int steps;
      private Map<Labels, WindowedSeries> series = new HashMap<>();
      /** What this reader's series hold, told to the query a few kilobytes at a time. */
      private final SeriesMemory memory = new SeriesMemory(context);
      /** The accounts of the parallel readers whose series this one took over: they still tell their changes there. */
      private final List<SeriesMemory> takenOverMemories = new ArrayList<>();
      /** The series of the byte-level plan's grouping values: the one value, or the list of them (see {@link #fastGroupSeries}). */
      private final Map<Object, WindowedSeries> seriesByGroupValues = new HashMap<>();
      /** The series holding samples, in no particular order. */
      private final List<WindowedSeries> active = new ArrayList<>();
      /** For absent_over_time: whether any series has a sample in each step's window. */
      private final boolean[] anyPresent;
      private double[] scratch = new double[16];
      private int nextStep;
      /** The value of the sample that the last call of {@link #sampleLabels} accepted. */
      private double sampleValue;
      /** The grouping labels of the fast path (sorted), or null when lines need their whole label set. */
      private final String[] groupNames;
      private StreamStages.Factory stages;
      /** The stages without parser hints, or null when there are no hints. */
      private StreamStages.Factory stagesWithAllLabels;
      private StreamStages.Factory postFilters;
      private final Map<Labels, StreamStages> postFiltersByLabels = new HashMap<>();
      private boolean onlyLineFilters;
      /** The byte-level plan for this range's pipeline, or null when lines go through the String pipeline. */
      private FastSampleExtractor fastPlan;
      /**
       * Whether the value at a step is a function of the window's sample count and integer byte
       * sum only ({@code count_over_time}, {@code rate} and {@code bytes_*} without unwrap).
       */
      private final boolean counting;

      RangeReader(RangeAggregation aggregation, Grouping seriesGrouping, boolean keepNoLabel) {
        this.aggregation = aggregation;
        this.keepNoLabel = keepNoLabel;
        this.operation = aggregation.operation();
        this.logRange = aggregation.range();
        this.seriesGrouping = seriesGrouping;
        this.unwrap = logRange.unwrap();
        this.rangeNanos = logRange.range().toNanos();
        this.offsetNanos = logRange.offset().toNanos();
        this.parameter = aggregation.parameter() == null ? 0 : aggregation.parameter();
        this.bytes = operation == RangeOperation.BYTES_OVER_TIME || operation == RangeOperation.BYTES_RATE;
        this.steps = grid.size();
        this.anyPresent = operation == RangeOperation.ABSENT_OVER_TIME ? new boolean[steps] : null;
        this.counting = operation == RangeOperation.COUNT_OVER_TIME
            || (unwrap == null && (operation == RangeOperation.RATE || bytes));
        boolean groupedBy = seriesGrouping != null && !seriesGrouping.without();
        boolean postFiltered = unwrap != null && !unwrap.postFilters().isEmpty();
        this.groupNames = groupedBy && !postFiltered ? new java.util.TreeSet<>(seriesGrouping.labels()).toArray(new String[0]) : null;
      }

      private long windowEnd(int step) {
        return grid.timestamp(step) - offsetNanos;
      }

      /** The leading line filters given to the store, and their literals, set by {@link #prepare}. */
      private LinePredicate lineFilter = LinePredicate.ALL;
      private List<LineFilter> pushedFilters = List.of();
      private List<PipelineStage> rest = List.of();

      void read() throws QueryException {
        prepare();
        LogSelectorExpr selector = logRange.selector();
        Predicate<Labels> streamSelector;
        try {
          streamSelector = LabelSelector.compile(selector.matchers());
        } catch (LogqlParseException e) {
          throw new QueryException(400, e.getMessage(), e);
        }
        // Windows are left-open: the first wanted instant is one nanosecond after the first window's start.
        long fromNanos = grid.startNanos() - offsetNanos - rangeNanos + 1;
        long toNanos = grid.endNanos() - offsetNanos + 1;
        SelectRequest request = context.listening(new SelectRequest(
            tenant, streamSelector, fromNanos, toNanos, Direction.FORWARD, lineFilter, LineFilterCompiler.requiredLiterals(pushedFilters))
            .withCaseInsensitiveLiterals(LineFilterCompiler.caseInsensitiveLiterals(pushedFilters)));
        List<EntryCursor> cursors = List.of();
        try {
          cursors = store.select(request);
          List<int[]> partitions = partitions(cursors);
          if (partitions.size() < 2 && countsInParallel(cursors)) {
            countInParallel(cursors);
          } else if (partitions.size() < 2) {
            int[] all = new int[cursors.size()];
            java.util.Arrays.setAll(all, i -> i);
            consume(cursors, all);
          } else {
            consumeInParallel(cursors, partitions);
          }
        } catch (IOException e) {
          QueryContext.QueryAbortedException aborted = QueryContext.QueryAbortedException.findIn(e);
          if (aborted != null) {
            throw aborted.toQueryException();
          }
          throw new QueryException(500, "reading logs of tenant " + tenant + " for selector " + selector.matchers() + ": " + e.getMessage(), e);
        } finally {
          Cursors.closeAll(tenant, cursors);
        }
      }

      /**
       * Streams whose series cannot meet, for reading them on several threads: when the series are
       * grouped {@code by} labels that every stream has and no stage can rewrite (parsers add theirs
       * with {@code _extracted}; only line filters, {@code json}, {@code logfmt} and label filters are
       * allowed), a stream's series are fixed by its own values of those labels, so streams with
       * different values never share a series. One partition (read in order on this thread) otherwise.
       */
      private List<int[]> partitions(List<EntryCursor> cursors) {
        if (PARALLELISM < 2 || cursors.size() < 2 || groupNames == null || groupNames.length == 0 || anyPresent != null) {
          return List.of();
        }
        if (!onlyParallelSafeStages()) {
          return List.of();
        }
        Map<List<String>, List<Integer>> byValues = new java.util.LinkedHashMap<>();
        for (int i = 0; i < cursors.size(); i++) {
          Labels labels = cursors.get(i).labels();
          List<String> values = new ArrayList<>(groupNames.length);
          for (String name : groupNames) {
            String value = labels.get(name);
            if (value == null || value.isEmpty()) {
              return List.of();
            }
            values.add(value);
          }
          byValues.computeIfAbsent(values, v -> new ArrayList<>()).add(i);
        }
        List<int[]> partitions = new ArrayList<>();
        byValues.values().forEach(indices -> partitions.add(indices.stream().mapToInt(Integer::intValue).toArray()));
        return partitions;
      }

      /** Whether the stages after the pushed filters are only those known to be safe on several threads and not to rewrite stream labels. */
      private boolean onlyParallelSafeStages() {
        for (PipelineStage stage : rest) {
          if (!(stage instanceof LineFilter || stage instanceof dev.tonari.logql.LogfmtParser
              || stage instanceof dev.tonari.logql.JsonParser || stage instanceof LabelFilterStage)) {
            return false;
          }
        }
        return true;
      }

      /**
       * Whether a counting aggregation is read on several threads whose series may overlap: each
       * thread counts the streams it takes into per-step difference arrays of its own, and the
       * arrays are added up at the end (integers: exactly the sequential counts, in any order).
       * Used when the streams cannot be split into partitions of disjoint series (a grouping by
       * parsed labels, or none).
       */
      private boolean countsInParallel(List<EntryCursor> cursors) {
        return counting && PARALLELISM >= 2 && cursors.size() >= 2 && onlyParallelSafeStages();
      }

      /**
       * Reads the partitions on up to {@link #PARALLELISM} threads (this one included), each into a
       * reader of its own, then takes their series, which are disjoint. Per-step values are final
       * within a partition, so merging is a union.
       */
      private void consumeInParallel(List<EntryCursor> cursors, List<int[]> partitions) throws IOException, QueryException {
        List<RangeReader> readers = parallelReaders(partitions.size());
        runInParallel(partitions.size(), partitions.size(), (worker, index) -> readers.get(index).consume(cursors, partitions.get(index)));
        for (RangeReader reader : readers) {
          series.putAll(reader.series);
        }
        flushMemory();
      }

      /**
       * Readers of this one's prepared plan for a parallel read. Each keeps its own series, under
       * the cardinality limit; the distinct series of all of them are counted once they are merged
       * (a set shared between the readers, to count each series once as it was met, was a tenth of
       * a topk over thousands of paths).
       */
      private List<RangeReader> parallelReaders(int count) {
        List<RangeReader> readers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          RangeReader reader = new RangeReader(aggregation, seriesGrouping, keepNoLabel);
          reader.usePreparedFrom(this);
          readers.add(reader);
          takenOverMemories.add(reader.memory);
        }
        return readers;
      }

      /**
       * Counts the streams on {@link #PARALLELISM} threads, each taking the next unread stream into
       * a reader of its own, then adds the readers' per-step counts up series by series (their rows
       * are made by {@link #result}).
       */
      private void countInParallel(List<EntryCursor> cursors) throws IOException, QueryException {
        int threads = Math.min(PARALLELISM, cursors.size());
        List<RangeReader> readers = parallelReaders(threads);
        runInParallel(cursors.size(), threads, (worker, index) -> {
          RangeReader reader = readers.get(worker);
          reader.countStream(cursors.get(index), index);
        });
        // The readers' partial counts are added into the largest reader's map, which is taken as it is.
        RangeReader largest = readers.get(0);
        for (RangeReader reader : readers) {
          if (reader.series.size() > largest.series.size()) {
            largest = reader;
          }
        }
        if (series.isEmpty()) {
          series = largest.series;
        } else {
          addCounts(largest);
        }
        for (RangeReader reader : readers) {
          if (reader != largest) {
            addCounts(reader);
          }
        }
        // Each reader held its own series under the limit; the distinct ones of all readers are counted here.
        if (series.size() > CARDINALITY_LIMIT) {
          throw cardinalityExceeded();
        }
        flushMemory();
      }

      /** Adds a parallel reader's counts, series by series, into this reader's. */
      private void addCounts(RangeReader reader) {
        for (Map.Entry<Labels, WindowedSeries> partial : reader.series.entrySet()) {
          WindowedSeries target = series.get(partial.getKey());
          if (target == null) {
            series.put(partial.getKey(), partial.getValue());
          } else {
            target.addCounts(partial.getValue(), steps);
          }
        }
      }

      /** Tells the query what this reader's series and those it took over hold, so far held back. */
      private void flushMemory() {
        memory.flush();
        for (SeriesMemory taken : takenOverMemories) {
          taken.flush();
        }
      }

      /** Loki's refusal when the series of a range aggregation pass the limit, naming the count that passed it. */
      private QueryException cardinalityExceeded() {
        return new QueryException(
            400, "cardinality limit exceeded for {}; " + (CARDINALITY_LIMIT + 1) + " entries, more than limit of " + CARDINALITY_LIMIT);
      }

      /** One task of {@link #runInParallel}: task {@code index}, run by worker {@code worker}. */
      private interface ParallelTask {
        void run(int worker, int index) throws IOException, QueryException;
      }

      /**
       * Runs tasks {@code 0..tasks-1} on up to {@code threads} threads (this one included), each
       * thread taking the next task; the first failure stops the others from starting more and is
       * rethrown here.
       */
      private void runInParallel(int tasks, int threads, ParallelTask task) throws IOException, QueryException {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        Exception[] failures = new Exception[tasks];
        java.util.function.IntFunction<Runnable> workerNumbered = worker -> () -> {
          for (int index = next.getAndIncrement(); index < tasks && !failed.get(); index = next.getAndIncrement()) {
            try {
              task.run(worker, index);
            } catch (IOException | QueryException | RuntimeException e) {
              failures[index] = e;
              failed.set(true);
            }
          }
        };
        int helpers = Math.min(PARALLELISM, threads) - 1;
        List<java.util.concurrent.Future<?>> started = new ArrayList<>();
        for (int i = 0; i < helpers; i++) {
          started.add(PARTITION_POOL.submit(workerNumbered.apply(i + 1)));
        }
        workerNumbered.apply(0).run();
        for (java.util.concurrent.Future<?> future : started) {
          try {
            future.get();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException(499, "query cancelled while reading logs of tenant " + tenant, e);
          } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a partition worker failed outside its reader", e.getCause());
          }
        }
        for (Exception failure : failures) {
          switch (failure) {
            case null -> {}
            case IOException io -> throw io;
            case QueryException query -> throw query;
            case RuntimeException runtime -> throw runtime;
            default -> throw new IllegalStateException(failure);
          }
        }
      }

      /** Takes another reader's compiled pipeline: the factories and the plan are immutable, the per-stream state is made per reader. */
      private void usePreparedFrom(RangeReader prepared) {
        lineFilter = prepared.lineFilter;
        pushedFilters = prepared.pushedFilters;
        rest = prepared.rest;
        onlyLineFilters = prepared.onlyLineFilters;
        stages = prepared.stages;
        stagesWithAllLabels = prepared.stagesWithAllLabels;
        fastPlan = prepared.fastPlan;
        postFilters = prepared.postFilters;
      }

      /** Compiles the pipeline: the line filters for the store, the stages after them, the byte-level plan. */
      private void prepare() throws QueryException {
        LogSelectorExpr selector = logRange.selector();
        // Parsers whose labels no one reads do not run, as in Loki (and the line filters after them then go to the store).
        List<PipelineStage> pipeline = UnusedParsers.apply(selector.pipeline(), keepNoLabel, unwrap != null);
        // The leading line filters run in the store, on bytes, before any String is made.
        int pushed = 0;
        for (int count = 1; count <= pipeline.size() && pipeline.get(count - 1) instanceof LineFilter; count++) {
          List<LineFilter> candidate = pipeline.subList(0, count).stream().map(LineFilter.class::cast).toList();
          try {
            lineFilter = LineFilterCompiler.compile(candidate);
          } catch (QueryException | LogqlParseException notCompilable) {
            // Filters the byte compiler does not know stay in the pipeline, which evaluates them.
            break;
          }
          pushed = count;
          pushedFilters = candidate;
        }
        rest = pipeline.subList(pushed, pipeline.size());
        onlyLineFilters = rest.isEmpty();
        if (onlyLineFilters) {
          stages = LineFiltersOnly::new;
        } else {
          Set<String> hints = parserHints(rest, seriesGrouping, unwrap);
          stages = stagesCompiler.compile(rest, hints);
          stagesWithAllLabels = hints == null ? null : stagesCompiler.compile(rest, null);
          fastPlan = fastExtraction ? FastSampleExtractor.plan(rest, hints, groupNames, unwrap, bytes) : null;
        }
        postFilters = unwrap == null || unwrap.postFilters().isEmpty()
            ? null
            : stagesCompiler.compile(unwrap.postFilters().stream().<PipelineStage>map(LabelFilterStage::new).toList(), null);
      }

      /** Reads the cursors at these indices (in this order, which orders equal timestamps) into this reader's series. */
      private void consume(List<EntryCursor> all, int[] indices) throws IOException, QueryException {
        List<EntryCursor> cursors = new ArrayList<>(indices.length);
        for (int index : indices) {
          cursors.add(all.get(index));
        }
        if (counting) {
          countStreamByStream(cursors, indices);
          return;
        }
        TimeOrderedHeap<StreamInput> heap = new TimeOrderedHeap<>(cursors.size());
        for (int i = 0; i < cursors.size(); i++) {
          EntryCursor cursor = cursors.get(i);
          StreamInput input = newInput(cursor, indices[i]);
          if (cursor.next()) {
            input.timestamp = cursor.timestamp();
            heap.add(input.timestamp, input.index, input);
          }
        }
        while (!heap.isEmpty()) {
          StreamInput input = heap.top();
          context.entryTaken();
          long timestamp = input.timestamp;
          while (nextStep < steps && windowEnd(nextStep) < timestamp) {
            closeStep(nextStep++);
          }
          WindowedSeries target = take(input);
          // A sample before the next window's start is in no window (the range is shorter than the step).
          if (target != null && nextStep < steps && timestamp > windowEnd(nextStep) - rangeNanos) {
            target.add(timestamp, sampleValue);
            if (!target.active) {
              target.active = true;
              active.add(target);
            }
          }
          // The top stays in place until its next entry is known: re-keyed with one sift, or removed.
          if (input.cursor.next()) {
            input.timestamp = input.cursor.timestamp();
            heap.replaceTopTimestamp(input.timestamp);
          } else {
            heap.removeTop();
          }
        }
        while (nextStep < steps) {
          closeStep(nextStep++);
        }
      }

      /**
       * Counting aggregations need no merge: each sample adds to the per-step integer counters of
       * its series, in any order, so the streams are read one after the other.
       */
      private void countStreamByStream(List<EntryCursor> cursors, int[] indices) throws IOException, QueryException {
        for (int i = 0; i < cursors.size(); i++) {
          countStream(cursors.get(i), indices[i]);
        }
      }

      /** Counts one stream's samples into the per-step counters of their series. */
      private void countStream(EntryCursor cursor, int index) throws IOException, QueryException {
        {
          StreamInput input = newInput(cursor, index);
          while (cursor.next()) {
            context.entryTaken();
            long timestamp = cursor.timestamp();
            input.timestamp = timestamp;
            WindowedSeries target = take(input);
            if (target == null) {
              continue;
            }
            // Steps whose window (end - range, end] holds the sample, end = start - offset + step * i.
            long sinceFirstEnd = timestamp - (grid.startNanos() - offsetNanos);
            long stepNanos = Math.max(1, grid.stepNanos());
            long first = Math.max(0, Math.ceilDiv(sinceFirstEnd, stepNanos));
            long last = Math.min(steps - 1L, Math.ceilDiv(sinceFirstEnd + rangeNanos, stepNanos) - 1);
            if (grid.stepNanos() == 0) {
              // An instant query's one window.
              first = 0;
              last = sinceFirstEnd <= 0 && sinceFirstEnd > -rangeNanos ? 0 : -1;
            }
            if (first <= last) {
              target.count((int) first, (int) last, steps, (long) sampleValue);
            }
          }
        }
      }

      /** The value of a counting aggregation at a step, from its window's sample count and value sum. */
      private WindowedSeries.CountedValue countedValue() {
        double rangeSeconds = RangeWindows.goSeconds(rangeNanos);
        return switch (operation) {
          case COUNT_OVER_TIME -> (count, sum) -> count;
          case RATE -> (count, sum) -> count / rangeSeconds;
          case BYTES_OVER_TIME -> (count, sum) -> sum;
          case BYTES_RATE -> (count, sum) -> sum / rangeSeconds;
          default -> throw new IllegalStateException("not a counting aggregation: " + operation);
        };
      }

      private StreamInput newInput(EntryCursor cursor, int index) {
        StreamInput input = new StreamInput(cursor, index, stages.forStream(cursor.labels()));
        input.fast = fastPlan == null ? null : fastPlan.forStream(cursor.labels());
        return input;
      }

      /** The series of the cursor's current entry with its value in {@link #sampleValue}, or null when the entry gives no sample. */
      private WindowedSeries take(StreamInput input) throws QueryException {
        EntryCursor cursor = input.cursor;
        if (input.fast != null) {
          int outcome = input.fast.take(cursor.lineBuffer(), cursor.lineOffset(), cursor.lineLength(), cursor.metadata());
          if (outcome == FastSampleExtractor.NO_SAMPLE) {
            return null;
          }
          if (outcome == FastSampleExtractor.SAMPLE) {
            sampleValue = input.fast.value();
            return fastGroupSeries(input, input.fast.groupValues());
          }
          // FALL_BACK: the String pipeline decides this line.
        }
        long timestamp = input.timestamp;
        String line = onlyLineFilters ? null : cursor.line();
        StreamStages lineStages = input.stages;
        if (!lineStages.process(timestamp, line, cursor.metadata())) {
          return null;
        }
        double value = bytes ? (onlyLineFilters ? cursor.lineLength() : Utf8.length(lineStages.line())) : 1;
        if (groupNames != null && !lineStages.hasError()) {
          if (unwrap == null) {
            sampleValue = value;
            return groupSeries(input, lineStages);
          }
          String text = lineStages.labelValue(unwrap.label());
          if (text == null || text.isEmpty()) {
            // Loki skips lines without the unwrapped label rather than failing them.
            return null;
          }
          try {
            sampleValue = UnwrapValues.convert(unwrap.conversion(), text);
            return groupSeries(input, lineStages);
          } catch (UnwrapValues.ConversionException e) {
            // The error labels the sample with all its labels: the general path below makes them.
          }
        }
        Labels labels = sampleLabels(lineStages, timestamp, value);
        if (labels == null) {
          return null;
        }
        if (stagesWithAllLabels != null && hasError(labels)) {
          // The hints left out labels that a series with an error keeps: the line again, with all of them.
          if (input.stagesWithAllLabels == null) {
            input.stagesWithAllLabels = stagesWithAllLabels.forStream(cursor.labels());
          }
          StreamStages all = input.stagesWithAllLabels;
          if (!all.process(timestamp, line, cursor.metadata())) {
            return null;
          }
          labels = sampleLabels(all, timestamp, bytes ? Utf8.length(all.line()) : 1);
          if (labels == null) {
            return null;
          }
        }
        if (labels == input.lastLabels) {
          return input.lastSeries;
        }
        WindowedSeries target = seriesOf(seriesLabels(labels, seriesGrouping, unwrap));
        input.lastLabels = labels;
        input.lastSeries = target;
        return target;
      }

      /** The series of a line without error under a {@code by} grouping: its grouping labels, read one by one. */
      private WindowedSeries groupSeries(StreamInput input, StreamStages lineStages) throws QueryException {
        String[] values = input.groupValues;
        boolean same = values != null;
        if (values == null) {
          values = new String[groupNames.length];
          input.groupValues = values;
        }
        for (int i = 0; i < groupNames.length; i++) {
          String value = lineStages.labelValue(groupNames[i]);
          if (!java.util.Objects.equals(value, values[i])) {
            same = false;
            values[i] = value;
          }
        }
        if (same) {
          return input.groupSeries;
        }
        TreeMap<String, String> kept = new TreeMap<>();
        for (int i = 0; i < groupNames.length; i++) {
          if (values[i] != null) {
            kept.put(groupNames[i], values[i]);
          }
        }
        WindowedSeries target = seriesOf(Labels.of(kept));
        input.groupSeries = target;
        return target;
      }

      /** As {@link #groupSeries}, for the grouping values the byte-level plan read. */
      private WindowedSeries fastGroupSeries(StreamInput input, String[] values) throws QueryException {
        String[] last = input.fastGroupValues;
        if (last != null && Arrays.equals(last, values)) {
          return input.fastGroupSeries;
        }
        if (last == null) {
          last = new String[values.length];
          input.fastGroupValues = last;
        }
        System.arraycopy(values, 0, last, 0, values.length);
        // Grouping values that change from line to line (a path, an id) find their series without a label set made per line.
        Object key = values.length == 1 ? values[0] : Arrays.asList(values.clone());
        WindowedSeries target = seriesByGroupValues.get(key);
        if (target == null && values.length == 1) {
          target = seriesOf(values[0] == null ? Labels.EMPTY : Labels.of(groupNames[0], values[0]));
          seriesByGroupValues.put(key, target);
        } else if (target == null) {
          TreeMap<String, String> kept = new TreeMap<>();
          for (int i = 0; i < groupNames.length; i++) {
            if (values[i] != null) {
              kept.put(groupNames[i], values[i]);
            }
          }
          target = seriesOf(Labels.of(kept));
          seriesByGroupValues.put(key, target);
        }
        input.fastGroupSeries = target;
        return target;
      }

      private WindowedSeries seriesOf(Labels labels) throws QueryException {
        WindowedSeries target = series.get(labels);
        if (target == null) {
          if (series.size() >= CARDINALITY_LIMIT) {
            throw cardinalityExceeded();
          }
          target = new WindowedSeries(labels, memory);
          series.put(labels, target);
        }
        return target;
      }

      /**
       * The labels of a kept line after unwrap and its post-filters (before grouping), its value in
       * {@link #sampleValue}; null when the line gives no sample.
       */
      private Labels sampleLabels(StreamStages lineStages, long timestamp, double lineValue) {
        Labels labels = lineStages.labels();
        double value = lineValue;
        if (unwrap != null) {
          String text = labels.get(unwrap.label());
          if (text == null || text.isEmpty()) {
            // Loki skips lines without the unwrapped label rather than failing them.
            return null;
          }
          String conversionError = null;
          try {
            value = UnwrapValues.convert(unwrap.conversion(), text);
          } catch (UnwrapValues.ConversionException e) {
            value = 0;
            conversionError = e.getMessage();
          }
          if (postFilters != null) {
            // The runtime keeps __error__ as per-line state: the labels without it are the stream, the error comes as metadata.
            Labels errors = errorLabels(labels, conversionError);
            Labels base = errors.isEmpty() ? labels : withoutErrors(labels);
            StreamStages post = postFiltersByLabels.computeIfAbsent(base, postFilters::forStream);
            if (!post.process(timestamp, "", errors)) {
              return null;
            }
            labels = post.labels();
          } else if (conversionError != null) {
            labels = labels.with(ERROR_LABEL, SAMPLE_EXTRACTION_ERROR).with(ERROR_DETAILS_LABEL, conversionError);
          }
        }
        sampleValue = value;
        return labels;
      }

      /** Closes a step: each series drops the samples before its window and records its value. */
      private void closeStep(int step) {
        long windowStart = windowEnd(step) - rangeNanos;
        int i = 0;
        while (i < active.size()) {
          WindowedSeries candidate = active.get(i);
          if (!candidate.dropUpTo(windowStart)) {
            candidate.active = false;
            int last = active.size() - 1;
            active.set(i, active.get(last));
            active.remove(last);
            continue;
          }
          if (anyPresent != null) {
            anyPresent[step] = true;
          } else {
            if (scratch.length < candidate.size()) {
              scratch = new double[Math.max(candidate.size(), scratch.length * 2)];
            }
            candidate.emit(step, RangeWindows.windowValue(
                operation, parameter, unwrap != null, candidate.timestamps(), candidate.values(), candidate.low(), candidate.high(), rangeNanos, scratch));
          }
          i++;
        }
      }

      /**
       * The series with points, in label order when {@code labelOrdered} (see {@link
       * StepMatrix#labelOrdered}); only those a selection could keep when it gives its {@code
       * candidates} (non-null only for an unordered result) and the aggregation counts.
       */
      StepMatrix result(boolean labelOrdered, SelectionCandidates candidates) throws MetricEvaluationException {
        if (anyPresent != null) {
          // Loki's absent_over_time: 1 at each step where no series has a sample, labelled by the selector's equality matchers.
          StepMatrix.Row absent = new StepMatrix.Row(absentLabels(logRange.selector().matchers()), steps);
          for (int step = 0; step < steps; step++) {
            if (!anyPresent[step]) {
              absent.set(step, 1);
            }
          }
          return new StepMatrix(grid, absent.isEmpty() ? List.of() : List.of(absent));
        }
        List<WindowedSeries> withPoints = new ArrayList<>();
        Labels firstError = null;
        for (WindowedSeries candidate : series.values()) {
          if (counting ? candidate.hasCounts() : candidate.hasOutput()) {
            withPoints.add(candidate);
            // The refusal names the first erring series in label order, whether or not the rows are sorted.
            if (hasError(candidate.labels) && (firstError == null || candidate.labels.compareTo(firstError) < 0)) {
              firstError = candidate.labels;
            }
          }
        }
        if (firstError != null) {
          throw new MetricEvaluationException(pipelineErrorMessage(firstError));
        }
        if (labelOrdered) {
          withPoints.sort((a, b) -> a.labels.compareTo(b.labels));
        }
        WindowedSeries.CountedValue value = counting ? countedValue() : null;
        List<WindowedSeries> all = withPoints;
        if (counting && candidates != null) {
          for (WindowedSeries candidate : all) {
            candidates.offer(candidate, value);
          }
          withPoints = candidates.chosen();
        }
        List<StepMatrix.Row> rows = new ArrayList<>(withPoints.size());
        for (WindowedSeries candidate : withPoints) {
          // A row holds a value per step, whatever the series held while it was read.
          memory.changed(8L * steps);
          rows.add(counting ? candidate.countedRow(steps, value) : candidate.toRow(steps));
        }
        if (withPoints != all) {
          for (WindowedSeries notChosen : all) {
            notChosen.releaseCounts();
          }
        }
        flushMemory();
        return labelOrdered ? new StepMatrix(grid, rows) : StepMatrix.unordered(grid, rows);
      }
    }
  }

  /** One stream of a log range being merged: its cursor and its per-stream pipeline state. */
  private static final class StreamInput {
    final EntryCursor cursor;
    /** The stream's position in the store's answer, which orders equal timestamps. */
    final int index;
    final StreamStages stages;
    StreamStages stagesWithAllLabels;
    long timestamp;
    /** The last label set a line ended with and its series: lines of a stream often share them. */
    Labels lastLabels;
    WindowedSeries lastSeries;
    /** The grouping label values of the last line on the fast path, and their series. */
    String[] groupValues;
    WindowedSeries groupSeries;
    /** The byte-level plan's state for this stream, or null; and its last grouping values and their series. */
    FastSampleExtractor.Stream fast;
    String[] fastGroupValues;
    WindowedSeries fastGroupSeries;

    StreamInput(EntryCursor cursor, int index, StreamStages stages) {
      this.cursor = cursor;
      this.index = index;
      this.stages = stages;
    }
  }

  private static boolean hasError(Labels labels) {
    String error = labels.get(ERROR_LABEL);
    return error != null && !error.isEmpty();
  }

  /**
   * Whether a {@code sum} may hand its grouping down to the range aggregation it aggregates, as
   * Loki's sample extractor does: only for range operations whose value is a sum over samples
   * (so that summing per group of the grouped series equals summing the per-series values), when
   * the range aggregation has no grouping of its own. A {@code by} naming the unwrapped label is
   * excluded: pushed down it would keep that label, which the range aggregation alone drops.
   */
  static boolean canPushGrouping(VectorAggregation aggregation, RangeAggregation range) {
    if (aggregation.operation() != VectorOperation.SUM || range.grouping() != null) {
      return false;
    }
    switch (range.operation()) {
      case COUNT_OVER_TIME, RATE, BYTES_OVER_TIME, BYTES_RATE, SUM_OVER_TIME -> {}
      default -> {
        return false;
      }
    }
    Grouping grouping = aggregation.grouping();
    Unwrap unwrap = range.range().unwrap();
    return unwrap == null || grouping == null || grouping.without() || !grouping.labels().contains(unwrap.label());
  }

  /**
   * The parsed labels a range aggregation reads, for parser hints: its {@code by} labels, the names
   * in its label filters, the unwrapped label. Null (parse everything) when the series keep labels
   * not named (no grouping, or {@code without}) or when a stage reads or rewrites labels in bulk
   * ({@code line_format}, {@code label_format}, {@code drop}, {@code keep}).
   */
  static Set<String> parserHints(List<PipelineStage> stages, Grouping seriesGrouping, Unwrap unwrap) {
    if (seriesGrouping == null || seriesGrouping.without()) {
      return null;
    }
    Set<String> needed = new HashSet<>(seriesGrouping.labels());
    for (PipelineStage stage : stages) {
      switch (stage) {
        case LineFormat format -> {
          return null;
        }
        case LabelFormat format -> {
          return null;
        }
        case DropLabels drop -> {
          return null;
        }
        case KeepLabels keep -> {
          return null;
        }
        case LabelFilterStage filter -> addFilterNames(filter.filter(), needed);
        default -> {}
      }
    }
    if (unwrap != null) {
      needed.add(unwrap.label());
      unwrap.postFilters().forEach(filter -> addFilterNames(filter, needed));
    }
    return needed;
  }

  private static void addFilterNames(LabelFilterExpr filter, Set<String> names) {
    switch (filter) {
      case AndLabelFilter and -> {
        addFilterNames(and.left(), names);
        addFilterNames(and.right(), names);
      }
      case OrLabelFilter or -> {
        addFilterNames(or.left(), names);
        addFilterNames(or.right(), names);
      }
      case StringLabelFilter string -> names.add(string.matcher().name());
      case NumericLabelFilter numeric -> names.add(numeric.name());
      case DurationLabelFilter duration -> names.add(duration.name());
      case BytesLabelFilter size -> names.add(size.name());
      case IpLabelFilter ip -> names.add(ip.name());
    }
  }

  /**
   * The labels of a sample's series, as Loki's sample extractor groups them: a sample with an error
   * keeps all its labels (so the error is not lost); an unwrapped label is removed unless a {@code
   * by} grouping names it; {@code by}/{@code without} of the range aggregation apply.
   */
  static Labels seriesLabels(Labels labels, Grouping grouping, Unwrap unwrap) {
    String error = labels.get(ERROR_LABEL);
    if (error != null && !error.isEmpty()) {
      return labels;
    }
    if (grouping != null && !grouping.without()) {
      return Matching.groupLabels(grouping, labels);
    }
    List<String> dropped = new ArrayList<>(grouping == null ? List.of() : grouping.labels());
    if (unwrap != null) {
      dropped.add(unwrap.label());
    }
    if (dropped.isEmpty()) {
      return labels;
    }
    return Matching.groupLabels(new Grouping(true, dropped), labels);
  }

  /** The error labels a line carries after unwrap: an earlier pipeline error, replaced by a conversion error (the last error wins). */
  private static Labels errorLabels(Labels labels, String conversionError) {
    if (conversionError != null) {
      return Labels.of(ERROR_LABEL, SAMPLE_EXTRACTION_ERROR, ERROR_DETAILS_LABEL, conversionError);
    }
    String error = labels.get(ERROR_LABEL);
    if (error == null) {
      return Labels.EMPTY;
    }
    String details = labels.get(ERROR_DETAILS_LABEL);
    return details == null ? Labels.of(ERROR_LABEL, error) : Labels.of(ERROR_LABEL, error, ERROR_DETAILS_LABEL, details);
  }

  private static Labels withoutErrors(Labels labels) {
    return labels.with(ERROR_LABEL, null).with(ERROR_DETAILS_LABEL, null);
  }

  /** Loki's {@code absentLabels}: equality matchers, except names matched more than once or otherwise. */
  static Labels absentLabels(List<Matcher> matchers) {
    Map<String, String> labels = new TreeMap<>();
    Set<String> excluded = new HashSet<>();
    for (Matcher matcher : matchers) {
      if (matcher.type() == MatcherType.EQUAL && !labels.containsKey(matcher.name())) {
        labels.put(matcher.name(), matcher.value());
      } else {
        excluded.add(matcher.name());
      }
    }
    labels.keySet().removeAll(excluded);
    labels.values().removeIf(String::isEmpty);
    return Labels.of(labels);
  }

  /** Loki's {@code PipelineError} text, byte for byte. */
  static String pipelineErrorMessage(Labels labels) {
    String error = labels.get(ERROR_LABEL);
    return "pipeline error: '" + error + "' for series: '" + prometheusText(labels) + "'.\n"
        + "Use a label filter to intentionally skip this error. (e.g | __error__!=\"" + error + "\").\n"
        + "To skip all potential errors you can match empty errors.(e.g __error__=\"\")\n"
        + "The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__=\"\" )\n";
  }

  /** Prometheus' {@code labels.Labels.String()}: {@code {a="1", b="2"}}, which is also our canonical form. */
  private static String prometheusText(Labels labels) {
    return labels.toString();
  }

}
