package dev.tonari.slo.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.slo.spec.SloSpecParser.ParseResult;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random edits of valid files never make the parser throw: the answer is always Parsed or Invalid. */
class SloSpecFuzzTest {
  private static final List<String> FILES = List.of("sloth-getting-started.yml", "sloth-multifile.yml", "sloth-k8s-apiserver.yml",
      "sloth-raw-home-wifi.yml", "sloth-logql.yml", "openslo-calendar-timeslices.yaml", "openslo-indicator-ref.yaml", "openslo-alerting.yaml",
      "openslo-threshold-ratio-timeslices.yaml");
  private static final List<String> TOKENS = List.of(":", "- ", "{", "}", "[", "]", "\"", "'", "|", "\n", "  ", "---\n", "null", "0", "-1", "1e999",
      "{{.window}}", "true", "&a", "*a", "!!binary", "#", "\t", "99.9", "1M", "0m", "objective", "indicatorRef", "spec", "kind", "AlertPolicy");

  record Edit(int position, int deleted, String inserted) {}

  @Provide
  Arbitrary<String> mutatedFile() {
    Arbitrary<String> file = Arbitraries.of(FILES).map(SpecFiles::read);
    Arbitrary<List<Edit>> edits = Combinators.combine(Arbitraries.integers().between(0, 4000), Arbitraries.integers().between(0, 40),
        Arbitraries.oneOf(Arbitraries.of(TOKENS), Arbitraries.strings().ofMaxLength(8))).as(Edit::new).list().ofMaxSize(6);
    Arbitrary<Integer> truncation = Arbitraries.integers().between(0, 4000);
    return Combinators.combine(file, edits, truncation).as((text, list, cut) -> {
      StringBuilder mutated = new StringBuilder(text);
      for (Edit edit : list) {
        int at = Math.min(edit.position(), mutated.length());
        mutated.replace(at, Math.min(mutated.length(), at + edit.deleted()), edit.inserted());
      }
      return cut % 3 == 0 ? mutated.substring(0, Math.min(cut, mutated.length())) : mutated.toString();
    });
  }

  @Property(tries = 300)
  void mutatedFilesParseOrAreRefusedWithPositionedProblems(@ForAll("mutatedFile") String text) {
    ParseResult result = new SloSpecParser().parse(text, "fuzz.yaml");

    switch (result) {
      case ParseResult.Parsed parsed -> assertThat(parsed.slos()).allSatisfy(slo -> assertThat(slo.origin().line()).isPositive());
      case ParseResult.Invalid invalid -> assertThat(invalid.problems()).isNotEmpty().allSatisfy(problem -> {
        assertThat(problem.line()).isPositive();
        assertThat(problem.column()).isPositive();
        assertThat(problem.message()).isNotBlank();
      });
    }
  }
}
