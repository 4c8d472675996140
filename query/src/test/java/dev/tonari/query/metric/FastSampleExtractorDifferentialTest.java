package dev.tonari.query.metric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.LogqlParser;
import dev.tonari.logql.LogRange;
import dev.tonari.logql.RangeAggregation;
import dev.tonari.logql.SampleExpr;
import dev.tonari.logql.VectorAggregation;
import dev.tonari.query.QueryException;
import dev.tonari.query.QueryLimits;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The byte-level plan ({@link FastSampleExtractor}) must answer exactly what the String pipeline
 * answers: the same engine with and without it, on random corpora of logfmt, JSON, malformed and
 * unrelated lines (escapes, duplicate keys, nested JSON, non-ASCII, numbers of every form, keys
 * that collide with stream labels or structured metadata) and random queries of the shapes the
 * plan takes, must give identical series, timestamps and values (bit for bit), or the same
 * refusal. The plans must decide many lines themselves (over all tries), so that they are tested.
 */
class FastSampleExtractorDifferentialTest {
  private static final String TENANT = "team-a";
  private static final long SECOND = 1_000_000_000L;
  private static final String[] KEYS = {
    "level", "status", "latency", "duration", "msg", "app", "pod", "user", "sta-tus", "1x", "a.b", "__error__", "level_extracted", "latency_ms",
    // Keys that become a required label without spelling it whole: sanitized, trimmed (a non-ASCII
    // space before '='), nested ({"latency":{"ms":..}}): the skip before the scan must not miss them.
    "latency.ms", "ms", "status\u2003", "\u2003status", "xstatus", "status_"
  };
  private static final String[] NUMBERS = {
    "200", "500", "503", "404", "-3", "0", "-0", "12.5", "0.001", "3.25", "1e3", "2.5E-2", ".5", "5.", "+3", "0x1f", "inf", "-Inf",
    "NaN", "007", "1234567890123456", "99999999999999999999", "1_000", "12ms", "1.5s", "3KB", "", "abc", "ü", "1.2.3", "--1"
  };
  private static final String[] WORDS = {
    "info", "error", "warn", "GET", "deadlock", "a b", "x=y", "ü", "tab\there", "q\"uote", "back\\slash", "status=500", "latency=9"
  };

  @Property(tries = 600)
  void fastPathAnswersWhatTheStringPipelineAnswers(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    InMemoryLogStore store = new InMemoryLogStore();
    List<LineRecord> lines = corpus(random);
    Map<Labels, List<LogEntry>> byStream = new LinkedHashMap<>();
    for (LineRecord line : lines) {
      byStream.computeIfAbsent(line.stream(), s -> new ArrayList<>()).add(new LogEntry(line.timestamp(), line.text(), line.metadata()));
    }
    List<StreamBatch> batches = new ArrayList<>();
    byStream.forEach((labels, entries) -> batches.add(new StreamBatch(labels, entries)));
    store.append(TENANT, batches);
    QueryLimits limits = new QueryLimits(5000, Duration.ZERO, 10_000);
    MetricQueryEngine fast = new MetricQueryEngine(store, limits, true);
    MetricQueryEngine strings = new MetricQueryEngine(store, limits, false);
    int decided = 0;
    for (int query = 0; query < 6; query++) {
      String text = randomQuery(random);
      SampleExpr expr = LogqlParser.parseSampleExpr(text);
      decided += decidedLines(expr, lines);
      long start = random.nextInt(100) * SECOND;
      long step = (1 + random.nextInt(20)) * SECOND;
      long end = start + random.nextInt(15) * step;
      boolean instant = random.nextInt(4) == 0;
      assertSameAnswer(text, fast, strings, expr, start, instant ? start : end, instant ? 0 : step, instant);
    }
    DECIDED.addAndGet(decided);
    TRIES.incrementAndGet();
  }

  /** Lines the plan decided without the String pipeline, over all tries: most tries must have some, or the property tests little. */
  private static final java.util.concurrent.atomic.AtomicLong DECIDED = new java.util.concurrent.atomic.AtomicLong();
  private static final java.util.concurrent.atomic.AtomicLong TRIES = new java.util.concurrent.atomic.AtomicLong();

