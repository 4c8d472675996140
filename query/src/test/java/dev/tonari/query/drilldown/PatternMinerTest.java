package dev.tonari.query.drilldown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.logql.LogqlParser;
import dev.tonari.query.pipeline.LogPipeline;
import dev.tonari.store.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Lines generated from known templates (seeded random values in their variable slots) come back
 * as exactly those templates, with their levels and per-step counts, and every pattern is a LogQL
 * pattern filter that keeps its own lines and none of the others.
 */
class PatternMinerTest {
  private static final long SECOND = 1_000_000_000L;

  /** A template: {@code <_>} marks where the generator puts a random value. */
  private record Template(String text, String level, Function<Random, String> variable) {}

  private static final List<Template> TEMPLATES = List.of(
      new Template("ts=<_> caller=grpc_logging.go:66 level=info method=/cortex.Ingester/Push duration=<_> msg=gRPC", "info",
          random -> String.valueOf(1_711_839_000 + random.nextInt(100_000))),
      new Template("user <_> logged in from <_>", "info", random -> "u" + random.nextInt(100_000)),
      new Template("connection refused to object store", "error", random -> ""),
      new Template("GET /api/orders/<_> returned <_> in <_>", "info", random -> String.valueOf(random.nextInt(100_000))),
      new Template("{\"level\":\"warn\",\"user\":{\"id\":\"<_>\",\"plan\":\"pro\"},\"latency_ms\":<_>,\"cached\":true}", "warn",
          random -> String.valueOf(random.nextInt(10_000))),
      new Template("level=error msg=payment-failed order_id=<_> reason=card-declined", "error", random -> String.valueOf(random.nextInt(99_999))));

  private record Line(long timestampNanos, String text, String level, Template template) {}

  private static List<Line> generate(long seed, int linesPerTemplate) {
    Random random = new Random(seed);
    List<Line> lines = new ArrayList<>();
    for (Template template : TEMPLATES) {
      for (int i = 0; i < linesPerTemplate; i++) {
        StringBuilder text = new StringBuilder();
        String[] parts = template.text().split("<_>", -1);
        for (int part = 0; part < parts.length; part++) {
          text.append(parts[part]);
          if (part < parts.length - 1) {
            text.append(template.variable().apply(random));
          }
        }
        lines.add(new Line(1_700_000_000L * SECOND + random.nextInt(600) * SECOND, text.toString(), template.level(), template));
      }
    }
    java.util.Collections.shuffle(lines, random);
    return lines;
  }

  @Test
  void linesFromKnownTemplatesComeBackAsThoseTemplates() {
    for (long seed : new long[] {1, 42, 20261207}) {
      List<Line> lines = generate(seed, 60);
      PatternMiner miner = new PatternMiner(60 * SECOND);
      for (Line line : lines) {
        miner.add(line.timestampNanos(), line.text(), line.level());
      }
      List<PatternMiner.Pattern> patterns = miner.patterns(1);
      Map<String, String> levelByPattern = patterns.stream().collect(Collectors.toMap(PatternMiner.Pattern::pattern, PatternMiner.Pattern::level));
      Map<String, String> expected = TEMPLATES.stream().collect(Collectors.toMap(Template::text, Template::level));
      assertThat(levelByPattern).as("seed %d", seed).isEqualTo(expected);
      for (PatternMiner.Pattern pattern : patterns) {
        assertThat(pattern.total()).isEqualTo(60);
        assertThat(pattern.samples().stream().mapToLong(sample -> sample[1]).sum()).isEqualTo(60);
      }
    }
  }

  @Test
  void samplesCountLinesPerStepAlignedToMultiplesOfTheStepInSeconds() {
    PatternMiner miner = new PatternMiner(60 * SECOND);
    long minute = 1_700_000_040L; // a multiple of 60
    miner.add((minute + 5) * SECOND, "job 1 done", "info");
    miner.add((minute + 59) * SECOND, "job 2 done", "info");
    miner.add((minute + 61) * SECOND, "job 3 done", "info");
    miner.add((minute + 200) * SECOND, "job 4 done", "info");
    List<PatternMiner.Pattern> patterns = miner.patterns(1);
    assertThat(patterns).hasSize(1);
    assertThat(patterns.get(0).pattern()).isEqualTo("job <_> done");
    assertThat(patterns.get(0).samples()).containsExactly(new long[] {minute, 2}, new long[] {minute + 60, 1}, new long[] {minute + 180, 1});
  }

  @Test
  void theSameTemplateAtTwoLevelsIsTwoPatternsMostLinesFirst() {
    PatternMiner miner = new PatternMiner(10 * SECOND);
    for (int i = 0; i < 3; i++) {
      miner.add(i * SECOND, "request " + i + " failed", "error");
    }
    for (int i = 0; i < 5; i++) {
      miner.add(i * SECOND, "request " + i + " failed", "info");
    }
    assertThat(miner.patterns(1)).extracting(PatternMiner.Pattern::pattern, PatternMiner.Pattern::level, PatternMiner.Pattern::total)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("request <_> failed", "info", 5L),
            org.assertj.core.groups.Tuple.tuple("request <_> failed", "error", 3L));
    assertThat(miner.patterns(4)).hasSize(1);
  }

  @Test
  void linesOfDifferentShapeOrWordsStayApart() {
    PatternMiner miner = new PatternMiner(10 * SECOND);
    miner.add(0, "disk sda full now", "info");
    miner.add(0, "user alice logged in", "info");
    miner.add(0, "a=1 b=2", "info");
    miner.add(0, "a:1 b:2", "info");
    assertThat(miner.patterns(1)).extracting(PatternMiner.Pattern::pattern)
        .containsExactlyInAnyOrder("disk sda full now", "user alice logged in", "a=1 b=2", "a:1 b:2");
  }

  @Test
  void tokensConcatenateBackToTheLine() {
    Random random = new Random(7);
    String alphabet = "ab1 =\":{},.-_\u00e9\u4e2d\t";
    for (int i = 0; i < 2000; i++) {
      StringBuilder line = new StringBuilder();
      for (int c = random.nextInt(40); c > 0; c--) {
        line.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertThat(String.join("", PatternMiner.tokenize(line.toString()))).isEqualTo(line.toString());
    }
  }

  @Test
  void everyPatternIsALogqlFilterThatKeepsItsLinesOnly() throws Exception {
    List<Line> lines = generate(99, 30);
    PatternMiner miner = new PatternMiner(60 * SECOND);
    for (Line line : lines) {
      miner.add(line.timestampNanos(), line.text(), line.level());
    }
    Map<String, List<String>> linesByTemplate = new HashMap<>();
    for (Line line : lines) {
      linesByTemplate.computeIfAbsent(line.template().text(), key -> new ArrayList<>()).add(line.text());
    }
    for (PatternMiner.Pattern pattern : miner.patterns(1)) {
      String query = "{a=\"b\"} |> `" + pattern.pattern() + "`";
      LogPipeline filter = LogPipeline.compile(LogqlParser.parseLogSelector(query).pipeline());
      for (Line line : lines) {
        boolean kept = filter.forStream(Labels.of("a", "b")).process(0, line.text(), Labels.EMPTY);
        assertThat(kept).as("%s on %s", query, line.text()).isEqualTo(line.template().text().equals(pattern.pattern()));
      }
    }
  }

  @Test
  void aStepThatIsNotPositiveIsRefused() {
    assertThatThrownBy(() -> new PatternMiner(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
  }
}
