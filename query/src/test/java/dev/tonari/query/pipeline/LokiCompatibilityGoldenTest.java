package dev.tonari.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.LogqlParser;
import dev.tonari.store.Labels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cases of {@code loki-compat/pipeline.txt}: lines through a log pipeline, each with the
 * answer Loki 3.x gives (labels with {@code __error__} and {@code __error_details__}, the line, or
 * dropped), taken from the examples of Loki's documentation and from the behaviour of its parsers.
 */
class LokiCompatibilityGoldenTest {
  private static final String RESOURCE = "/loki-compat/pipeline.txt";

  /** One pushed line and what Loki answers: null labels for a dropped line. */
  record Expectation(String line, Labels labels, String resultLine) {}

  record Case(String name, Labels stream, String query, List<Expectation> expectations) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() throws IOException {
    List<Case> cases = new ArrayList<>();
    String text;
    try (InputStream in = LokiCompatibilityGoldenTest.class.getResourceAsStream(RESOURCE)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String name = null;
    Labels stream = null;
    String query = null;
    List<Expectation> expectations = null;
    String pendingLine = null;
    for (String raw : text.split("\n", -1)) {
      String row = raw.replace("<ESC>", "\u001b");
      if (row.startsWith("=== ")) {
        if (name != null) {
          cases.add(new Case(name, stream, query, expectations));
        }
        name = row.substring(4);
        expectations = new ArrayList<>();
      } else if (row.startsWith("stream: ")) {
        stream = Labels.parse(row.substring(8));
      } else if (row.startsWith("query: ")) {
        query = row.substring(7);
      } else if (row.startsWith("in: ")) {
        pendingLine = row.substring(4);
      } else if (row.equals("dropped")) {
        expectations.add(new Expectation(pendingLine, null, null));
      } else if (row.startsWith("labels: ")) {
        expectations.add(new Expectation(pendingLine, Labels.parse(row.substring(8)), pendingLine));
      } else if (row.startsWith("line: ")) {
        Expectation last = expectations.remove(expectations.size() - 1);
        expectations.add(new Expectation(last.line(), last.labels(), row.substring(6)));
      }
    }
    if (name != null) {
      cases.add(new Case(name, stream, query, expectations));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersAsLoki(Case golden) throws Exception {
    assertThat(golden.expectations()).as("case %s has lines", golden.name()).isNotEmpty();
    StreamPipeline pipeline = LogPipeline.compile(LogqlParser.parseLogSelector(golden.query()).pipeline()).forStream(golden.stream());
    for (Expectation expected : golden.expectations()) {
      boolean kept = pipeline.process(1_000_000_000L, expected.line(), Labels.EMPTY);
      if (expected.labels() == null) {
        assertThat(kept).as("%s: %s is dropped", golden.name(), expected.line()).isFalse();
        continue;
      }
      assertThat(kept).as("%s: %s is kept", golden.name(), expected.line()).isTrue();
      assertThat(pipeline.labels()).as("%s: labels of %s", golden.name(), expected.line()).isEqualTo(expected.labels());
      assertThat(pipeline.line()).as("%s: line of %s", golden.name(), expected.line()).isEqualTo(expected.resultLine());
    }
  }
}
