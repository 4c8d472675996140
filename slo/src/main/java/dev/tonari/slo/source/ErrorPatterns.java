package dev.tonari.slo.source;

import dev.tonari.logql.LogRange;
import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.LogqlPrinter;
import dev.tonari.logql.RangeAggregation;
import dev.tonari.logql.RangeOperation;
import dev.tonari.logql.SampleExpr;
import dev.tonari.logql.VectorAggregation;
import dev.tonari.query.QueryEngine;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.query.StreamResult;
import dev.tonari.query.StreamsResult;
import dev.tonari.slo.model.Indicator;
import dev.tonari.slo.model.SliQuery;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.store.Direction;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * The error line patterns that spent an SLO's budget, for the weekly report: what none of Sloth,
 * Pyrra or OpenSLO can say, because they only see counters. For a LogQL ratio whose error query
 * counts log lines ({@code sum(count_over_time({app="api"} | logfmt | status>=500 [5m]))}, or
 * {@code rate} of lines, under any vector aggregations), the log expression inside is taken from
 * the syntax tree and run as a log query over the range; each error line becomes a pattern by
 * replacing what varies between occurrences with {@code <_>} (see {@link #patternOf}), roughly as
 * Loki's pattern detection does; the most frequent patterns come back with their count, their
 * share of the error lines read and one example line.
 *
 * <p>Bounded: at most {@code maxLines} error lines are read (the oldest of the range; the report
 * then says it was truncated and the shares are of those lines), under the tenant's query timeout
 * and byte limit. Other indicators (PromQL, raw ratios, thresholds, a good-events query, an error
 * query that is not a count of lines) get an empty report with the reason.
 */
public final class ErrorPatterns {
  /** The default bound on error lines read for one report. */
  public static final int DEFAULT_MAX_LINES = 100_000;
  /** Characters of a line that its pattern is made of, and of an example line. */
  static final int MAX_LINE_CHARS = 1_000;
  static final String PLACEHOLDER = "<_>";

  /**
   * What varies from one occurrence of a line to the next: UUIDs, dates and times, IPv4 addresses
   * (with port), durations ({@code 120ms}, {@code 1h2m}), hexadecimal ids (0x..., or 8+ hex digits
   * mixing digits and letters) and numbers, each as a whole token (not inside a word such as
   * {@code v1}).
   */
  private static final Pattern VARIABLE_TOKEN = Pattern.compile(
      // RE2/J has no lookaround: the boundaries are matched as characters (group 1 is the token, the
      // match resumes at its end so the next token can use the same boundary), and the hexadecimal
      // alternative (group 2, at least one letter) is checked for length and a digit in code.
      "(?:^|[^A-Za-z0-9_])("
          + "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
          + "|\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?)?"
          + "|\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?"
          + "|\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?"
          + "|(?:\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h|d))+"
          + "|0[xX][0-9a-fA-F]+"
          + "|([0-9a-fA-F]*[a-fA-F][0-9a-fA-F]*)"
          + "|\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?"
          + ")(?:[^A-Za-z0-9_]|$)");

  private final LogStore store;
  private final Function<String, QueryLimits> limitsOfTenant;
  private final int maxLines;

  /**
   * @param limitsOfTenant each tenant's query limits; their timeout and byte limit bound the scan
   * @param maxLines the most error lines one report reads
   */
  public ErrorPatterns(LogStore store, Function<String, QueryLimits> limitsOfTenant, int maxLines) {
    this.store = Objects.requireNonNull(store, "store");
    this.limitsOfTenant = Objects.requireNonNull(limitsOfTenant, "limitsOfTenant");
    if (maxLines <= 0) {
      throw new IllegalArgumentException("the most error lines to read must be positive, got " + maxLines);
    }
    this.maxLines = maxLines;
  }

  /** One pattern: how many error lines had it, their share of the lines read, and the first of them. */
  public record ErrorPattern(String pattern, long count, double share, String example) {}

  /**
   * @param patterns the most frequent patterns, most frequent first (ties by pattern)
   * @param linesRead the error lines read
   * @param truncated whether the range held more error lines than were read
   * @param notApplicable why the indicator has no error lines to read; empty when it has
   */
  public record Report(List<ErrorPattern> patterns, long linesRead, boolean truncated, Optional<String> notApplicable) {
    public Report {
      patterns = List.copyOf(patterns);
    }

    static Report notApplicable(String reason) {
      return new Report(List.of(), 0, false, Optional.of(reason));
    }
  }

  /**
   * The {@code top} most frequent error line patterns of the SLO over {@code [fromNanos, toNanos)}
   * (shifted by the error query's {@code offset}, as its counts are).
   *
   * @throws SliUnavailableException when the log query is refused (a limit) or the store fails
   */
  public Report topPatterns(String tenant, SloSpec spec, long fromNanos, long toNanos, int top) throws SliUnavailableException {
    if (top <= 0) {
      throw new IllegalArgumentException("the number of patterns must be positive, got " + top);
    }
    if (!(spec.indicator() instanceof Indicator.Ratio ratio)) {
      return Report.notApplicable("the indicator is not a ratio of counted events, so no query selects the error lines");
    }
    if (ratio.countsGood()) {
      return Report.notApplicable("the indicator counts good events; the error lines are not selected by one log query");
    }
    SliQuery errors = ratio.counted();
    if (errors.language() != SliQuery.QueryLanguage.LOGQL) {
      return Report.notApplicable("the error query is " + errors.language() + ", not a query over logs");
    }
    String rendered = errors.render("1m");
    SampleExpr expr;
    try {
      expr = LogqlParser.parseSampleExpr(rendered);
    } catch (LogqlParseException e) {
      return Report.notApplicable("the error query does not parse: " + e.getMessage());
    }
    Optional<LogRange> lines = linesCounted(expr);
    if (lines.isEmpty()) {
      return Report.notApplicable("the error query is not a count of log lines (count_over_time or rate, under sum or another aggregation)");
    }
    String logQuery = LogqlPrinter.print(lines.get().selector());
    long offset = lines.get().offset().toNanos();
    StreamsResult result;
    try {
      result = engineFor(tenant).logQuery(tenant, logQuery, fromNanos - offset, toNanos - offset, maxLines, Direction.FORWARD);
    } catch (QueryException e) {
      throw new SliUnavailableException(IndicatorEvents.context(tenant, spec, logQuery) + ": the error lines cannot be read (" + e.status() + "): "
          + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new SliUnavailableException(IndicatorEvents.context(tenant, spec, logQuery) + ": reading the error lines failed: " + e.getMessage(), e);
    }
    return count(result, top);
  }

  private QueryEngine engineFor(String tenant) {
    QueryLimits base = limitsOfTenant.apply(tenant);
    // Every parsed label set is a stream of the answer: the series bound is the line bound here.
    return new QueryEngine(store, new QueryLimits(maxLines, base.maxQueryLength(), Math.max(base.maxQuerySeries(), maxLines), base.queryTimeout(),
        base.maxQueryBytesRead()));
  }

  private Report count(StreamsResult result, int top) {
    record Tally(long[] count, String example) {}
    Map<String, Tally> byPattern = new HashMap<>();
    long read = 0;
    for (StreamResult stream : result.streams()) {
      for (LogEntry entry : stream.entries()) {
        read++;
        String line = entry.line();
        Tally tally = byPattern.computeIfAbsent(patternOf(line), pattern -> new Tally(new long[1], truncate(line)));
        tally.count()[0]++;
      }
    }
    long total = read;
    List<ErrorPattern> patterns = new ArrayList<>(byPattern.size());
    byPattern.forEach((pattern, tally) -> patterns.add(new ErrorPattern(pattern, tally.count()[0], (double) tally.count()[0] / total, tally.example())));
    patterns.sort(Comparator.comparingLong(ErrorPattern::count).reversed().thenComparing(ErrorPattern::pattern));
    return new Report(patterns.subList(0, Math.min(top, patterns.size())), read, read >= maxLines, Optional.empty());
  }

  /** The log range whose lines the expression counts: under vector aggregations, a count_over_time or rate without unwrap. */
  static Optional<LogRange> linesCounted(SampleExpr expr) {
    SampleExpr inner = expr;
    while (inner instanceof VectorAggregation aggregation) {
      inner = aggregation.inner();
    }
    if (inner instanceof RangeAggregation range && range.range().unwrap() == null
        && (range.operation() == RangeOperation.COUNT_OVER_TIME || range.operation() == RangeOperation.RATE)) {
      return Optional.of(range.range());
    }
    return Optional.empty();
  }

  /**
   * The pattern of a line: every variable token (see {@code VARIABLE_TOKEN}) becomes {@code <_>};
   * a quoted value without spaces ({@code user="alice"}, {@code "path":"/x"}) becomes {@code
   * "<_>"}, while quoted text with spaces (a message) and quoted JSON keys keep their words.
   * Only the first {@value #MAX_LINE_CHARS} characters count.
   */
  public static String patternOf(String line) {
    String text = truncate(line);
    StringBuilder pattern = new StringBuilder(text.length());
    int plainFrom = 0;
    int i = 0;
    while (i < text.length()) {
      if (text.charAt(i) != '"') {
        i++;
        continue;
      }
      int close = closingQuote(text, i + 1);
      if (close < 0) {
        break;
      }
      appendVariablesReplaced(pattern, text, plainFrom, i);
      String content = text.substring(i + 1, close);
      boolean jsonKey = close + 1 < text.length() && text.charAt(close + 1) == ':';
      pattern.append('"');
      if (jsonKey || content.chars().anyMatch(Character::isWhitespace)) {
        appendVariablesReplaced(pattern, content, 0, content.length());
      } else if (!content.isEmpty()) {
        pattern.append(PLACEHOLDER);
      }
      pattern.append('"');
      i = close + 1;
      plainFrom = i;
    }
    appendVariablesReplaced(pattern, text, plainFrom, text.length());
    return pattern.toString();
  }

  private static int closingQuote(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    return -1;
  }

  private static void appendVariablesReplaced(StringBuilder pattern, String text, int from, int to) {
    Matcher matcher = VARIABLE_TOKEN.matcher(text);
    int copied = from;
    // The boundary before a token at 'from' is the character before it, as with transparent bounds.
    int search = Math.max(0, from - 1);
    while (search < to && matcher.find(search)) {
      int start = matcher.start(1);
      int end = matcher.end(1);
      if (end > to) {
        break;
      }
      search = end;
      String hex = matcher.group(2);
      if (start < from || (hex != null && (hex.length() < 8 || !containsDigit(hex)))) {
        continue;
      }
      pattern.append(text, copied, start).append(PLACEHOLDER);
      copied = end;
    }
    pattern.append(text, copied, to);
  }

  private static boolean containsDigit(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        return true;
      }
    }
    return false;
  }

  private static String truncate(String line) {
    return line.length() <= MAX_LINE_CHARS ? line : line.substring(0, MAX_LINE_CHARS);
  }
}
