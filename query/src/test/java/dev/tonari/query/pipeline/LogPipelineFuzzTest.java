package dev.tonari.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.LogqlParser;
import dev.tonari.store.Labels;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random lines through every kind of stage: no exception escapes, and error labels are Loki's values only. */
class LogPipelineFuzzTest {
  private static final List<String> QUERIES =
      List.of(
          "{a=\"b\"} | json",
          "{a=\"b\"} | json x=\"a.b[0]\", y=\"c\"",
          "{a=\"b\"} | logfmt",
          "{a=\"b\"} | logfmt --strict --keep-empty",
          "{a=\"b\"} | unpack",
          "{a=\"b\"} | pattern \"<x> <_> [<y>]\"",
          "{a=\"b\"} | regexp \"(?P<k>\\\\w+)=(?P<v>\\\\S*)\"",
          "{a=\"b\"} | decolorize",
          "{a=\"b\"} | logfmt | x > 10 or y < 1s and z >= 1KB",
          "{a=\"b\"} | logfmt | x = ip(\"10.0.0.0/8\")",
          "{a=\"b\"} | logfmt | line_format \"{{ .x | int | add 1 }} {{ div 10 (.y | int) }} {{ __line__ | trunc 3 }}\"",
          "{a=\"b\"} | logfmt | label_format z=\"{{ .x | duration }}\", w=x",
          "{a=\"b\"} | json | drop x, y=\"1\" | keep a, z",
          "{a=\"b\"} |> \"<_> = <_>\" |= ip(\"::1\")");

  @Provide
  Arbitrary<String> lines() {
    Arbitrary<String> pieces =
        Arbitraries.of("{", "}", "[", "]", "\"", ":", ",", "x", "=", "y", "1", "1.5s", "KB", " ", "\\", "\u001b[31m", "_entry", "10.1.2.3", "::1", "null", "true", "a.b");
    return Arbitraries.oneOf(pieces.list().ofMaxSize(40).map(list -> String.join("", list)), Arbitraries.strings().ofMaxLength(60));
  }

  @Property(tries = 1500)
  void randomLinesNeverThrow(@ForAll("lines") String line, @ForAll("queries") String query) throws Exception {
    LogPipeline pipeline = LogPipeline.compile(LogqlParser.parseLogSelector(query).pipeline());
    StreamPipeline stream = pipeline.forStream(Labels.of("a", "b"));
    if (stream.process(1, line, Labels.EMPTY)) {
      assertThat(stream.line()).isNotNull();
      String error = stream.labels().get("__error__");
      assertThat(error).isIn(null, "JSONParserErr", "LogfmtParserErr", "LabelFilterErr", "TemplateFormatErr");
    }
  }

  @Provide
  Arbitrary<String> queries() {
    return Arbitraries.of(QUERIES);
  }
}
