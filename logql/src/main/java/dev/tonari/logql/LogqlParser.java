package dev.tonari.logql;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses LogQL text into an {@link Expr}, with Loki's error messages and its validation: regular
 * expressions must compile, and a selector needs at least one matcher that does not match the
 * empty value (so that no query silently reads every stream of a tenant).
 *
 * <p>This version parses log queries with stream selectors and line filters. Metric queries and
 * the other pipeline stages are recognised and refused with {@link LogqlParseException#unsupported()}
 * set, so that callers can tell "not valid LogQL" from "not supported yet".
 */
public final class LogqlParser {
  /** Longest query text accepted, as Loki's parser limits it. */
  public static final int MAX_INPUT_SIZE = 5120;

  static final String EMPTY_COMPATIBLE_SELECTOR =
      "queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will";

  private static final Set<String> METRIC_FUNCTIONS =
      Set.of(
          "rate", "rate_counter", "count_over_time", "bytes_rate", "bytes_over_time", "absent_over_time", "avg_over_time",
          "sum_over_time", "min_over_time", "max_over_time", "stdvar_over_time", "stddev_over_time", "quantile_over_time",
          "first_over_time", "last_over_time", "sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk",
          "approx_topk", "sort", "sort_desc", "vector", "label_replace", "variants");

  private final Lexer lexer;
  private Token current;

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
    validate(expr);
    return expr;
  }

  /** Parses a query that must be a log query (not a metric query). */
  public static LogSelectorExpr parseLogSelector(String query) throws LogqlParseException {
    return switch (parse(query)) {
      case LogSelectorExpr selector -> selector;
      case SampleExpr sample -> throw LogqlParseException.unsupported("a log query is expected here, not a metric query", 1, 1);
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

  private Expr expression() throws LogqlParseException {
    switch (current.type()) {
      case OPEN_BRACE -> {
        return logSelector();
      }
      case OPEN_PARENTHESIS -> {
        advance();
        Expr inner = expression();
        expect(TokenType.CLOSE_PARENTHESIS, "");
        return inner;
      }
      case NUMBER, SUB, ADD -> throw notSupported("metric queries are not supported yet");
      case IDENTIFIER -> {
        if (METRIC_FUNCTIONS.contains(current.text())) {
          throw notSupported("metric queries are not supported yet");
        }
        throw unexpected();
      }
      default -> throw unexpected();
    }
  }

  private LogSelectorExpr logSelector() throws LogqlParseException {
    List<Matcher> matchers = selector();
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
        throw notSupported("log pipeline stages other than line filters are not supported yet");
      } else if (current.type() == TokenType.RANGE) {
        throw notSupported("metric queries are not supported yet");
      } else {
        return new LogSelectorExpr(matchers, stages);
      }
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
      if (current.type() != TokenType.IDENTIFIER && current.type() != TokenType.OR) {
        throw unexpected(expectedName);
      }
      String name = current.text();
      advance();
      MatcherType type =
          switch (current.type()) {
            case EQ -> MatcherType.EQUAL;
            case NEQ -> MatcherType.NOT_EQUAL;
            case RE -> MatcherType.REGEX;
            case NRE -> MatcherType.NOT_REGEX;
            default -> throw unexpected("= or =~ or !~ or !=");
          };
      advance();
      String value = expect(TokenType.STRING, "STRING").text();
      matchers.add(new Matcher(name, type, value));
      if (current.type() == TokenType.CLOSE_BRACE) {
        advance();
        return matchers;
      }
      expect(TokenType.COMMA, "} or ,");
      expectedName = "IDENTIFIER";
    }
  }

  private LineFilter lineFilter(LineFilterOperator operator) throws LogqlParseException {
    List<LineFilterTerm> alternatives = new ArrayList<>();
    alternatives.add(lineFilterTerm());
    while (current.type() == TokenType.OR) {
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
    if (current.type() == TokenType.IP) {
      advance();
      expect(TokenType.OPEN_PARENTHESIS, "(");
      String range = expect(TokenType.STRING, "STRING").text();
      expect(TokenType.CLOSE_PARENTHESIS, ")");
      return new LineFilterTerm.Ip(range);
    }
    throw unexpected("STRING or ip");
  }

  private static void validate(Expr expr) throws LogqlParseException {
    switch (expr) {
      case SampleExpr sample -> throw LogqlParseException.unsupported("metric queries are not supported yet", 1, 1);
      case LogSelectorExpr selector -> {
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
    }
  }

  private void advance() throws LogqlParseException {
    current = lexer.next();
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
    String reason = "syntax error: unexpected " + current.type().displayName();
    if (!expected.isEmpty()) {
      reason += ", expecting " + expected;
    }
    return LogqlParseException.at(reason, current.line(), current.column());
  }

  private LogqlParseException notSupported(String reason) {
    return LogqlParseException.unsupported(reason, current.line(), current.column());
  }
}
