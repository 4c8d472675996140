package dev.tonari.query.metric;

import dev.tonari.logql.BinaryOperation;
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
 * literals pushed down to the store (bloom filters); its entries are turned into samples per
 * series in one pass and each series' windows are then slid over its sorted samples (see {@link
 * RangeWindows}). Vector aggregations and binary operations then work step by step on whole
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

  /** Compiles pipeline stages beyond the pushed-down line filters; replaceable so the engine does not depend on how. */
  interface StagesCompiler {
    StreamStages.Factory compile(List<PipelineStage> stages) throws QueryException;
  }

  private final LogStore store;
  private final QueryLimits limits;
  private final StagesCompiler stagesCompiler;

  public MetricQueryEngine(LogStore store, QueryLimits limits) {
    this(store, limits, PipelineStages::compile);
  }

  MetricQueryEngine(LogStore store, QueryLimits limits, StagesCompiler stagesCompiler) {
    this.store = store;
    this.limits = limits;
    this.stagesCompiler = stagesCompiler;
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
        case RangeAggregation aggregation -> rangeAggregation(aggregation);
        case VectorAggregation aggregation -> {
          int parameter = aggregation.parameter() == null ? 0 : aggregation.parameter();
          yield VectorAggregations.aggregate(aggregation.operation(), aggregation.grouping(), parameter, vector(aggregation.inner()));
        }
        case BinaryOperation operation -> binaryOperation(operation);
        case LabelReplace replace -> labelReplace(replace);
      };
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

    private StepMatrix rangeAggregation(RangeAggregation aggregation) throws QueryException, MetricEvaluationException {
      LogRange logRange = aggregation.range();
      long rangeNanos = logRange.range().toNanos();
      long offsetNanos = logRange.offset().toNanos();
      Unwrap unwrap = logRange.unwrap();
      RangeOperation operation = aggregation.operation();
      Map<Labels, SampleBuffer> samples = readSamples(logRange, operation, aggregation.grouping());
      if (operation == RangeOperation.ABSENT_OVER_TIME) {
        return absent(logRange, samples, rangeNanos, offsetNanos);
      }
      double parameter = aggregation.parameter() == null ? 0 : aggregation.parameter();
      List<Labels> keys = new ArrayList<>(samples.keySet());
      keys.sort(null);
      List<StepMatrix.Row> rows = new ArrayList<>(keys.size());
      for (Labels labels : keys) {
        SampleBuffer buffer = samples.get(labels);
        buffer.sortByTime();
        StepMatrix.Row row = new StepMatrix.Row(labels, grid.size());
        RangeWindows.evaluate(
            operation, parameter, unwrap != null, buffer.timestamps(), buffer.values(), buffer.size(), grid, rangeNanos, offsetNanos, row);
        if (row.isEmpty()) {
          continue;
        }
        String error = labels.get(ERROR_LABEL);
        if (error != null && !error.isEmpty()) {
          throw new MetricEvaluationException(pipelineErrorMessage(labels));
        }
        rows.add(row);
      }
      return new StepMatrix(grid, rows);
    }

    /** Loki's absent_over_time: 1 at each step where no series has a sample, labelled by the selector's equality matchers. */
    private StepMatrix absent(LogRange logRange, Map<Labels, SampleBuffer> samples, long rangeNanos, long offsetNanos) {
      boolean[] anyPresent = new boolean[grid.size()];
      for (SampleBuffer buffer : samples.values()) {
        buffer.sortByTime();
        StepMatrix.Row row = new StepMatrix.Row(Labels.EMPTY, grid.size());
        RangeWindows.evaluate(
            RangeOperation.COUNT_OVER_TIME, 0, false, buffer.timestamps(), buffer.values(), buffer.size(), grid, rangeNanos, offsetNanos, row);
        for (int step = 0; step < anyPresent.length; step++) {
          anyPresent[step] |= row.present[step];
        }
      }
      StepMatrix.Row absent = new StepMatrix.Row(absentLabels(logRange.selector().matchers()), grid.size());
      for (int step = 0; step < anyPresent.length; step++) {
        if (!anyPresent[step]) {
          absent.set(step, 1);
        }
      }
      return new StepMatrix(grid, absent.isEmpty() ? List.of() : List.of(absent));
    }

    private Map<Labels, SampleBuffer> readSamples(LogRange logRange, RangeOperation operation, Grouping grouping)
        throws QueryException {
      LogSelectorExpr selector = logRange.selector();
      List<PipelineStage> stages = selector.pipeline();
      // The leading line filters run in the store, on bytes, before any String is made.
      int pushed = 0;
      LinePredicate lineFilter = LinePredicate.ALL;
      List<LineFilter> pushedFilters = List.of();
      for (int count = 1; count <= stages.size() && stages.get(count - 1) instanceof LineFilter; count++) {
        List<LineFilter> candidate = stages.subList(0, count).stream().map(LineFilter.class::cast).toList();
        try {
          lineFilter = LineFilterCompiler.compile(candidate);
        } catch (QueryException | LogqlParseException notCompilable) {
          // Filters the byte compiler does not know stay in the pipeline, which evaluates them.
          break;
        }
        pushed = count;
        pushedFilters = candidate;
      }
      List<PipelineStage> rest = stages.subList(pushed, stages.size());
      Predicate<Labels> streamSelector;
      try {
        streamSelector = LabelSelector.compile(selector.matchers());
      } catch (LogqlParseException e) {
        throw new QueryException(400, e.getMessage(), e);
      }
      StreamStages.Factory factory = rest.isEmpty() ? LineFiltersOnly::new : stagesCompiler.compile(rest);
      Unwrap unwrap = logRange.unwrap();
      StreamStages.Factory postFilters = unwrap == null || unwrap.postFilters().isEmpty()
          ? null
          : stagesCompiler.compile(unwrap.postFilters().stream().<PipelineStage>map(LabelFilterStage::new).toList());
      Map<Labels, StreamStages> postFiltersByLabels = new HashMap<>();
      boolean bytes = operation == RangeOperation.BYTES_OVER_TIME || operation == RangeOperation.BYTES_RATE;

      long rangeNanos = logRange.range().toNanos();
      long offsetNanos = logRange.offset().toNanos();
      // Windows are left-open: the first wanted instant is one nanosecond after the first window's start.
      long fromNanos = grid.startNanos() - offsetNanos - rangeNanos + 1;
      long toNanos = grid.endNanos() - offsetNanos + 1;
      SelectRequest request = context.listening(new SelectRequest(
          tenant, streamSelector, fromNanos, toNanos, Direction.FORWARD, lineFilter, LineFilterCompiler.requiredLiterals(pushedFilters)));
      Map<Labels, SampleBuffer> series = new HashMap<>();
      List<EntryCursor> cursors = List.of();
      try {
        cursors = store.select(request);
        for (EntryCursor cursor : cursors) {
          StreamStages streamStages = factory.forStream(cursor.labels());
          Labels lastLabels = null;
          SampleBuffer lastBuffer = null;
          while (cursor.next()) {
            context.entryTaken();
            long timestamp = cursor.timestamp();
            Labels labels;
            double value = 1;
            if (rest.isEmpty()) {
              streamStages.process(timestamp, null, cursor.metadata());
              labels = streamStages.labels();
              if (bytes) {
                value = cursor.lineLength();
              }
            } else {
              if (!streamStages.process(timestamp, cursor.line(), cursor.metadata())) {
                continue;
              }
              labels = streamStages.labels();
              if (bytes) {
                value = utf8Length(streamStages.line());
              }
            }
            if (unwrap != null) {
              String text = labels.get(unwrap.label());
              if (text == null || text.isEmpty()) {
                // Loki skips lines without the unwrapped label rather than failing them.
                continue;
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
                  continue;
                }
                labels = post.labels();
              } else if (conversionError != null) {
                labels = labels.with(ERROR_LABEL, SAMPLE_EXTRACTION_ERROR).with(ERROR_DETAILS_LABEL, conversionError);
              }
            }
            labels = seriesLabels(labels, grouping, unwrap);
            if (!labels.equals(lastLabels)) {
              lastLabels = labels;
              lastBuffer = series.get(labels);
              if (lastBuffer == null) {
                if (series.size() >= CARDINALITY_LIMIT) {
                  throw new QueryException(
                      400, "cardinality limit exceeded for {}; " + (series.size() + 1) + " entries, more than limit of " + CARDINALITY_LIMIT);
                }
                lastBuffer = new SampleBuffer();
                series.put(labels, lastBuffer);
              }
            }
            lastBuffer.add(timestamp, value);
          }
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
      return series;
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

  static int utf8Length(String text) {
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length++;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }
}
