package dev.tonari.query.metric;

import dev.tonari.logql.BinaryOperation;
import dev.tonari.logql.BinaryOperator;
import dev.tonari.logql.Grouping;
import dev.tonari.logql.LabelReplace;
import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LineFilterOperator;
import dev.tonari.logql.LineFilterTerm;
import dev.tonari.logql.LiteralExpr;
import dev.tonari.logql.LogRange;
import dev.tonari.logql.Matcher;
import dev.tonari.logql.PipelineStage;
import dev.tonari.logql.RangeAggregation;
import dev.tonari.logql.SampleExpr;
import dev.tonari.logql.VectorAggregation;
import dev.tonari.logql.VectorExpr;
import dev.tonari.logql.VectorMatching;
import dev.tonari.store.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deliberately naive metric evaluator for tests: every step is computed from scratch by scanning
 * all log lines, with maps keyed by labels and no sliding, caching or pushdown. It supports the
 * subset the property tests generate: line filters with text terms, unwrap of a plain number
 * label (from structured metadata), and every range and vector operation.
 */
public final class ReferenceMetricEvaluator {
  public record Line(Labels stream, long timestampNanos, String text, Labels metadata) {}

  /** A failure the engine must also report (ambiguous matching, pipeline error, duplicate labels). */
  public static final class EvaluationError extends Exception {
    private static final long serialVersionUID = 1L;

    EvaluationError(String message) {
      super(message);
    }
  }

  private final List<Line> lines;

  public ReferenceMetricEvaluator(List<Line> lines) {
    this.lines = lines;
  }

  /** Scalar (Double) or vector (labels to value, ordered by labels) at one instant. */
  public Object evaluateAt(SampleExpr expr, long time) throws EvaluationError {
    return switch (expr) {
      case LiteralExpr literal -> literal.value();
      case VectorExpr vector -> new TreeMap<>(Map.of(Labels.EMPTY, vector.value()));
      case RangeAggregation aggregation -> rangeAt(aggregation, time);
      case VectorAggregation aggregation -> vectorAggregationAt(aggregation, vectorAt(aggregation.inner(), time));
      case BinaryOperation operation -> binaryAt(operation, evaluateAt(operation.left(), time), evaluateAt(operation.right(), time));
      case LabelReplace replace -> {
        TreeMap<Labels, Double> out = new TreeMap<>();
        LabelReplacement replacement = new LabelReplacement(replace.destination(), replace.replacement(), replace.source(), replace.regex());
        for (Map.Entry<Labels, Double> sample : vectorAt(replace.inner(), time).entrySet()) {
          if (out.put(replacement.apply(sample.getKey()), sample.getValue()) != null) {
            throw new EvaluationError("duplicate labels after label_replace");
          }
        }
        yield out;
      }
    };
  }

  @SuppressWarnings("unchecked")
  private TreeMap<Labels, Double> vectorAt(SampleExpr expr, long time) throws EvaluationError {
    return (TreeMap<Labels, Double>) evaluateAt(expr, time);
  }

