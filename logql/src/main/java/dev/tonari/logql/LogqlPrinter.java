package dev.tonari.logql;

import java.util.List;

/**
 * Turns an {@link Expr} into canonical LogQL on one line, in the spirit of Loki's
 * {@code format_query}: {@code sum by (app) (rate({env="prod"} | logfmt | status >= 500 [5m]))}.
 * Parsing the output gives back an equal expression ({@code parse(print(x)).equals(x)}), so
 * parentheses appear only where precedence needs them, durations use the largest exact units
 * ({@code 1h30m}, {@code 1d}), byte sizes an exact unit ({@code 20MB}, {@code 1KiB}), and numbers
 * their shortest exact decimal form.
 *
 * <p>Values LogQL has no literal for are spelled as constant expressions that fold back to them:
 * NaN as {@code (0 / 0)}, infinities as {@code (2 ^ 1024)} and {@code (-2 ^ 1025)}.
 */
public final class LogqlPrinter {
  private LogqlPrinter() {}

  public static String print(Expr expr) {
    StringBuilder out = new StringBuilder();
    switch (expr) {
      case LogSelectorExpr selector -> appendLogSelector(out, selector);
      case SampleExpr sample -> appendSample(out, sample);
    }
    return out.toString();
  }

  /** The selector part alone, {@code {a="1", b!~"x"}}. */
  public static String printMatchers(List<Matcher> matchers) {
    StringBuilder out = new StringBuilder();
    appendMatchers(out, matchers);
    return out.toString();
  }

  /** A label filter as it appears after {@code |}, such as {@code status >= 500 and level="error"}. */
  public static String printLabelFilter(LabelFilterExpr filter) {
    StringBuilder out = new StringBuilder();
    appendLabelFilter(out, filter);
    return out.toString();
  }

  /** A number as LogQL spells it: {@code 5}, {@code 0.25}, {@code 1e-07}, {@code -3}. */
  public static String formatNumber(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    if (value == 0) {
      return (1 / value < 0) ? "-0.0" : "0";
    }
    java.math.BigDecimal exact = new java.math.BigDecimal(Double.toString(value)).stripTrailingZeros();
    int exponent = exact.precision() - exact.scale() - 1;
    if (exponent < -4 || exponent >= 21) {
      String digits = exact.unscaledValue().abs().toString();
      StringBuilder out = new StringBuilder(value < 0 ? "-" : "");
      out.append(digits.charAt(0));
      if (digits.length() > 1) {
        out.append('.').append(digits, 1, digits.length());
      }
      out.append('e').append(exponent < 0 ? '-' : '+');
      int magnitude = Math.abs(exponent);
      if (magnitude < 10) {
        out.append('0');
      }
      return out.append(magnitude).toString();
    }
    return exact.toPlainString();
  }

  private static void appendSample(StringBuilder out, SampleExpr expr) {
    switch (expr) {
      case RangeAggregation aggregation -> appendRangeAggregation(out, aggregation);
      case VectorAggregation aggregation -> appendVectorAggregation(out, aggregation);
      case BinaryOperation operation -> appendBinaryOperation(out, operation);
      case LiteralExpr literal -> appendLiteral(out, literal.value());
      case VectorExpr vector -> out.append("vector(").append(formatNumber(vector.value())).append(')');
      case LabelReplace replace -> {
        out.append("label_replace(");
        appendSample(out, replace.inner());
        for (String argument : List.of(replace.destination(), replace.replacement(), replace.source(), replace.regex())) {
          out.append(", ");
          appendQuoted(out, argument);
        }
        out.append(')');
      }
    }
  }

  private static void appendLiteral(StringBuilder out, double value) {
    if (Double.isNaN(value)) {
      out.append("(0 / 0)");
    } else if (value == Double.POSITIVE_INFINITY) {
      out.append("(2 ^ 1024)");
    } else if (value == Double.NEGATIVE_INFINITY) {
      out.append("(-2 ^ 1025)");
    } else {
      out.append(formatNumber(value));
    }
  }

