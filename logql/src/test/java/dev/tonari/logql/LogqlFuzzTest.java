package dev.tonari.logql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated queries: the parser either returns a tree that prints and parses back to
 * itself, or throws {@link LogqlParseException}; never another exception, never a stack overflow.
 * Work is bounded by the input size limit and the nesting limit; there is no backtracking.
 */
class LogqlFuzzTest {
  static final List<String> FRAGMENTS =
      List.of(
          "{", "}", "(", ")", "[5m]", "[1h30m]", "[", "]", ",", "=", "!=", "=~", "!~", "==", ">", ">=", "<", "<=", "|", "|=", "|~", "|>", "!>", "+", "-", "*",
          "/", "%", "^", "\"a\"", "`b`", "\"x\\\"y\"", "\"", "`", "5", "0.5", "1e3", "-1", "10s", "250ms", "20MB", "1KiB", "app", "job", "status", "or",
          "and", "unless", "by", "without", "bool", "on", "ignoring", "group_left", "group_right", "offset", "json", "logfmt", "--strict", "--keep-empty",
          "regexp", "pattern", "unpack", "decolorize", "line_format", "label_format", "drop", "keep", "unwrap", "bytes(", "duration(", "ip(", "rate(",
          "count_over_time(", "quantile_over_time(", "sum_over_time(", "sum", "topk(", "sort(", "vector(", "label_replace(", "approx_topk(", "#", "\n", " ");

  @Property(tries = 3000)
  void randomTokenSequencesOnlyFailWithParseErrors(@ForAll("tokenSequences") String query) {
    checkParses(query);
  }

  @Property(tries = 2000)
  void arbitraryTextOnlyFailsWithParseErrors(@ForAll("texts") String query) {
    checkParses(query);
  }

  @Provide
  Arbitrary<String> tokenSequences() {
    return Arbitraries.of(FRAGMENTS).list().ofMaxSize(40).map(fragments -> String.join(" ", fragments));
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().all().ofMaxLength(60);
  }

  @Test
  void mutatedDocumentationQueriesOnlyFailWithParseErrors() {
    // A fixed seed: a failure reproduces on the next run.
    Random random = new Random(20240611L);
    List<String> queries = DocQueries.all();
    for (int round = 0; round < 20_000; round++) {
      String query = queries.get(random.nextInt(queries.size()));
      checkParses(mutate(query, random));
    }
  }

  @Test
  void deepNestingIsRefusedWithAParseError() {
    for (String query :
        List.of(
            "(".repeat(5000),
            "sum(".repeat(1200) + "rate({a=\"b\"}[5m])" + ")".repeat(1200),
            "{a=\"b\"} | " + "(".repeat(2500) + "x=\"y\"" + ")".repeat(2500),
            "1" + " ^ 1".repeat(1200),
            "-".repeat(5000))) {
      assertThatThrownBy(() -> LogqlParser.parse(query)).isInstanceOf(LogqlParseException.class);
    }
  }

  @Test
  void longFlatChainsAreNotLimitedByNesting() throws Exception {
    String chain = "{a=\"b\"} | " + String.join(", ", java.util.Collections.nCopies(900, "x>1"));
    assertThat(LogqlParser.parse(chain)).isInstanceOf(LogSelectorExpr.class);
    String juxtaposed = "{a=\"b\"} | " + String.join(" ", java.util.Collections.nCopies(700, "y=\"z\""));
    assertThat(LogqlParser.parse(juxtaposed)).isInstanceOf(LogSelectorExpr.class);
    String sums = "vector(1)" + " + vector(1)".repeat(400);
    assertThat(LogqlParser.parse(sums)).isInstanceOf(BinaryOperation.class);
  }

  private static String mutate(String query, Random random) {
    StringBuilder text = new StringBuilder(query);
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      int position = random.nextInt(text.length() + 1);
      switch (random.nextInt(5)) {
        case 0 -> {
          if (position < text.length()) {
            text.deleteCharAt(position);
          }
        }
        case 1 -> text.insert(position, FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
        case 2 -> {
          int end = Math.min(text.length(), position + random.nextInt(12));
          text.insert(position, text.substring(position, end));
        }
        case 3 -> {
          if (position < text.length()) {
            text.setCharAt(position, (char) (0x20 + random.nextInt(0x5f)));
          }
        }
        default -> {
          int end = Math.min(text.length(), position + random.nextInt(20));
          text.delete(position, end);
        }
      }
    }
    return text.toString();
  }

  static void checkParses(String query) {
    Expr parsed;
    try {
      parsed = LogqlParser.parse(query);
    } catch (LogqlParseException expected) {
      assertThat(expected.getMessage()).startsWith("parse error ");
      return;
    }
    String printed = LogqlPrinter.print(parsed);
    try {
      assertThat(LogqlParser.parse(printed)).as("%s printed as %s", query, printed).isEqualTo(parsed);
    } catch (LogqlParseException e) {
      throw new AssertionError(query + " parsed, but its printed form " + printed + " did not: " + e.getMessage(), e);
    }
  }
}
