package dev.tonari.query.metric;

import dev.tonari.logql.BinaryOperator;
import dev.tonari.logql.VectorMatching;
import dev.tonari.store.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binary operations between scalars and vectors at every step, with the semantics of Loki's
 * evaluator (which follows Prometheus): comparisons filter unless {@code bool} is given, and then
 * keep the vector side's value; vector/vector operations pair series by their matching signature
 * and refuse ambiguous pairings with Loki's messages. Signatures and result labels are computed
 * once per row (or pair of rows), not once per step.
 */
final class BinaryOperations {
  private BinaryOperations() {}

  static double[] scalarScalar(BinaryOperator operator, double[] left, double[] right) {
    double[] result = new double[left.length];
    for (int i = 0; i < left.length; i++) {
      result[i] = Matching.apply(operator, left[i], right[i]);
    }
    return result;
  }

  static StepMatrix vectorScalar(BinaryOperator operator, StepMatrix vector, double[] scalar, boolean scalarOnLeft, boolean returnBool) {
    List<StepMatrix.Row> rows = new ArrayList<>(vector.rows.size());
    boolean filter = operator.comparison() && !returnBool;
    for (StepMatrix.Row row : vector.rows) {
      StepMatrix.Row out = new StepMatrix.Row(row.labels, vector.steps());
      for (int step = 0; step < out.values.length; step++) {
        if (!row.present[step]) {
          continue;
        }
        double sample = row.values[step];
        double result = scalarOnLeft ? Matching.apply(operator, scalar[step], sample) : Matching.apply(operator, sample, scalar[step]);
        if (filter) {
          if (result == 1) {
            out.set(step, sample);
          }
        } else {
          out.set(step, result);
        }
      }
      if (!out.isEmpty()) {
        rows.add(out);
      }
    }
    return new StepMatrix(vector.grid, rows);
  }

  static StepMatrix vectorVector(BinaryOperator operator, VectorMatching matching, boolean returnBool, StepMatrix left, StepMatrix right)
      throws MetricEvaluationException {
    if (operator.setOperator()) {
      return setOperation(operator, matching, left, right);
    }
    boolean oneToMany = Matching.cardinality(matching) == VectorMatching.Cardinality.ONE_TO_MANY;
    // As Loki does, the "many" side is put on the left and the values are swapped back to compute.
    StepMatrix many = oneToMany ? right : left;
    StepMatrix one = oneToMany ? left : right;
    Labels[] manySignatures = signatures(matching, many);
    Labels[] oneSignatures = signatures(matching, one);
    Map<Long, Labels> resultLabelsOfPair = new HashMap<>();
    boolean filter = operator.comparison() && !returnBool;
    StepMatrix.Builder out = new StepMatrix.Builder(many.grid);
    Map<Labels, Integer> oneBySignature = new HashMap<>();
    Map<Labels, Set<Labels>> matched = new HashMap<>();
    for (int step = 0; step < many.steps(); step++) {
      oneBySignature.clear();
      matched.clear();
      for (int r = 0; r < one.rows.size(); r++) {
        if (!one.rows.get(r).present[step]) {
          continue;
        }
        if (oneBySignature.putIfAbsent(oneSignatures[r], r) != null) {
          throw new MetricEvaluationException(
              "found duplicate series on the " + (oneToMany ? "left" : "right")
                  + " hand-side;many-to-many matching not allowed: matching labels must be unique on one side");
        }
      }
      for (int m = 0; m < many.rows.size(); m++) {
        StepMatrix.Row manyRow = many.rows.get(m);
        if (!manyRow.present[step]) {
          continue;
        }
        Integer o = oneBySignature.get(manySignatures[m]);
        if (o == null) {
          continue;
        }
        StepMatrix.Row oneRow = one.rows.get(o);
        long pair = (long) m * one.rows.size() + o;
        Labels result = resultLabelsOfPair.computeIfAbsent(pair, p -> Matching.resultLabels(matching, manyRow.labels, oneRow.labels));
        Set<Labels> inserted = matched.get(manySignatures[m]);
        if (Matching.cardinality(matching) == VectorMatching.Cardinality.ONE_TO_ONE) {
          if (inserted != null) {
            throw new MetricEvaluationException("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
          }
          matched.put(manySignatures[m], Set.of());
        } else {
          if (inserted == null) {
            inserted = new HashSet<>();
            matched.put(manySignatures[m], inserted);
          } else if (inserted.contains(result)) {
            throw new MetricEvaluationException("multiple matches for labels: grouping labels must ensure unique matches");
          }
          inserted.add(result);
        }
        double leftValue = oneToMany ? oneRow.values[step] : manyRow.values[step];
        double rightValue = oneToMany ? manyRow.values[step] : oneRow.values[step];
        double value = Matching.apply(operator, leftValue, rightValue);
        if (filter) {
          if (value != 1) {
            continue;
          }
          value = leftValue;
        }
        out.setUnique(result, step, value);
      }
    }
    return out.build();
  }

  private static Labels[] signatures(VectorMatching matching, StepMatrix matrix) {
    Labels[] signatures = new Labels[matrix.rows.size()];
    for (int i = 0; i < signatures.length; i++) {
      signatures[i] = Matching.signature(matching, matrix.rows.get(i).labels);
    }
    return signatures;
  }

  private static StepMatrix setOperation(BinaryOperator operator, VectorMatching matching, StepMatrix left, StepMatrix right)
      throws MetricEvaluationException {
    Labels[] leftSignatures = signatures(matching, left);
    Labels[] rightSignatures = signatures(matching, right);
    StepMatrix.Builder out = new StepMatrix.Builder(left.grid);
    Set<Labels> present = new HashSet<>();
    for (int step = 0; step < left.steps(); step++) {
      present.clear();
      // "or" looks up the left side's signatures; "and" and "unless" the right side's.
      StepMatrix lookup = operator == BinaryOperator.OR ? left : right;
      Labels[] lookupSignatures = operator == BinaryOperator.OR ? leftSignatures : rightSignatures;
      for (int r = 0; r < lookup.rows.size(); r++) {
        if (lookup.rows.get(r).present[step]) {
          present.add(lookupSignatures[r]);
        }
      }
      for (int r = 0; r < left.rows.size(); r++) {
        StepMatrix.Row row = left.rows.get(r);
        if (!row.present[step]) {
          continue;
        }
        boolean keep =
            switch (operator) {
              case AND -> present.contains(leftSignatures[r]);
              case UNLESS -> !present.contains(leftSignatures[r]);
              default -> true;
            };
        if (keep) {
          out.setUnique(row.labels, step, row.values[step]);
        }
      }
      if (operator == BinaryOperator.OR) {
        for (int r = 0; r < right.rows.size(); r++) {
          StepMatrix.Row row = right.rows.get(r);
          if (row.present[step] && !present.contains(rightSignatures[r])) {
            out.setUnique(row.labels, step, row.values[step]);
          }
        }
      }
    }
    return out.build();
  }
}
