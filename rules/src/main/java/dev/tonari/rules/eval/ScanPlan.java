package dev.tonari.rules.eval;

import dev.tonari.logql.BinaryOperation;
import dev.tonari.logql.LabelReplace;
import dev.tonari.logql.LiteralExpr;
import dev.tonari.logql.LogRange;
import dev.tonari.logql.Matcher;
import dev.tonari.logql.RangeAggregation;
import dev.tonari.logql.SampleExpr;
import dev.tonari.logql.VectorAggregation;
import dev.tonari.logql.VectorExpr;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which store reads of one evaluation cycle can be shared: every range aggregation of the cycle's
 * expressions reads its stream selector over {@code (t - offset - range, t - offset]} (what the
 * metric engine documents, as {@code [from, to)} with {@code from = t - offset - range + 1ns});
 * reads of the same selector (matchers compared as a set) are planned as one read of the union of
 * their ranges, which each of them then takes its own part of.
 */
final class ScanPlan {
  /** One selector's reads in the cycle. */
  static final class Use {
    final List<Matcher> matchers;
    long fromNanos = Long.MAX_VALUE;
    long toNanos = Long.MIN_VALUE;
    int reads;

    Use(List<Matcher> matchers) {
      this.matchers = matchers;
    }
  }

  private final String tenant;
  private final Map<List<Matcher>, Use> uses;

  private ScanPlan(String tenant, Map<List<Matcher>, Use> uses) {
    this.tenant = tenant;
    this.uses = uses;
  }

  static ScanPlan of(String tenant, Instant at, Collection<SampleExpr> expressions) {
    long atNanos = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    Map<List<Matcher>, Use> uses = new HashMap<>();
    List<LogRange> ranges = new ArrayList<>();
    for (SampleExpr expr : expressions) {
      collect(expr, ranges);
    }
    for (LogRange range : ranges) {
      List<Matcher> key = canonical(range.selector().matchers());
      long to = atNanos - range.offset().toNanos() + 1;
      long from = to - range.range().toNanos();
      Use use = uses.computeIfAbsent(key, Use::new);
      use.fromNanos = Math.min(use.fromNanos, from);
      use.toNanos = Math.max(use.toNanos, to);
      use.reads++;
    }
    uses.values().removeIf(use -> use.reads < 2);
    return new ScanPlan(tenant, uses);
  }

  private static void collect(SampleExpr expr, List<LogRange> ranges) {
    switch (expr) {
      case RangeAggregation aggregation -> ranges.add(aggregation.range());
      case VectorAggregation aggregation -> collect(aggregation.inner(), ranges);
      case BinaryOperation operation -> {
        collect(operation.left(), ranges);
        collect(operation.right(), ranges);
      }
      case LabelReplace replace -> collect(replace.inner(), ranges);
      case LiteralExpr literal -> {}
      case VectorExpr vector -> {}
    }
  }

  /** Matchers in one order, so that {@code {a="1",b="2"}} and {@code {b="2",a="1"}} are one selector. */
  static List<Matcher> canonical(List<Matcher> matchers) {
    List<Matcher> sorted = new ArrayList<>(matchers);
    sorted.sort(Comparator.comparing(Matcher::name).thenComparing(Matcher::type).thenComparing(Matcher::value));
    return List.copyOf(sorted);
  }

  String tenant() {
    return tenant;
  }

  /** The planned shared read of these matchers, or null when only one rule reads them. */
  Use use(List<Matcher> canonicalMatchers) {
    return uses.get(canonicalMatchers);
  }

  boolean isEmpty() {
    return uses.isEmpty();
  }

  int sharedSelectors() {
    return uses.size();
  }
}
