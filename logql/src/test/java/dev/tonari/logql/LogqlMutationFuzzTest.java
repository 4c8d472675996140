package dev.tonari.logql;

import dev.tonari.logql.fuzz.SeededMutationFuzzer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The LogQL parser under the seeded mutation fuzzer: Loki's documented queries, mutated with the
 * language's own tokens, parse or fail with a {@link LogqlParseException} only, and what parses
 * prints to a query that parses back to the same tree ({@link LogqlFuzzTest#checkParses}). The
 * default build runs {@value SeededMutationFuzzer#DEFAULT_INPUTS} inputs; {@code -Pfuzz} runs a
 * million (docs/testing.md).
 */
class LogqlMutationFuzzTest {
  @Test
  void mutatedQueriesParseOrFailWithAParseErrorOnly() throws Exception {
    SeededMutationFuzzer fuzzer = new SeededMutationFuzzer(SeededMutationFuzzer.utf8(DocQueries.all()), LogqlFuzzTest.FRAGMENTS);
    SeededMutationFuzzer.Report report = fuzzer.run("logql-parser", SeededMutationFuzzer.seed(1_207_2026L), SeededMutationFuzzer.inputs(),
        SeededMutationFuzzer.perInputBound(), thrown -> thrown instanceof LogqlParseException,
        input -> {
          String query = new String(input, StandardCharsets.UTF_8);
          // Refusals are counted by the fuzzer; what parses is checked to print and parse back to the same tree.
          LogqlParser.parse(query);
          LogqlFuzzTest.checkParses(query);
        });
    System.out.println(report);
  }
}