  @net.jqwik.api.lifecycle.AfterContainer
  static void theFastPathDecidedManyLines() {
    assertThat(DECIDED.get()).as("lines the fast path decided itself in %d tries", TRIES.get()).isGreaterThan(TRIES.get() * 10);
  }

  private static void assertSameAnswer(
      String text, MetricQueryEngine fast, MetricQueryEngine strings, SampleExpr expr, long start, long end, long step, boolean instant) {
    Object expected;
    Object actual;
    try {
      expected = describe(strings.evaluate(TENANT, expr, start, end, step, instant));
    } catch (QueryException e) {
      expected = "refused " + e.status() + ": " + e.getMessage();
    }
    try {
      actual = describe(fast.evaluate(TENANT, expr, start, end, step, instant));
    } catch (QueryException e) {
      actual = "refused " + e.status() + ": " + e.getMessage();
    }
    assertThat(actual).as(text + " from " + start + " to " + end + " step " + step).isEqualTo(expected);
  }

  /** A result as text that shows every bit of every value. */
  private static String describe(MetricResult result) {
    StringBuilder out = new StringBuilder();
    switch (result) {
      case MatrixResult matrix -> {
        for (Series series : matrix.series()) {
          out.append(series.labels()).append(':');
          for (int i = 0; i < series.size(); i++) {
            out.append(' ').append(series.timestampsNanos()[i]).append('=').append(Long.toHexString(Double.doubleToRawLongBits(series.values()[i])));
          }
          out.append('\n');
        }
      }
      case VectorResult vector -> vector.samples().forEach(sample ->
          out.append(sample.labels()).append('=').append(Long.toHexString(Double.doubleToRawLongBits(sample.value()))).append('\n'));
      case ScalarResult scalar -> out.append(scalar.value());
    }
    return out.toString();
  }

  /** How many lines the plan of the expression's innermost range decides without the String pipeline (0 without a plan). */
  private static int decidedLines(SampleExpr expr, List<LineRecord> lines) {
    RangeAggregation range = expr instanceof VectorAggregation vector && vector.inner() instanceof RangeAggregation inner
        ? inner : expr instanceof RangeAggregation r ? r : null;
    if (range == null) {
      return 0;
    }
    LogRange logRange = range.range();
    Set<String> groupNames = new TreeSet<>(List.of("app", "level", "status", "pod", "level_extracted", "latency_ms"));
    String[] names = groupNames.toArray(String[]::new);
    List<dev.tonari.logql.PipelineStage> stages = logRange.selector().pipeline().stream()
        .dropWhile(dev.tonari.logql.LineFilter.class::isInstance).toList();
    FastSampleExtractor plan = FastSampleExtractor.plan(stages, groupNames, names, logRange.unwrap(), false);
    if (plan == null) {
      return 0;
    }
    int decided = 0;
    Map<Labels, FastSampleExtractor.Stream> streams = new LinkedHashMap<>();
    for (LineRecord line : lines) {
      byte[] bytes = line.text().getBytes(StandardCharsets.UTF_8);
      FastSampleExtractor.Stream stream = streams.computeIfAbsent(line.stream(), plan::forStream);
      if (stream.take(bytes, 0, bytes.length, line.metadata()) != FastSampleExtractor.FALL_BACK) {
        decided++;
      }
    }
    return decided;
  }

  private record LineRecord(Labels stream, long timestamp, String text, Labels metadata) {}