  private static void appendRangeAggregation(StringBuilder out, RangeAggregation aggregation) {
    out.append(aggregation.operation().functionName()).append('(');
    if (aggregation.parameter() != null) {
      out.append(formatNumber(aggregation.parameter())).append(", ");
    }
    LogRange range = aggregation.range();
    appendLogSelector(out, range.selector());
    Unwrap unwrap = range.unwrap();
    if (unwrap != null) {
      out.append(" | unwrap ");
      if (unwrap.conversion() == UnwrapConversion.NONE) {
        out.append(unwrap.label());
      } else {
        out.append(unwrap.conversion().functionName()).append('(').append(unwrap.label()).append(')');
      }
      for (LabelFilterExpr filter : unwrap.postFilters()) {
        out.append(" | ");
        appendLabelFilter(out, filter);
      }
    }
    out.append(" [").append(LogqlUnits.formatDuration(range.range())).append(']');
    if (!range.offset().isZero()) {
      out.append(" offset ").append(LogqlUnits.formatDuration(range.offset()));
    }
    out.append(')');
    if (aggregation.grouping() != null) {
      out.append(' ');
      appendGrouping(out, aggregation.grouping());
    }
  }

  private static void appendVectorAggregation(StringBuilder out, VectorAggregation aggregation) {
    out.append(aggregation.operation().functionName());
    if (aggregation.grouping() != null) {
      out.append(' ');
      appendGrouping(out, aggregation.grouping());
      out.append(' ');
    }
    out.append('(');
    if (aggregation.parameter() != null) {
      out.append(aggregation.parameter()).append(", ");
    }
    appendSample(out, aggregation.inner());
    out.append(')');
  }

  private static void appendGrouping(StringBuilder out, Grouping grouping) {
    out.append(grouping.without() ? "without " : "by ");
    appendLabelList(out, grouping.labels());
  }

  private static void appendLabelList(StringBuilder out, List<String> labels) {
    out.append('(').append(String.join(", ", labels)).append(')');
  }

  private static void appendBinaryOperation(StringBuilder out, BinaryOperation operation) {
    BinaryOperator operator = operation.operator();
    appendOperand(out, operation.left(), operator, true);
    out.append(' ').append(operator.symbol());
    if (operation.returnBool()) {
      out.append(" bool");
    }
    VectorMatching matching = operation.matching();
    StringBuilder right = new StringBuilder();
    appendOperand(right, operation.right(), operator, false);
    if (matching != null) {
      out.append(matching.on() ? " on " : " ignoring ");
      appendLabelList(out, matching.matchingLabels());
      if (matching.cardinality() != VectorMatching.Cardinality.ONE_TO_ONE) {
        out.append(matching.cardinality() == VectorMatching.Cardinality.MANY_TO_ONE ? " group_left" : " group_right");
        // A parenthesis right after group_left would be read as its label list.
        if (!matching.include().isEmpty() || right.charAt(0) == '(') {
          out.append(' ');
          appendLabelList(out, matching.include());
        }
      }
    }
    out.append(' ').append(right);
  }

  private static void appendOperand(StringBuilder out, SampleExpr operand, BinaryOperator parent, boolean leftSide) {
    boolean parenthesise = false;
    if (operand instanceof BinaryOperation child) {
      int childPrecedence = child.operator().precedence();
      if (childPrecedence < parent.precedence()) {
        parenthesise = true;
      } else if (childPrecedence == parent.precedence()) {
        // Same level: left-associative operators group to the left, ^ to the right.
        parenthesise = parent.rightAssociative() == leftSide;
      }
    }
    if (parenthesise) {
      out.append('(');
      appendSample(out, operand);
      out.append(')');
    } else {
      appendSample(out, operand);
    }
  }

  private static void appendLogSelector(StringBuilder out, LogSelectorExpr selector) {
    appendMatchers(out, selector.matchers());
    for (PipelineStage stage : selector.pipeline()) {
      if (stage instanceof LineFilter filter) {
        appendLineFilter(out, filter);
        continue;
      }
      out.append(" | ");
      switch (stage) {
        case LineFilter filter -> throw new IllegalStateException("handled above: " + filter);
        case JsonParser parser -> {
          out.append("json");
          appendExtractions(out, parser.extractions());
        }
        case LogfmtParser parser -> {
          out.append("logfmt");
          if (parser.strict()) {
            out.append(" --strict");
          }
          if (parser.keepEmpty()) {
            out.append(" --keep-empty");
          }
          appendExtractions(out, parser.extractions());
        }
        case RegexpParser parser -> {
          out.append("regexp ");
          appendQuoted(out, parser.pattern());
        }
        case PatternParser parser -> {
          out.append("pattern ");
          appendQuoted(out, parser.pattern());
        }
        case UnpackParser parser -> out.append("unpack");
        case Decolorize decolorize -> out.append("decolorize");
        case LabelFilterStage filter -> appendLabelFilter(out, filter.filter());
        case LineFormat format -> {
          out.append("line_format ");
          appendQuoted(out, format.template());
        }
        case LabelFormat format -> {
          out.append("label_format ");
          for (int i = 0; i < format.formattings().size(); i++) {
            if (i > 0) {
              out.append(", ");
            }
            switch (format.formattings().get(i)) {
              case LabelFormatting.Rename rename -> out.append(rename.destination()).append('=').append(rename.source());
              case LabelFormatting.Template template -> {
                out.append(template.destination()).append('=');
                appendQuoted(out, template.template());
              }
            }
          }
        }
        case DropLabels drop -> {
          out.append("drop ");
          appendLabelMatchersOrNames(out, drop.labels());
        }
        case KeepLabels keep -> {
          out.append("keep ");
          appendLabelMatchersOrNames(out, keep.labels());
        }
      }
    }
  }

