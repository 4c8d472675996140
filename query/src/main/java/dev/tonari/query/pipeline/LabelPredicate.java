package dev.tonari.query.pipeline;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.tonari.logql.AndLabelFilter;
import dev.tonari.logql.BytesLabelFilter;
import dev.tonari.logql.ComparisonOperator;
import dev.tonari.logql.DurationLabelFilter;
import dev.tonari.logql.IpLabelFilter;
import dev.tonari.logql.LabelFilterExpr;
import dev.tonari.logql.Matcher;
import dev.tonari.logql.NumericLabelFilter;
import dev.tonari.logql.OrLabelFilter;
import dev.tonari.logql.StringLabelFilter;
import dev.tonari.query.template.GoFormat;
import dev.tonari.query.template.GoNumbers;
import dev.tonari.query.template.GoUnits;

/**
 * A compiled label filter with Loki's semantics: string matchers test the value (a missing label
 * is empty) and work on lines with errors, so {@code __error__=""} removes them; numeric, duration,
 * bytes and ip filters pass lines that already have an error, drop lines without the label, and
 * mark lines whose value does not convert with {@code __error__=LabelFilterErr} (keeping them).
 * {@code or} skips its right side when the left passes; {@code and} evaluates both, as Loki does.
 */
abstract sealed class LabelPredicate {
  abstract boolean test(LabelsBuilder labels);

  static LabelPredicate compile(LabelFilterExpr expression) throws PipelineCompileException {
    return switch (expression) {
      case AndLabelFilter and -> new Binary(compile(and.left()), compile(and.right()), true);
      case OrLabelFilter or -> new Binary(compile(or.left()), compile(or.right()), false);
      case StringLabelFilter string -> new StringMatch(string.matcher());
      case NumericLabelFilter numeric -> new Numeric(numeric.name(), numeric.operator(), numeric.value());
      case DurationLabelFilter duration -> new DurationFilter(duration.name(), duration.operator(), duration.value().toNanos());
      case BytesLabelFilter bytes -> new BytesFilter(bytes.name(), bytes.operator(), bytes.bytes());
      case IpLabelFilter ip -> new Ip(ip.name(), ip.operator() == ComparisonOperator.NOT_EQUAL, IpRange.parse(ip.range()));
    };
  }

  static final class Binary extends LabelPredicate {
    private final LabelPredicate left;
    private final LabelPredicate right;
    private final boolean and;

    Binary(LabelPredicate left, LabelPredicate right, boolean and) {
      this.left = left;
      this.right = right;
      this.and = and;
    }

    @Override
    boolean test(LabelsBuilder labels) {
      boolean leftResult = left.test(labels);
      if (!and && leftResult) {
        return true;
      }
      boolean rightResult = right.test(labels);
      return and ? leftResult && rightResult : rightResult;
    }
  }

  static final class StringMatch extends LabelPredicate {
    private final String name;
    private final String value;
    private final Pattern pattern;
    private final boolean negated;

    StringMatch(Matcher matcher) throws PipelineCompileException {
      this.name = matcher.name();
      this.negated = switch (matcher.type()) {
        case NOT_EQUAL, NOT_REGEX -> true;
        default -> false;
      };
      switch (matcher.type()) {
        case EQUAL, NOT_EQUAL -> {
          this.value = matcher.value();
          this.pattern = null;
        }
        default -> {
          this.value = null;
          try {
            this.pattern = Pattern.compile("^(?s:" + matcher.value() + ")$");
          } catch (PatternSyntaxException e) {
            throw new PipelineCompileException(e.getMessage(), e);
          }
        }
      }
    }

    @Override
    boolean test(LabelsBuilder labels) {
      String actual = labels.get(name);
      if (actual == null) {
        actual = "";
      }
      boolean matches = value != null ? value.equals(actual) : pattern.matches(actual);
      return matches != negated;
    }
  }

  /** Shared shape of the converting filters. */
  abstract static sealed class Converting extends LabelPredicate {
    final String name;
    final ComparisonOperator operator;

    Converting(String name, ComparisonOperator operator) {
      this.name = name;
      this.operator = operator;
    }

    @Override
    final boolean test(LabelsBuilder labels) {
      if (labels.hasError()) {
        return true;
      }
      String value = labels.get(name);
      if (value == null) {
        return false;
      }
      try {
        return operator.test(compare(value));
      } catch (ConversionException e) {
        labels.setError(ErrorNames.LABEL_FILTER, e.getMessage());
        return true;
      }
    }

    abstract int compare(String value) throws ConversionException;
  }

  static final class ConversionException extends Exception {
    private static final long serialVersionUID = 1L;

    ConversionException(String message) {
      super(message, null, false, false);
    }
  }

  static final class Numeric extends Converting {
    private final double expected;

    Numeric(String name, ComparisonOperator operator, double expected) {
      super(name, operator);
      this.expected = expected;
    }

    @Override
    int compare(String value) throws ConversionException {
      Double actual = GoNumbers.parseFloat(value);
      if (actual == null) {
        throw new ConversionException("strconv.ParseFloat: parsing " + GoFormat.quote(value) + ": invalid syntax");
      }
      if (actual.isNaN()) {
        // NaN equals nothing and orders with nothing: return a comparison that fails every operator but !=.
        return switch (operator) {
          case GREATER, GREATER_OR_EQUAL -> -1;
          default -> 1;
        };
      }
      return actual == expected ? 0 : actual < expected ? -1 : 1;
    }
  }

  static final class DurationFilter extends Converting {
    private final long expectedNanos;

    DurationFilter(String name, ComparisonOperator operator, long expectedNanos) {
      super(name, operator);
      this.expectedNanos = expectedNanos;
    }

    @Override
    int compare(String value) throws ConversionException {
      try {
        return Long.compare(GoUnits.parseDurationNanos(value), expectedNanos);
      } catch (GoUnits.UnitException e) {
        throw new ConversionException(e.getMessage());
      }
    }
  }

  static final class BytesFilter extends Converting {
    private final long expectedBytes;

    BytesFilter(String name, ComparisonOperator operator, long expectedBytes) {
      super(name, operator);
      this.expectedBytes = expectedBytes;
    }

    @Override
    int compare(String value) throws ConversionException {
      try {
        double actual = GoUnits.parseBytes(value);
        // Loki compares uint64s; doubles hold byte sizes exactly up to 2^53, ample for label values.
        return Double.compare(actual, expectedBytes < 0 ? expectedBytes + 18446744073709551616.0 : expectedBytes);
      } catch (GoUnits.UnitException e) {
        throw new ConversionException(e.getMessage());
      }
    }
  }

  static final class Ip extends LabelPredicate {
    private final String name;
    private final boolean negated;
    private final IpRange range;

    Ip(String name, boolean negated, IpRange range) {
      this.name = name;
      this.negated = negated;
      this.range = range;
    }

    @Override
    boolean test(LabelsBuilder labels) {
      if (labels.hasError()) {
        return true;
      }
      String value = labels.get(name);
      if (value == null) {
        return false;
      }
      return range.contains(value) != negated;
    }
  }
}