  private TreeMap<Labels, Double> rangeAt(RangeAggregation aggregation, long time) throws EvaluationError {
    LogRange range = aggregation.range();
    long windowEnd = time - range.offset().toNanos();
    long windowStart = windowEnd - range.range().toNanos();
    // Lines in time order; the generator makes timestamps distinct, so this order is total.
    List<Line> sorted = new ArrayList<>(lines);
    sorted.sort((a, b) -> Long.compare(a.timestampNanos(), b.timestampNanos()));
    Map<Labels, List<double[]>> series = new LinkedHashMap<>();
    boolean any = false;
    for (Line line : sorted) {
      if (line.timestampNanos() <= windowStart || line.timestampNanos() > windowEnd) {
        continue;
      }
      if (!selects(range.selector().matchers(), line.stream()) || !passes(range.selector().pipeline(), line.text())) {
        continue;
      }
      Map<String, String> merged = line.metadata().toMap();
      merged.putAll(line.stream().toMap());
      Labels labels = Labels.of(merged);
      double value = 1;
      switch (aggregation.operation()) {
        case BYTES_OVER_TIME, BYTES_RATE -> value = line.text().getBytes(StandardCharsets.UTF_8).length;
        default -> {}
      }
      if (range.unwrap() != null) {
        String text = labels.get(range.unwrap().label());
        if (text == null || text.isEmpty()) {
          continue;
        }
        value = Double.parseDouble(text);
      }
      any = true;
      Labels key = extractionLabels(labels, aggregation.grouping(), range.unwrap() == null ? null : range.unwrap().label());
      series.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {line.timestampNanos(), value});
    }
    TreeMap<Labels, Double> out = new TreeMap<>();
    if (aggregation.operation() == dev.tonari.logql.RangeOperation.ABSENT_OVER_TIME) {
      if (!any) {
        out.put(MetricQueryEngine.absentLabels(range.selector().matchers()), 1.0);
      }
      return out;
    }
    double seconds = range.range().toNanos() / 1e9;
    for (Map.Entry<Labels, List<double[]>> entry : series.entrySet()) {
      List<double[]> points = entry.getValue();
      double[] values = points.stream().mapToDouble(p -> p[1]).toArray();
      double result =
          switch (aggregation.operation()) {
            case COUNT_OVER_TIME -> values.length;
            case RATE -> range.unwrap() == null ? values.length / seconds : plainSum(values) / seconds;
            case BYTES_OVER_TIME, SUM_OVER_TIME -> plainSum(values);
            case BYTES_RATE -> plainSum(values) / seconds;
            case AVG_OVER_TIME -> lokiMean(values);
            case MIN_OVER_TIME -> Arrays.stream(values).min().orElseThrow();
            case MAX_OVER_TIME -> Arrays.stream(values).max().orElseThrow();
            case STDVAR_OVER_TIME -> welford(values);
            case STDDEV_OVER_TIME -> Math.sqrt(welford(values));
            case QUANTILE_OVER_TIME -> quantile(aggregation.parameter(), values);
            case FIRST_OVER_TIME -> values[0];
            case LAST_OVER_TIME -> values[values.length - 1];
            case RATE_COUNTER -> counterRate(points, range.range().toNanos());
            case ABSENT_OVER_TIME -> throw new AssertionError("handled above");
          };
      out.put(entry.getKey(), result);
    }
    return out;
  }

  private static boolean selects(List<Matcher> matchers, Labels labels) {
    for (Matcher matcher : matchers) {
      String value = labels.get(matcher.name()) == null ? "" : labels.get(matcher.name());
      boolean matches =
          switch (matcher.type()) {
            case EQUAL -> value.equals(matcher.value());
            case NOT_EQUAL -> !value.equals(matcher.value());
            case REGEX -> value.matches(matcher.value());
            case NOT_REGEX -> !value.matches(matcher.value());
          };
      if (!matches) {
        return false;
      }
    }
    return true;
  }

  private static boolean passes(List<PipelineStage> pipeline, String text) {
    for (PipelineStage stage : pipeline) {
      LineFilter filter = (LineFilter) stage;
      boolean found = false;
      for (LineFilterTerm term : filter.alternatives()) {
        found |= text.contains(((LineFilterTerm.Text) term).value());
      }
      if (found != (filter.operator() == LineFilterOperator.CONTAINS)) {
        return false;
      }
    }
    return true;
  }

  private static Labels extractionLabels(Labels labels, Grouping grouping, String unwrapLabel) {
    Map<String, String> map = labels.toMap();
    if (grouping != null && !grouping.without()) {
      map.keySet().retainAll(new HashSet<>(grouping.labels()));
      return Labels.of(map);
    }
    if (grouping != null) {
      grouping.labels().forEach(map::remove);
    }
    if (unwrapLabel != null) {
      map.remove(unwrapLabel);
    }
    return Labels.of(map);
  }

  private static double plainSum(double[] values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return sum;
  }

  /** Loki's (and Prometheus') incremental mean: once infinite, it stays so unless an opposite infinity or NaN arrives. */
  private static double lokiMean(double[] values) {
    double mean = 0;
    for (int i = 0; i < values.length; i++) {
      double value = values[i];
      if (Double.isInfinite(mean) && ((Double.isInfinite(value) && (mean > 0) == (value > 0)) || (!Double.isInfinite(value) && !Double.isNaN(value)))) {
        continue;
      }
      mean += value / (i + 1) - mean / (i + 1);
    }
    return mean;
  }

  private static double welford(double[] values) {
    double mean = 0;
    double aux = 0;
    for (int i = 0; i < values.length; i++) {
      double delta = values[i] - mean;
      mean += delta / (i + 1);
      aux += delta * (values[i] - mean);
    }
    return aux / values.length;
  }

  /** Loki's vector stdvar starts from the first sample as the mean (its range function starts from zero). */
  private static double welfordFromFirst(double[] values) {
    double mean = values[0];
    double aux = 0;
    for (int i = 1; i < values.length; i++) {
      double delta = values[i] - mean;
      mean += delta / (i + 1);
      aux += delta * (values[i] - mean);
    }
    return aux / values.length;
  }

  private static double quantile(double q, double[] values) {
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double rank = q * (sorted.length - 1);
    int lower = (int) Math.floor(rank);
    int upper = Math.min(sorted.length - 1, lower + 1);
    double weight = rank - Math.floor(rank);
    return sorted[lower] * (1 - weight) + sorted[upper] * weight;
  }

  /** Loki's port of Prometheus' extrapolatedRate with its nanosecond/millisecond mix, written out again. */
  private static double counterRate(List<double[]> points, long rangeNanos) {
    if (points.size() < 2) {
      return 0;
    }
    long first = (long) points.get(0)[0];
    long last = (long) points.get(points.size() - 1)[0];
    double firstValue = points.get(0)[1];
    double increase = points.get(points.size() - 1)[1] - firstValue;
    double previous = 0;
    for (double[] point : points) {
      if (point[1] < previous) {
        increase += previous;
      }
      previous = point[1];
    }
    double toStart = (rangeNanos / 1_000_000L) / 1000.0;
    double toEnd = 0;
    double sampled = (last - first) / 1000.0;
    double average = sampled / (points.size() - 1);
    if (increase > 0 && firstValue >= 0) {
      toStart = Math.min(toStart, sampled * (firstValue / increase));
    }
    double threshold = average * 1.1;
    double interval = sampled + (toStart < threshold ? toStart : average / 2) + (toEnd < threshold ? toEnd : average / 2);
    return increase * (interval / sampled) / (rangeNanos / 1e9);
  }

  private static TreeMap<Labels, Double> vectorAggregationAt(VectorAggregation aggregation, TreeMap<Labels, Double> input) {
    TreeMap<Labels, Double> out = new TreeMap<>();
    Map<Labels, List<Map.Entry<Labels, Double>>> groups = new LinkedHashMap<>();
    for (Map.Entry<Labels, Double> sample : input.entrySet()) {
      groups.computeIfAbsent(group(aggregation.grouping(), sample.getKey()), g -> new ArrayList<>()).add(sample);
    }
    for (Map.Entry<Labels, List<Map.Entry<Labels, Double>>> group : groups.entrySet()) {
      List<Map.Entry<Labels, Double>> members = group.getValue();
      double[] values = members.stream().mapToDouble(Map.Entry::getValue).toArray();
      switch (aggregation.operation()) {
        case SORT, SORT_DESC -> members.forEach(m -> out.put(m.getKey(), m.getValue()));
        case TOPK, BOTTOMK -> {
          List<Map.Entry<Labels, Double>> ranked = new ArrayList<>(members);
          boolean top = aggregation.operation() == dev.tonari.logql.VectorOperation.TOPK;
          ranked.sort((a, b) -> {
            double x = a.getValue();
            double y = b.getValue();
            if (Double.isNaN(x) != Double.isNaN(y)) {
              return Double.isNaN(x) ? 1 : -1;
            }
            if (x == y || (Double.isNaN(x) && Double.isNaN(y))) {
              return 0;
            }
            return top ? (x > y ? -1 : 1) : (x < y ? -1 : 1);
          });
          for (int i = 0; i < Math.min(aggregation.parameter(), ranked.size()); i++) {
            out.put(ranked.get(i).getKey(), ranked.get(i).getValue());
          }
        }
        case SUM -> out.put(group.getKey(), plainSum(values));
        case AVG -> out.put(group.getKey(), lokiMean(values));
        case MIN -> out.put(group.getKey(), Arrays.stream(values).min().orElseThrow());
        case MAX -> out.put(group.getKey(), Arrays.stream(values).max().orElseThrow());
        case COUNT -> out.put(group.getKey(), (double) values.length);
        case STDVAR -> out.put(group.getKey(), welfordFromFirst(values));
        case STDDEV -> out.put(group.getKey(), Math.sqrt(welfordFromFirst(values)));
      }
    }
    return out;
  }

  private static Labels group(Grouping grouping, Labels labels) {
    if (grouping == null) {
      return Labels.EMPTY;
    }
    Map<String, String> map = labels.toMap();
    if (grouping.without()) {
      grouping.labels().forEach(map::remove);
    } else {
      map.keySet().retainAll(new HashSet<>(grouping.labels()));
    }
    return Labels.of(map);
  }

  @SuppressWarnings("unchecked")
  private static Object binaryAt(BinaryOperation operation, Object left, Object right) throws EvaluationError {
    BinaryOperator operator = operation.operator();
    if (left instanceof Double l && right instanceof Double r) {
      return Matching.apply(operator, l, r);
    }
    if (left instanceof Double || right instanceof Double) {
      boolean scalarLeft = left instanceof Double;
      double scalar = scalarLeft ? (Double) left : (Double) right;
      TreeMap<Labels, Double> vector = (TreeMap<Labels, Double>) (scalarLeft ? right : left);
      TreeMap<Labels, Double> out = new TreeMap<>();
      for (Map.Entry<Labels, Double> sample : vector.entrySet()) {
        double value = scalarLeft ? Matching.apply(operator, scalar, sample.getValue()) : Matching.apply(operator, sample.getValue(), scalar);
        if (operator.comparison() && !operation.returnBool()) {
          if (value == 1) {
            out.put(sample.getKey(), sample.getValue());
          }
        } else {
          out.put(sample.getKey(), value);
        }
      }
      return out;
    }
    TreeMap<Labels, Double> lhs = (TreeMap<Labels, Double>) left;
    TreeMap<Labels, Double> rhs = (TreeMap<Labels, Double>) right;
    VectorMatching matching = operation.matching();
    TreeMap<Labels, Double> out = new TreeMap<>();
    if (operator.setOperator()) {
      Set<Labels> rightSignatures = new HashSet<>();
      rhs.keySet().forEach(l -> rightSignatures.add(signature(matching, l)));
      Set<Labels> leftSignatures = new HashSet<>();
      lhs.keySet().forEach(l -> leftSignatures.add(signature(matching, l)));
      for (Map.Entry<Labels, Double> sample : lhs.entrySet()) {
        boolean inRight = rightSignatures.contains(signature(matching, sample.getKey()));
        if (operator == BinaryOperator.OR || (operator == BinaryOperator.AND) == inRight) {
          out.put(sample.getKey(), sample.getValue());
        }
      }
      if (operator == BinaryOperator.OR) {
        for (Map.Entry<Labels, Double> sample : rhs.entrySet()) {
          if (!leftSignatures.contains(signature(matching, sample.getKey()))) {
            if (out.put(sample.getKey(), sample.getValue()) != null) {
              throw new EvaluationError("duplicate labels");
            }
          }
        }
      }
      return out;
    }
    boolean oneToMany = matching != null && matching.cardinality() == VectorMatching.Cardinality.ONE_TO_MANY;
    TreeMap<Labels, Double> many = oneToMany ? rhs : lhs;
    TreeMap<Labels, Double> one = oneToMany ? lhs : rhs;
    Map<Labels, Map.Entry<Labels, Double>> oneBySignature = new HashMap<>();
    for (Map.Entry<Labels, Double> sample : one.entrySet()) {
      if (oneBySignature.put(signature(matching, sample.getKey()), sample) != null) {
        throw new EvaluationError("duplicate on the one side");
      }
    }
    Map<Labels, Set<Labels>> matched = new HashMap<>();
    boolean oneToOne = matching == null || matching.cardinality() == VectorMatching.Cardinality.ONE_TO_ONE;
    for (Map.Entry<Labels, Double> sample : many.entrySet()) {
      Labels signature = signature(matching, sample.getKey());
      Map.Entry<Labels, Double> partner = oneBySignature.get(signature);
      if (partner == null) {
        continue;
      }
      Labels result = resultLabels(matching, sample.getKey(), partner.getKey());
      if (matched.containsKey(signature) && (oneToOne || matched.get(signature).contains(result))) {
        throw new EvaluationError("multiple matches");
      }
      matched.computeIfAbsent(signature, s -> new HashSet<>()).add(result);
      double l = oneToMany ? partner.getValue() : sample.getValue();
      double r = oneToMany ? sample.getValue() : partner.getValue();
      double value = Matching.apply(operator, l, r);
      if (operator.comparison() && !operation.returnBool()) {
        if (value != 1) {
          continue;
        }
        value = l;
      }
      if (out.put(result, value) != null) {
        throw new EvaluationError("duplicate result labels");
      }
    }
    return out;
  }

  private static Labels signature(VectorMatching matching, Labels labels) {
    Map<String, String> map = labels.toMap();
    if (matching == null) {
      return labels;
    }
    if (matching.on()) {
      map.keySet().retainAll(new HashSet<>(matching.matchingLabels()));
    } else {
      matching.matchingLabels().forEach(map::remove);
    }
    return Labels.of(map);
  }

  private static Labels resultLabels(VectorMatching matching, Labels many, Labels one) {
    if (matching == null) {
      return many;
    }
    Map<String, String> map = many.toMap();
    if (matching.cardinality() == VectorMatching.Cardinality.ONE_TO_ONE) {
      if (matching.on()) {
        map.keySet().retainAll(new HashSet<>(matching.matchingLabels()));
      } else {
        matching.matchingLabels().forEach(map::remove);
      }
    }
    for (String name : matching.include()) {
      String value = one.get(name);
      if (value == null || value.isEmpty()) {
        map.remove(name);
      } else {
        map.put(name, value);
      }
    }
    return Labels.of(map);
  }
}