  private static List<LineRecord> corpus(Random random) {
    if (random.nextInt(4) == 0) {
      return longStream(random);
    }
    List<LineRecord> lines = new ArrayList<>();
    int count = 20 + random.nextInt(120);
    for (int i = 0; i < count; i++) {
      Labels stream = switch (random.nextInt(6)) {
        case 0 -> Labels.of("app", "a", "pod", "p1", "status", "201");
        case 1 -> Labels.of("app", "b", "pod", "p2", "level", "debug");
        case 2 -> Labels.of("app", "b", "pod", "p1");
        default -> Labels.of("app", random.nextBoolean() ? "a" : "b", "pod", "p" + (1 + random.nextInt(3)));
      };
      Labels metadata = switch (random.nextInt(10)) {
        case 0 -> Labels.of("level", "meta");
        case 1 -> Labels.of("status", pick(random, NUMBERS));
        case 2 -> Labels.of("trace", "t1");
        case 3 -> random.nextInt(4) == 0 ? Labels.of("__error__", "X") : Labels.of("latency", pick(random, NUMBERS));
        default -> Labels.EMPTY;
      };
      String text = switch (random.nextInt(10)) {
        case 0, 1, 2, 3 -> logfmtLine(random);
        case 4, 5, 6, 7 -> jsonLine(random, 0);
        case 8 -> "10.40.1.2 - - [07/Dec/2026:00:00:00 +0000] \"GET /x HTTP/1.1\" " + pick(random, NUMBERS) + " 512 \"-\"";
        default -> mangle(random, random.nextBoolean() ? logfmtLine(random) : jsonLine(random, 0));
      };
      // Whole seconds with repeats: equal timestamps, window edges.
      lines.add(new LineRecord(stream, random.nextInt(200) * SECOND / 2, text, metadata));
    }
    return lines;
  }

  /**
   * One long stream in time order: runs of lines that all hold {@code status} (long enough for the
   * extractor to rest its search for required names) between runs of any lines, so that lines
   * without the name fall in a rest and are decided by the scanner alone.
   */
  private static List<LineRecord> longStream(Random random) {
    List<LineRecord> lines = new ArrayList<>();
    Labels stream = Labels.of("app", "a", "pod", "p1");
    int count = 600 + random.nextInt(900);
    int run = 40 + random.nextInt(200);
    for (int i = 0; i < count; i++) {
      String text = (i / run) % 2 == 0
          ? "status=" + pick(random, NUMBERS) + " " + logfmtLine(random)
          : switch (random.nextInt(4)) {
              case 0 -> logfmtLine(random);
              case 1 -> jsonLine(random, 0);
              case 2 -> "plain line " + pick(random, WORDS);
              default -> mangle(random, logfmtLine(random));
            };
      lines.add(new LineRecord(stream, i * SECOND / 5, text, Labels.EMPTY));
    }
    return lines;
  }

  private static String logfmtLine(Random random) {
    StringBuilder line = new StringBuilder();
    int pairs = random.nextInt(7);
    for (int i = 0; i < pairs; i++) {
      if (i > 0) {
        line.append(random.nextInt(8) == 0 ? "  \t" : " ");
      }
      String key = pick(random, KEYS);
      switch (random.nextInt(12)) {
        case 0 -> line.append(key);
        case 1 -> line.append(key).append('=');
        case 2, 3 -> line.append(key).append("=\"").append(pick(random, random.nextBoolean() ? NUMBERS : WORDS).replace("\"", "\\\"")).append('"');
        case 4 -> line.append(key).append("=\"").append(random.nextBoolean() ? "esc\\n\\u00e9" : "unterminated");
        case 5 -> line.append(key).append("=\"v\"junk");
        case 6 -> line.append('=').append(pick(random, WORDS));
        case 7 -> line.append(key).append("=a=b");
        default -> line.append(key).append('=').append(pick(random, NUMBERS).replace(" ", ""));
      }
    }
    return line.toString();
  }

