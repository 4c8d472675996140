package dev.tonari.logql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses LogQL text into an {@link Expr}, with Loki's grammar, error messages and validation:
 * regular expressions must compile, a selector needs at least one matcher that does not match the
 * empty value (so that no query silently reads every stream of a tenant), range functions need or
 * refuse an {@code unwrap} as Loki's do.
 *
 * <p>Hand-written recursive descent, one token of look-ahead, no backtracking: the time taken is
 * linear in the input (bounded to {@link #MAX_INPUT_SIZE} characters as in Loki) and the nesting
 * depth is bounded by {@link #MAX_NESTING} so that hostile input cannot overflow the stack. Loki's
 * yacc grammar decides some ambiguities by shifting; the comments at those places say how this
 * parser reproduces the same trees.
 *
 * <p>Errors are {@link LogqlParseException}s: syntax errors carry a position; semantic errors
 * (Loki's {@code parse error : ...} form) are reported only when the whole text is syntactically
 * valid, as Loki collects them during parsing and reports them afterwards.
 */
public final class LogqlParser {
  /** Longest query text accepted, as Loki's parser limits it. */
  public static final int MAX_INPUT_SIZE = 5120;

  /** Deepest nesting of parentheses, aggregations and label filters accepted. */
  static final int MAX_NESTING = 200;

  static final String EMPTY_COMPATIBLE_SELECTOR =
      "queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will";

  private final Lexer lexer;
  private Token current;
  private int depth;
  /** The first semantic error met, reported once the text has parsed without syntax errors. */
  private LogqlParseException semanticError;

  private LogqlParser(String text) throws LogqlParseException {
    this.lexer = new Lexer(text);
    this.current = lexer.next();
  }

  /** Parses and validates a query. */
  public static Expr parse(String query) throws LogqlParseException {
    if (query.length() >= MAX_INPUT_SIZE) {
      throw LogqlParseException.withoutPosition("input size too long (" + query.length() + " > " + MAX_INPUT_SIZE + ")");
    }
    LogqlParser parser = new LogqlParser(query);
    Expr expr = parser.expression();
    if (parser.current.type() != TokenType.END) {
      throw parser.unexpected();
    }
    if (parser.semanticError != null) {
      throw parser.semanticError;
    }
    validate(expr);
    return expr;
  }

  /**
   * Parses a query that must be a log query; a valid metric query is refused with
   * {@link LogqlParseException#unsupported()} set.
   */
  public static LogSelectorExpr parseLogSelector(String query) throws LogqlParseException {
    return switch (parse(query)) {
      case LogSelectorExpr selector -> selector;
      // Loki's wording, plus a hint for callers that have no metric path yet; flagged unsupported rather than invalid.
      case SampleExpr sample -> throw LogqlParseException.unsupported("only log selector is supported (metric queries are not supported yet here)", 0, 0);
    };
  }

  /** Parses a query that must be a metric query. */
  public static SampleExpr parseSampleExpr(String query) throws LogqlParseException {
    return switch (parse(query)) {
      case SampleExpr sample -> sample;
      case LogSelectorExpr selector -> throw LogqlParseException.withoutPosition("only sample expression supported");
    };
  }

  /** Parses a bare stream selector such as {@code {app="api"}}, as the series and label APIs take. */
  public static List<Matcher> parseMatchers(String query) throws LogqlParseException {
    LogSelectorExpr selector = parseLogSelector(query);
    if (!selector.pipeline().isEmpty()) {
      throw LogqlParseException.withoutPosition("only label matchers is supported");
    }
    return selector.matchers();
  }

  // ---------------------------------------------------------------- expressions and binary operators

  private Expr expression() throws LogqlParseException {
    return binary(1);
  }

  /** Precedence climbing over Loki's (PromQL's) binary operators; {@code ^} is right-associative. */
  private Expr binary(int minimumPrecedence) throws LogqlParseException {
    Expr left = primary();
    while (true) {
      BinaryOperator operator = binaryOperator(current);
      if (operator == null || operator.precedence() < minimumPrecedence) {
        return left;
      }
      advance();
      enter();
      boolean returnBool = false;
      if (current.isKeyword("bool")) {
        returnBool = true;
        advance();
      }
      VectorMatching matching = vectorMatching();
      Expr right = binary(operator.rightAssociative() ? operator.precedence() : operator.precedence() + 1);
      leave();
      left = combine(operator, left, right, returnBool, matching);
    }
  }

  private static BinaryOperator binaryOperator(Token token) {
    return switch (token.type()) {
      case ADD -> BinaryOperator.ADD;
      case SUB -> BinaryOperator.SUBTRACT;
      case MUL -> BinaryOperator.MULTIPLY;
      case DIV -> BinaryOperator.DIVIDE;
      case MOD -> BinaryOperator.MODULO;
      case POW -> BinaryOperator.POWER;
      case CMP_EQ -> BinaryOperator.EQUAL;
      case NEQ -> BinaryOperator.NOT_EQUAL;
      case GT -> BinaryOperator.GREATER;
      case GTE -> BinaryOperator.GREATER_OR_EQUAL;
      case LT -> BinaryOperator.LESS;
      case LTE -> BinaryOperator.LESS_OR_EQUAL;
      case KEYWORD ->
          switch (token.text()) {
            case "or" -> BinaryOperator.OR;
            case "and" -> BinaryOperator.AND;
            case "unless" -> BinaryOperator.UNLESS;
            default -> null;
          };
      default -> null;
    };
  }

  /** {@code on (a) group_left (b)} and the like; null when absent. */
  private VectorMatching vectorMatching() throws LogqlParseException {
    boolean on;
    if (current.isKeyword("on")) {
      on = true;
    } else if (current.isKeyword("ignoring")) {
      on = false;
    } else {
      return null;
    }
    advance();
    List<String> matchingLabels = labelList();
    VectorMatching.Cardinality cardinality = VectorMatching.Cardinality.ONE_TO_ONE;
    List<String> include = List.of();
    if (current.isKeyword("group_left") || current.isKeyword("group_right")) {
      cardinality = current.isKeyword("group_left") ? VectorMatching.Cardinality.MANY_TO_ONE : VectorMatching.Cardinality.ONE_TO_MANY;
      advance();
      // Like Loki's yacc grammar (which shifts), a parenthesis after group_left always opens its label list.
      if (current.type() == TokenType.OPEN_PARENTHESIS) {
        include = labelList();
      }
    }
    return new VectorMatching(on, matchingLabels, cardinality, include);
  }

  /** Builds a binary operation with Loki's checks, folding two literals into one as Loki does. */
  private Expr combine(BinaryOperator operator, Expr left, Expr right, boolean returnBool, VectorMatching matching) {
    if (!(left instanceof SampleExpr leftSample)) {
      recordSemanticError("unexpected type for left leg of binary operation (" + operator.symbol() + "): " + goTypeName(left));
      return right instanceof SampleExpr ? right : new LiteralExpr(0);
    }
    if (!(right instanceof SampleExpr rightSample)) {
      recordSemanticError("unexpected type for right leg of binary operation (" + operator.symbol() + "): " + goTypeName(right));
      return leftSample;
    }
    if (operator.setOperator()) {
      if (leftSample instanceof LiteralExpr literal) {
        recordSemanticError(String.format(Locale.ROOT, "unexpected literal for left leg of logical/set binary operation (%s): %f", operator.symbol(), literal.value()));
      } else if (rightSample instanceof LiteralExpr literal) {
        recordSemanticError(String.format(Locale.ROOT, "unexpected literal for right leg of logical/set binary operation (%s): %f", operator.symbol(), literal.value()));
      }
    }
    if (leftSample instanceof LiteralExpr leftLiteral && rightSample instanceof LiteralExpr rightLiteral) {
      return new LiteralExpr(fold(operator, leftLiteral.value(), rightLiteral.value()));
    }
    return new BinaryOperation(operator, leftSample, rightSample, returnBool, matching);
  }

  /** Loki's reduceBinOp: arithmetic as float64, division and modulo by zero give NaN, comparisons give 0 or 1. */
  static double fold(BinaryOperator operator, double left, double right) {
    return switch (operator) {
      case ADD -> left + right;
      case SUBTRACT -> left - right;
      case MULTIPLY -> left * right;
      case DIVIDE -> right == 0 ? Double.NaN : left / right;
      case MODULO -> right == 0 ? Double.NaN : goMod(left, right);
      case POWER -> Math.pow(left, right);
      case EQUAL -> left == right ? 1 : 0;
      case NOT_EQUAL -> left != right ? 1 : 0;
      case GREATER -> left > right ? 1 : 0;
      case GREATER_OR_EQUAL -> left >= right ? 1 : 0;
      case LESS -> left < right ? 1 : 0;
      case LESS_OR_EQUAL -> left <= right ? 1 : 0;
      // Set operators never reach here with literals: they are refused above.
      case OR, AND, UNLESS -> Double.NaN;
    };
  }

  /** Go's math.Mod: the result has the sign of the dividend, like Java's %, except for infinities. */
  private static double goMod(double left, double right) {
    if (Double.isInfinite(right) && !Double.isInfinite(left) && !Double.isNaN(left)) {
      return left;
    }
    return left % right;
  }

  private static String goTypeName(Expr expr) {
    if (expr instanceof LogSelectorExpr selector) {
      return selector.pipeline().isEmpty() ? "*syntax.MatchersExpr" : "*syntax.PipelineExpr";
    }
    return "*syntax." + expr.getClass().getSimpleName();
  }

  private Expr primary() throws LogqlParseException {
    switch (current.type()) {
      case OPEN_BRACE -> {
        return logSelector();
      }
      case OPEN_PARENTHESIS -> {
        advance();
        enter();
        Expr inner = expression();
        leave();
        expect(TokenType.CLOSE_PARENTHESIS, "");
        return inner;
      }
      case NUMBER, ADD, SUB -> {
        return literal();
      }
      case FUNCTION -> {
        return function();
      }
      default -> throw unexpected();
    }
  }

  /** {@code NUMBER}, {@code +NUMBER} or {@code -NUMBER}: Loki's literals carry their sign. */
  private LiteralExpr literal() throws LogqlParseException {
    boolean negative = false;
    if (current.type() == TokenType.ADD || current.type() == TokenType.SUB) {
      negative = current.type() == TokenType.SUB;
      advance();
    }
    Token number = expect(TokenType.NUMBER, "NUMBER");
    double value = parseNumber(number, "unable to parse literal as a float");
    return new LiteralExpr(negative ? -value : value);
  }

  private double parseNumber(Token number, String context) {
    try {
      return Double.parseDouble(number.text());
    } catch (NumberFormatException e) {
      recordSemanticError(context + ": strconv.ParseFloat: parsing \"" + number.text() + "\": invalid syntax");
      return 0;
    }
  }

  private SampleExpr function() throws LogqlParseException {
    Token function = current;
    String name = function.text();
    RangeOperation rangeOperation = RangeOperation.byFunctionName(name);
    if (rangeOperation != null) {
      return rangeAggregation(rangeOperation);
    }
    VectorOperation vectorOperation = VectorOperation.byFunctionName(name);
    if (vectorOperation != null) {
      return vectorAggregation(vectorOperation);
    }
    return switch (name) {
      case "vector" -> {
        advance();
        expect(TokenType.OPEN_PARENTHESIS, "(");
        Token number = expect(TokenType.NUMBER, "NUMBER");
        expect(TokenType.CLOSE_PARENTHESIS, ")");
        yield new VectorExpr(parseNumber(number, "unable to parse vectorExpr as a float"));
      }
      case "label_replace" -> labelReplace();
      // approx_topk is Loki's probabilistic topk, meant for its sharded query frontend.
      case "approx_topk" -> throw LogqlParseException.unsupported("approx_topk is not supported", function.line(), function.column());
      // bytes, duration, duration_seconds and ip are functions only inside unwrap and filters.
      default -> throw unexpected();
    };
  }

  private SampleExpr rangeAggregation(RangeOperation operation) throws LogqlParseException {
    advance();
    expect(TokenType.OPEN_PARENTHESIS, "(");
    enter();
    Token parameterToken = null;
    if (current.type() == TokenType.NUMBER) {
      parameterToken = current;
      advance();
      expect(TokenType.COMMA, ",");
    }
    LogRange range = logRange();
    leave();
    expect(TokenType.CLOSE_PARENTHESIS, ")");
    Grouping grouping = null;
    if (current.isKeyword("by") || current.isKeyword("without")) {
      grouping = grouping();
    }
    Double parameter = null;
    if (parameterToken != null) {
      if (operation != RangeOperation.QUANTILE_OVER_TIME) {
        recordSemanticError("parameter " + parameterToken.text() + " not supported for operation " + operation.functionName());
      } else {
        parameter = parseNumber(parameterToken, "invalid parameter for operation " + operation.functionName());
      }
    } else if (operation == RangeOperation.QUANTILE_OVER_TIME) {
      recordSemanticError("parameter required for operation " + operation.functionName());
    }
    if (grouping != null && !operation.groupingAllowed()) {
      recordSemanticError("grouping not allowed for " + operation.functionName() + " aggregation");
    } else if (range.unwrap() != null && operation.unwrapping() == RangeOperation.Unwrapping.FORBIDDEN) {
      recordSemanticError("invalid aggregation " + operation.functionName() + " with unwrap");
    } else if (range.unwrap() == null && operation.unwrapping() == RangeOperation.Unwrapping.REQUIRED) {
      recordSemanticError("invalid aggregation " + operation.functionName() + " without unwrap");
    }
    if (operation == RangeOperation.QUANTILE_OVER_TIME && parameter == null) {
      parameter = 0.0;
    }
    return new RangeAggregation(operation, range, parameter, grouping);
  }

  /**
   * The argument of a range function. Loki accepts the range right after the selector or after the
   * pipeline ({@code {a="b"}[5m] | json} and {@code {a="b"} | json [5m]} are the same), the offset
   * right after the range, an unwrap at the end of the pipeline, and parentheses around the selector
   * and pipeline or around the whole.
   */
  private LogRange logRange() throws LogqlParseException {
    if (current.type() == TokenType.OPEN_PARENTHESIS) {
      advance();
      enter();
      LogRange range;
      if (current.type() == TokenType.OPEN_PARENTHESIS) {
        range = logRange();
        leave();
        expect(TokenType.CLOSE_PARENTHESIS, ")");
        return range;
      }
      List<Matcher> matchers = selector();
      if (current.type() == TokenType.RANGE) {
        range = logRangeAfterSelector(matchers);
        leave();
        expect(TokenType.CLOSE_PARENTHESIS, ")");
        return range;
      }
      PipelineWithUnwrap pipeline = pipeline(true);
      leave();
      expect(TokenType.CLOSE_PARENTHESIS, ")");
      Token rangeToken = expect(TokenType.RANGE, "RANGE");
      Duration offset = offset();
      return new LogRange(new LogSelectorExpr(matchers, pipeline.stages()), (Duration) rangeToken.value(), offset, pipeline.unwrap());
    }
    if (current.type() != TokenType.OPEN_BRACE) {
      throw unexpected();
    }
    return logRangeAfterSelector(selector());
  }

  private LogRange logRangeAfterSelector(List<Matcher> matchers) throws LogqlParseException {
    if (current.type() == TokenType.RANGE) {
      Duration range = (Duration) current.value();
      advance();
      Duration offset = offset();
      PipelineWithUnwrap pipeline = pipeline(true);
      return new LogRange(new LogSelectorExpr(matchers, pipeline.stages()), range, offset, pipeline.unwrap());
    }
    PipelineWithUnwrap pipeline = pipeline(true);
    Token rangeToken = expect(TokenType.RANGE, "RANGE");
    Duration offset = offset();
    return new LogRange(new LogSelectorExpr(matchers, pipeline.stages()), (Duration) rangeToken.value(), offset, pipeline.unwrap());
  }

  private Duration offset() throws LogqlParseException {
    if (!current.isKeyword("offset")) {
      return Duration.ZERO;
    }
    advance();
    return (Duration) expect(TokenType.DURATION, "DURATION").value();
  }

  private SampleExpr vectorAggregation(VectorOperation operation) throws LogqlParseException {
    advance();
    Grouping grouping = null;
    if (current.isKeyword("by") || current.isKeyword("without")) {
      grouping = grouping();
    }
    expect(TokenType.OPEN_PARENTHESIS, "(");
    enter();
    Token parameterToken = null;
    if (current.type() == TokenType.NUMBER) {
      // A number first is topk's k, unless it is the whole argument (sum(1)) or starts one (sum(1 + x)).
      Token number = current;
      advance();
      if (current.type() == TokenType.COMMA) {
        advance();
        parameterToken = number;
      } else {
        pushBack(number);
      }
    }
    Expr inner = expression();
    SampleExpr innerSample = requireSample(inner);
    leave();
    expect(TokenType.CLOSE_PARENTHESIS, ")");
    if (grouping == null && (current.isKeyword("by") || current.isKeyword("without"))) {
      grouping = grouping();
    }
    Integer parameter = null;
    if (operation.parameterRequired()) {
      if (parameterToken == null) {
        recordSemanticError("parameter required for operation " + operation.functionName());
      } else {
        try {
          parameter = Integer.parseInt(parameterToken.text());
          if (parameter <= 0) {
            recordSemanticError("invalid parameter (must be greater than 0) " + operation.functionName() + "(" + parameterToken.text());
          }
        } catch (NumberFormatException e) {
          recordSemanticError("invalid parameter " + operation.functionName() + "(" + parameterToken.text() + ",");
        }
      }
      if (parameter == null) {
        parameter = 1;
      }
    } else if (parameterToken != null) {
      recordSemanticError("unsupported parameter for operation " + operation.functionName() + "(" + parameterToken.text() + ",");
    }
    if ((operation == VectorOperation.SORT || operation == VectorOperation.SORT_DESC) && grouping != null && !grouping.labels().isEmpty()) {
      recordSemanticError("sort and sort_desc doesn't allow grouping by ");
    }
    return new VectorAggregation(operation, innerSample, grouping, parameter);
  }

  private SampleExpr labelReplace() throws LogqlParseException {
    advance();
    expect(TokenType.OPEN_PARENTHESIS, "(");
    enter();
    SampleExpr inner = requireSample(expression());
    leave();
    expect(TokenType.COMMA, ",");
    String destination = expect(TokenType.STRING, "STRING").text();
    expect(TokenType.COMMA, ",");
    String replacement = expect(TokenType.STRING, "STRING").text();
    expect(TokenType.COMMA, ",");
    String source = expect(TokenType.STRING, "STRING").text();
    expect(TokenType.COMMA, ",");
    String regex = expect(TokenType.STRING, "STRING").text();
    expect(TokenType.CLOSE_PARENTHESIS, ")");
    try {
      LogqlRegex.labelMatcherPattern(regex);
    } catch (LogqlParseException e) {
      recordSemanticError("invalid regex in label_replace: " + e.reason());
    }
    return new LabelReplace(inner, destination, replacement, source, regex);
  }

  /** A metric expression is required here; Loki's grammar fails on the token after a log query. */
  private SampleExpr requireSample(Expr expr) throws LogqlParseException {
    if (expr instanceof SampleExpr sample) {
      return sample;
    }
    throw unexpected();
  }

  private Grouping grouping() throws LogqlParseException {
    boolean without = current.isKeyword("without");
    advance();
    return new Grouping(without, labelList());
  }

  /** {@code (a, b)} or {@code ()}. */
  private List<String> labelList() throws LogqlParseException {
    expect(TokenType.OPEN_PARENTHESIS, "(");
    List<String> labels = new ArrayList<>();
    if (current.type() == TokenType.CLOSE_PARENTHESIS) {
      advance();
      return labels;
    }
    while (true) {
      labels.add(expect(TokenType.IDENTIFIER, "IDENTIFIER").text());
      if (current.type() == TokenType.CLOSE_PARENTHESIS) {
        advance();
        return labels;
      }
      expect(TokenType.COMMA, ", or )");
    }
  }

  // ---------------------------------------------------------------- log queries and pipelines

  private LogSelectorExpr logSelector() throws LogqlParseException {
    List<Matcher> matchers = selector();
    PipelineWithUnwrap pipeline = pipeline(false);
    return new LogSelectorExpr(matchers, pipeline.stages());
  }

  private record PipelineWithUnwrap(List<PipelineStage> stages, Unwrap unwrap) {}

  /** Pipeline stages until one that does not belong; with {@code allowUnwrap}, an unwrap and its post-filters may end it. */
  private PipelineWithUnwrap pipeline(boolean allowUnwrap) throws LogqlParseException {
    List<PipelineStage> stages = new ArrayList<>();
    while (true) {
      LineFilterOperator operator =
          switch (current.type()) {
            case PIPE_EXACT -> LineFilterOperator.CONTAINS;
            case NEQ -> LineFilterOperator.NOT_CONTAINS;
            case PIPE_MATCH -> LineFilterOperator.MATCHES_REGEX;
            case NRE -> LineFilterOperator.NOT_MATCHES_REGEX;
            case PIPE_PATTERN -> LineFilterOperator.MATCHES_PATTERN;
            case NPA -> LineFilterOperator.NOT_MATCHES_PATTERN;
            default -> null;
          };
      if (operator != null) {
        advance();
        stages.add(lineFilter(operator));
      } else if (current.type() == TokenType.PIPE) {
        advance();
        if (current.isKeyword("unwrap")) {
          if (!allowUnwrap) {
            throw unexpected();
          }
          return new PipelineWithUnwrap(stages, unwrap());
        }
        stages.add(pipelineStage());
      } else {
        return new PipelineWithUnwrap(stages, null);
      }
    }
  }

  private Unwrap unwrap() throws LogqlParseException {
    advance();
    UnwrapConversion conversion = UnwrapConversion.NONE;
    String label;
    if (current.type() == TokenType.FUNCTION) {
      conversion =
          switch (current.text()) {
            case "bytes" -> UnwrapConversion.BYTES;
            case "duration" -> UnwrapConversion.DURATION;
            case "duration_seconds" -> UnwrapConversion.DURATION_SECONDS;
            default -> throw unexpected();
          };
      advance();
      expect(TokenType.OPEN_PARENTHESIS, "(");
      label = expect(TokenType.IDENTIFIER, "IDENTIFIER").text();
      expect(TokenType.CLOSE_PARENTHESIS, ")");
    } else {
      label = expect(TokenType.IDENTIFIER, "IDENTIFIER or BYTES_CONV or DURATION_CONV or DURATION_SECONDS_CONV").text();
    }
    List<LabelFilterExpr> postFilters = new ArrayList<>();
    while (current.type() == TokenType.PIPE) {
      advance();
      postFilters.add(labelFilter());
    }
    return new Unwrap(label, conversion, postFilters);
  }

  private PipelineStage pipelineStage() throws LogqlParseException {
    Token stage = current;
    if (stage.type() == TokenType.KEYWORD) {
      switch (stage.text()) {
        case "json" -> {
          advance();
          return new JsonParser(current.type() == TokenType.IDENTIFIER ? labelExtractions() : List.of());
        }
        case "logfmt" -> {
          advance();
          boolean strict = false;
          boolean keepEmpty = false;
          while (current.type() == TokenType.PARSER_FLAG) {
            strict |= current.text().equals("--strict");
            keepEmpty |= current.text().equals("--keep-empty");
            advance();
          }
          return new LogfmtParser(strict, keepEmpty, current.type() == TokenType.IDENTIFIER ? labelExtractions() : List.of());
        }
        case "regexp" -> {
          advance();
          String pattern = expect(TokenType.STRING, "STRING").text();
          try {
            LogqlRegex.lineFilterPattern(pattern);
          } catch (LogqlParseException e) {
            recordSemanticError(e.reason());
          }
          return new RegexpParser(pattern);
        }
        case "pattern" -> {
          advance();
          return new PatternParser(expect(TokenType.STRING, "STRING").text());
        }
        case "unpack" -> {
          advance();
          return new UnpackParser();
        }
        case "decolorize" -> {
          advance();
          return new Decolorize();
        }
        case "line_format" -> {
          advance();
          return new LineFormat(expect(TokenType.STRING, "STRING").text());
        }
        case "label_format" -> {
          advance();
          return labelFormat();
        }
        case "drop" -> {
          advance();
          return new DropLabels(labelMatchersOrNames());
        }
        case "keep" -> {
          advance();
          return new KeepLabels(labelMatchersOrNames());
        }
        default -> throw unexpected();
      }
    }
    return new LabelFilterStage(labelFilter());
  }

  private List<LabelExtraction> labelExtractions() throws LogqlParseException {
    List<LabelExtraction> extractions = new ArrayList<>();
    while (true) {
      String label = expect(TokenType.IDENTIFIER, "IDENTIFIER").text();
      if (current.type() == TokenType.EQ) {
        advance();
        extractions.add(new LabelExtraction(label, expect(TokenType.STRING, "STRING").text()));
      } else {
        extractions.add(new LabelExtraction(label, label));
      }
      if (current.type() != TokenType.COMMA) {
        return extractions;
      }
      advance();
    }
  }

  private LabelFormat labelFormat() throws LogqlParseException {
    List<LabelFormatting> formattings = new ArrayList<>();
    while (true) {
      String destination = expect(TokenType.IDENTIFIER, "IDENTIFIER").text();
      expect(TokenType.EQ, "=");
      if (current.type() == TokenType.IDENTIFIER) {
        formattings.add(new LabelFormatting.Rename(destination, current.text()));
      } else if (current.type() == TokenType.STRING) {
        formattings.add(new LabelFormatting.Template(destination, current.text()));
      } else {
        throw unexpected("IDENTIFIER or STRING");
      }
      advance();
      if (current.type() != TokenType.COMMA) {
        return new LabelFormat(formattings);
      }
      advance();
    }
  }

  private List<LabelMatcherOrName> labelMatchersOrNames() throws LogqlParseException {
    List<LabelMatcherOrName> labels = new ArrayList<>();
    while (true) {
      String name = expect(TokenType.IDENTIFIER, "IDENTIFIER").text();
      MatcherType type = matcherType(current.type());
      if (type != null) {
        advance();
        labels.add(new LabelMatcherOrName.Match(matcher(name, type, expect(TokenType.STRING, "STRING").text())));
      } else {
        labels.add(new LabelMatcherOrName.Name(name));
      }
      if (current.type() != TokenType.COMMA) {
        return labels;
      }
      advance();
    }
  }

  /**
   * A label filter expression. Loki's yacc grammar gives {@code or} lower precedence than
   * {@code and}, but a comma or plain juxtaposition has no precedence, so yacc shifts: the filter
   * right before a comma is and-ed with everything that follows ({@code a or b, c or d} is
   * {@code a or (b and (c or d))}). Such chains nest to the right; they are parsed in a loop with
   * an explicit stack, so that a long chain cannot exhaust the call stack.
   */
  private LabelFilterExpr labelFilter() throws LogqlParseException {
    enter();
    java.util.ArrayDeque<PendingConjunction> pending = new java.util.ArrayDeque<>();
    LabelFilterExpr result;
    level:
    while (true) {
      LabelFilterExpr orLeft = null;
      LabelFilterExpr andLeft = null;
      while (true) {
        LabelFilterExpr atom = labelFilterAtom();
        boolean comma = current.type() == TokenType.COMMA;
        if (comma || current.type() == TokenType.IDENTIFIER || current.type() == TokenType.OPEN_PARENTHESIS) {
          if (comma) {
            advance();
          }
          pending.push(new PendingConjunction(orLeft, andLeft, atom));
          continue level;
        }
        andLeft = andLeft == null ? atom : new AndLabelFilter(andLeft, atom);
        if (current.isKeyword("and")) {
          advance();
          continue;
        }
        orLeft = orLeft == null ? andLeft : new OrLabelFilter(orLeft, andLeft);
        andLeft = null;
        if (current.isKeyword("or")) {
          advance();
          continue;
        }
        result = orLeft;
        break level;
      }
    }
    while (!pending.isEmpty()) {
      PendingConjunction outer = pending.pop();
      LabelFilterExpr combined = new AndLabelFilter(outer.atom(), result);
      if (outer.andLeft() != null) {
        combined = new AndLabelFilter(outer.andLeft(), combined);
      }
      if (outer.orLeft() != null) {
        combined = new OrLabelFilter(outer.orLeft(), combined);
      }
      result = combined;
    }
    leave();
    return result;
  }

  /** A filter followed by a comma (or juxtaposed), waiting for the rest of the chain: {@code orLeft or andLeft and atom, <rest>}. */
  private record PendingConjunction(LabelFilterExpr orLeft, LabelFilterExpr andLeft, LabelFilterExpr atom) {}

  private LabelFilterExpr labelFilterAtom() throws LogqlParseException {
    if (current.type() == TokenType.OPEN_PARENTHESIS) {
      advance();
      LabelFilterExpr inner = labelFilter();
      expect(TokenType.CLOSE_PARENTHESIS, ")");
      return inner;
    }
    String name = expect(TokenType.IDENTIFIER, "").text();
    TokenType operatorType = current.type();
    ComparisonOperator comparison =
        switch (operatorType) {
          case EQ, CMP_EQ -> ComparisonOperator.EQUAL;
          case NEQ -> ComparisonOperator.NOT_EQUAL;
          case GT -> ComparisonOperator.GREATER;
          case GTE -> ComparisonOperator.GREATER_OR_EQUAL;
          case LT -> ComparisonOperator.LESS;
          case LTE -> ComparisonOperator.LESS_OR_EQUAL;
          case RE, NRE -> null;
          default -> throw unexpected();
        };
    advance();
    Token value = current;
    switch (value.type()) {
      case STRING -> {
        MatcherType matcherType =
            switch (operatorType) {
              case EQ -> MatcherType.EQUAL;
              case NEQ -> MatcherType.NOT_EQUAL;
              case RE -> MatcherType.REGEX;
              case NRE -> MatcherType.NOT_REGEX;
              default -> throw unexpected();
            };
        advance();
        return new StringLabelFilter(matcher(name, matcherType, value.text()));
      }
      case FUNCTION -> {
        if (!value.text().equals("ip") || (operatorType != TokenType.EQ && operatorType != TokenType.NEQ)) {
          throw unexpected();
        }
        advance();
        expect(TokenType.OPEN_PARENTHESIS, "(");
        String range = expect(TokenType.STRING, "STRING").text();
        expect(TokenType.CLOSE_PARENTHESIS, ")");
        return new IpLabelFilter(name, comparison, range);
      }
      case DURATION -> {
        if (comparison == null) {
          throw unexpected();
        }
        advance();
        return new DurationLabelFilter(name, comparison, (Duration) value.value());
      }
      case BYTES -> {
        if (comparison == null) {
          throw unexpected();
        }
        advance();
        return new BytesLabelFilter(name, comparison, (Long) value.value());
      }
      case NUMBER, ADD, SUB -> {
        if (comparison == null) {
          throw unexpected();
        }
        return new NumericLabelFilter(name, comparison, literal().value());
      }
      default -> throw unexpected();
    }
  }

  private List<Matcher> selector() throws LogqlParseException {
    expect(TokenType.OPEN_BRACE, "");
    List<Matcher> matchers = new ArrayList<>();
    if (current.type() == TokenType.CLOSE_BRACE) {
      advance();
      return matchers;
    }
    String expectedName = "IDENTIFIER or }";
    while (true) {
      if (current.type() != TokenType.IDENTIFIER) {
        throw unexpected(expectedName);
      }
      String name = current.text();
      advance();
      MatcherType type = matcherType(current.type());
      if (type == null) {
        throw unexpected("= or =~ or !~ or !=");
      }
      advance();
      String value = expect(TokenType.STRING, "STRING").text();
      matchers.add(matcher(name, type, value));
      if (current.type() == TokenType.CLOSE_BRACE) {
        advance();
        return matchers;
      }
      expect(TokenType.COMMA, "} or ,");
      expectedName = "IDENTIFIER";
    }
  }

  private static MatcherType matcherType(TokenType type) {
    return switch (type) {
      case EQ -> MatcherType.EQUAL;
      case NEQ -> MatcherType.NOT_EQUAL;
      case RE -> MatcherType.REGEX;
      case NRE -> MatcherType.NOT_REGEX;
      default -> null;
    };
  }

  /** A matcher whose regex, if any, must compile (Loki refuses it at once, without a position). */
  private static Matcher matcher(String name, MatcherType type, String value) throws LogqlParseException {
    if (type == MatcherType.REGEX || type == MatcherType.NOT_REGEX) {
      LogqlRegex.labelMatcherPattern(value);
    }
    return new Matcher(name, type, value);
  }

  private LineFilter lineFilter(LineFilterOperator operator) throws LogqlParseException {
    List<LineFilterTerm> alternatives = new ArrayList<>();
    alternatives.add(lineFilterTerm());
    while (current.isKeyword("or")) {
      advance();
      alternatives.add(lineFilterTerm());
    }
    return new LineFilter(operator, alternatives);
  }

  private LineFilterTerm lineFilterTerm() throws LogqlParseException {
    if (current.type() == TokenType.STRING) {
      String value = current.text();
      advance();
      return new LineFilterTerm.Text(value);
    }
    if (current.isFunction("ip")) {
      advance();
      expect(TokenType.OPEN_PARENTHESIS, "(");
      String range = expect(TokenType.STRING, "STRING").text();
      expect(TokenType.CLOSE_PARENTHESIS, ")");
      return new LineFilterTerm.Ip(range);
    }
    throw unexpected("STRING or ip");
  }

  // ---------------------------------------------------------------- validation

  private static void validate(Expr expr) throws LogqlParseException {
    switch (expr) {
      case LogSelectorExpr selector -> validateSelector(selector);
      case RangeAggregation aggregation -> validateSelector(aggregation.range().selector());
      case VectorAggregation aggregation -> validate(aggregation.inner());
      case BinaryOperation operation -> {
        validate(operation.left());
        validate(operation.right());
      }
      case LabelReplace replace -> validate(replace.inner());
      case LiteralExpr literal -> {
        // A constant reads no streams.
      }
      case VectorExpr vector -> {
        // vector() reads no streams.
      }
    }
  }

  private static void validateSelector(LogSelectorExpr selector) throws LogqlParseException {
    boolean selective = false;
    for (Matcher matcher : selector.matchers()) {
      boolean matchesEmpty =
          switch (matcher.type()) {
            case EQUAL -> matcher.value().isEmpty();
            case NOT_EQUAL -> !matcher.value().isEmpty();
            case REGEX -> LogqlRegex.labelMatcherPattern(matcher.value()).matches("");
            case NOT_REGEX -> !LogqlRegex.labelMatcherPattern(matcher.value()).matches("");
          };
      selective |= !matchesEmpty;
    }
    for (LineFilter filter : selector.lineFilters()) {
      if (filter.operator() == LineFilterOperator.MATCHES_REGEX || filter.operator() == LineFilterOperator.NOT_MATCHES_REGEX) {
        for (LineFilterTerm term : filter.alternatives()) {
          if (term instanceof LineFilterTerm.Text text) {
            // Compiled only to refuse an invalid regex at parse time, as Loki does.
            LogqlRegex.lineFilterPattern(text.value());
          }
        }
      }
    }
    if (!selective) {
      throw LogqlParseException.withoutPosition(EMPTY_COMPATIBLE_SELECTOR);
    }
  }

  // ---------------------------------------------------------------- tokens

  private Token pushedBack;

  /** Makes {@code token} current again, with the present current token following it. */
  private void pushBack(Token token) {
    pushedBack = current;
    current = token;
  }

  private void advance() throws LogqlParseException {
    if (pushedBack != null) {
      current = pushedBack;
      pushedBack = null;
      return;
    }
    current = lexer.next();
  }

  private void enter() throws LogqlParseException {
    if (++depth > MAX_NESTING) {
      throw LogqlParseException.at("query nested more than " + MAX_NESTING + " levels deep", current.line(), current.column());
    }
  }

  private void leave() {
    depth--;
  }

  private void recordSemanticError(String reason) {
    if (semanticError == null) {
      semanticError = LogqlParseException.withoutPosition(reason);
    }
  }

  private Token expect(TokenType type, String expected) throws LogqlParseException {
    if (current.type() != type) {
      throw unexpected(expected);
    }
    Token token = current;
    advance();
    return token;
  }

  private LogqlParseException unexpected() {
    return unexpected("");
  }

  /** Loki's (goyacc's) wording; it lists what was expected only when there are few choices. */
  private LogqlParseException unexpected(String expected) {
    String reason = "syntax error: unexpected " + current.displayName();
    if (!expected.isEmpty()) {
      reason += ", expecting " + expected;
    }
    return LogqlParseException.at(reason, current.line(), current.column());
  }
}