  private static void appendExtractions(StringBuilder out, List<LabelExtraction> extractions) {
    for (int i = 0; i < extractions.size(); i++) {
      out.append(i == 0 ? " " : ", ");
      out.append(extractions.get(i).label()).append('=');
      appendQuoted(out, extractions.get(i).expression());
    }
  }

  private static void appendLabelMatchersOrNames(StringBuilder out, List<LabelMatcherOrName> labels) {
    for (int i = 0; i < labels.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      switch (labels.get(i)) {
        case LabelMatcherOrName.Name name -> out.append(name.name());
        case LabelMatcherOrName.Match match -> appendMatcher(out, match.matcher());
      }
    }
  }

  private static void appendLabelFilter(StringBuilder out, LabelFilterExpr filter) {
    switch (filter) {
      case StringLabelFilter string -> appendMatcher(out, string.matcher());
      case NumericLabelFilter numeric ->
          out.append(numeric.name()).append(' ').append(numeric.operator().operator()).append(' ').append(formatNumber(numeric.value()));
      case DurationLabelFilter duration ->
          out.append(duration.name()).append(' ').append(duration.operator().operator()).append(' ').append(LogqlUnits.formatGoDuration(duration.value()));
      case BytesLabelFilter bytes ->
          out.append(bytes.name()).append(' ').append(bytes.operator().operator()).append(' ').append(LogqlUnits.formatBytes(bytes.bytes()));
      case IpLabelFilter ip -> {
        out.append(ip.name()).append(ip.operator() == ComparisonOperator.EQUAL ? " = ip(" : " != ip(");
        appendQuoted(out, ip.range());
        out.append(')');
      }
      case AndLabelFilter and -> {
        // and binds tighter than or and groups to the left.
        appendLabelFilterOperand(out, and.left(), and.left() instanceof OrLabelFilter);
        out.append(" and ");
        appendLabelFilterOperand(out, and.right(), and.right() instanceof OrLabelFilter || and.right() instanceof AndLabelFilter);
      }
      case OrLabelFilter or -> {
        appendLabelFilter(out, or.left());
        out.append(" or ");
        appendLabelFilterOperand(out, or.right(), or.right() instanceof OrLabelFilter);
      }
    }
  }

  private static void appendLabelFilterOperand(StringBuilder out, LabelFilterExpr filter, boolean parenthesise) {
    if (parenthesise) {
      out.append('(');
      appendLabelFilter(out, filter);
      out.append(')');
    } else {
      appendLabelFilter(out, filter);
    }
  }

  private static void appendMatchers(StringBuilder out, List<Matcher> matchers) {
    out.append('{');
    for (int i = 0; i < matchers.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      appendMatcher(out, matchers.get(i));
    }
    out.append('}');
  }

  private static void appendMatcher(StringBuilder out, Matcher matcher) {
    out.append(matcher.name()).append(matcher.type().operator());
    appendQuoted(out, matcher.value());
  }

  private static void appendLineFilter(StringBuilder out, LineFilter filter) {
    out.append(' ').append(filter.operator().operator()).append(' ');
    for (int i = 0; i < filter.alternatives().size(); i++) {
      if (i > 0) {
        out.append(" or ");
      }
      switch (filter.alternatives().get(i)) {
        case LineFilterTerm.Text text -> appendQuoted(out, text.value());
        case LineFilterTerm.Ip ip -> {
          out.append("ip(");
          appendQuoted(out, ip.range());
          out.append(')');
        }
      }
    }
  }

  /** Appends a double-quoted string with Go's escapes, as Go's strconv.Quote writes it. */
  public static void appendQuoted(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\u0007' -> out.append("\\a");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\u000b' -> out.append("\\v");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else if (c >= 0x80 && c <= 0x9f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