  private static String jsonLine(Random random, int depth) {
    StringBuilder line = new StringBuilder(random.nextInt(6) == 0 ? " {" : "{");
    int fields = random.nextInt(6);
    for (int i = 0; i < fields; i++) {
      if (i > 0) {
        line.append(random.nextInt(5) == 0 ? " , " : ",");
      }
      // Escaped keys the String parser decodes, one of them to a wanted name.
      String key = switch (random.nextInt(16)) {
        case 0 -> "k\\u0065y";
        case 1 -> "st\\u0061tus";
        default -> pick(random, KEYS);
      };
      line.append('"').append(key).append("\":");
      switch (random.nextInt(10)) {
        case 0 -> line.append(depth < 3 ? jsonLine(random, depth + 1) : "{}");
        case 1 -> line.append("[1,\"x\",{\"a\":null},[]]");
        case 2 -> line.append(random.nextBoolean() ? "null" : random.nextBoolean() ? "true" : "false");
        case 3 -> line.append('"').append(pick(random, WORDS).replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t")).append('"');
        case 4 -> line.append('"').append(pick(random, NUMBERS)).append('"');
        default -> {
          String number = pick(random, NUMBERS);
          line.append(number.isEmpty() || number.equals("ü") ? "1" : number);
        }
      }
    }
    line.append(random.nextInt(8) == 0 ? "} " : "}");
    return line.toString();
  }

  /** Truncates, doubles or breaks a line somewhere. */
  private static String mangle(Random random, String line) {
    if (line.isEmpty()) {
      return "=";
    }
    int at = random.nextInt(line.length());
    return switch (random.nextInt(4)) {
      case 0 -> line.substring(0, at);
      case 1 -> line + line;
      case 2 -> line.substring(0, at) + "\"" + line.substring(at);
      default -> line.substring(0, at) + "\u00ff\ufffd" + line.substring(at);
    };
  }

  private static String randomQuery(Random random) {
    String selector = random.nextBoolean() ? "{app=~\"a|b\"}" : "{app=\"a\"}";
    String parser = random.nextBoolean() ? "logfmt" : "json";
    StringBuilder pipeline = new StringBuilder(selector);
    if (random.nextInt(4) == 0) {
      pipeline.append(random.nextBoolean() ? " |= \"status\"" : " != \"deadlock\"");
    }
    pipeline.append(" | ").append(parser);
    int filters = random.nextInt(3);
    for (int i = 0; i < filters; i++) {
      pipeline.append(" | ").append(pick(random, new String[] {
        "status >= 500", "status != 404", "latency > 3.5", "level=\"error\"", "level!=\"info\"", "level=~\"err.*|warn\"",
        "__error__=\"\"", "status >= 500 or level=\"warn\"", "latency < 10 and status == 200", "latency_ms >= 0", "level_extracted=\"\""
      }));
    }
    String grouping = pick(random, new String[] {"app", "level", "status", "app, level", "pod, status", "level_extracted", "latency_ms"});
    String unwrapped = pick(random, new String[] {"latency", "status", "latency_ms", "duration"});
    String unwrap = switch (random.nextInt(6)) {
      case 0 -> " | unwrap duration(" + unwrapped + ")";
      case 1 -> " | unwrap bytes(" + unwrapped + ")";
      default -> " | unwrap " + unwrapped;
    };
    String range = "[" + (1 + random.nextInt(30)) + "s]";
    return switch (random.nextInt(9)) {
      case 0 -> "sum by (" + grouping + ") (count_over_time(" + pipeline + " " + range + "))";
      case 1 -> "sum by (" + grouping + ") (rate(" + pipeline + " " + range + "))";
      case 2 -> "sum by (" + grouping + ") (bytes_rate(" + pipeline + " " + range + "))";
      case 3 -> "sum by (" + grouping + ") (sum_over_time(" + pipeline + unwrap + " " + range + "))";
      case 4 -> "quantile_over_time(0.99, " + pipeline + unwrap + " " + range + ") by (" + grouping + ")";
      case 5 -> "max_over_time(" + pipeline + unwrap + " " + range + ") by (" + grouping + ")";
      case 6 -> "topk(2, sum by (" + grouping + ") (bytes_over_time(" + pipeline + " " + range + ")))";
      case 7 -> "avg_over_time(" + pipeline + unwrap + " " + range + ") by (" + grouping + ")";
      default -> "sum without (pod) (count_over_time(" + pipeline + " " + range + "))";
    };
  }

  private static String pick(Random random, String[] choices) {
    return choices[random.nextInt(choices.length)];
  }
}
