package dev.tonari.logql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example query of Loki's documentation parses, prints, and parses back to the same tree. */
class LokiDocQueriesTest {
  static List<String> docQueries() {
    return DocQueries.all();
  }

  @Test
  void theCollectionHoldsEnoughExamples() {
    assertThat(DocQueries.all()).hasSizeGreaterThanOrEqualTo(60);
  }

  @ParameterizedTest
  @MethodSource("docQueries")
  void parsesPrintsAndParsesBack(String query) throws Exception {
    Expr parsed = LogqlParser.parse(query);
    String printed = LogqlPrinter.print(parsed);
    Expr reparsed = LogqlParser.parse(printed);
    assertThat(reparsed).as(printed).isEqualTo(parsed);
    assertThat(LogqlPrinter.print(reparsed)).isEqualTo(printed);
  }
}
