package dev.tonari.bench.jmh;

import dev.tonari.cli.generate.GeneratedLine;
import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.query.drilldown.DetectedFields;
import dev.tonari.query.drilldown.PatternMiner;
import dev.tonari.query.pipeline.LogPipeline;
import dev.tonari.query.pipeline.PipelineCompileException;
import dev.tonari.query.pipeline.StreamPipeline;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a Logs Drilldown call costs per line: mining 4 MB of generated lines into patterns (the
 * {@code patterns} endpoint) and detecting the fields of 1000 of them ({@code detected_fields}),
 * against the baseline of running {@code | logfmt} over the same lines, the parse every field
 * breakdown query of Drilldown makes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class PatternMiningBenchmark {
  private List<GeneratedLine> lines;
  private List<GeneratedLine> sample;
  private LogPipeline logfmt;

  @Setup(Level.Trial)
  public void setUp() throws LogqlParseException, PipelineCompileException {
    lines = BenchmarkData.lines(4L << 20);
    sample = lines.subList(0, Math.min(1000, lines.size()));
    logfmt = LogPipeline.compile(LogqlParser.parseLogSelector("{a=\"b\"} | logfmt").pipeline());
  }

  @Benchmark
  public int minePatterns() {
    PatternMiner miner = new PatternMiner(60_000_000_000L);
    for (GeneratedLine line : lines) {
      miner.add(line.entry().timestampNanos(), line.entry().line(), "info");
    }
    return miner.patterns(1).size();
  }

  @Benchmark
  public int baselineLogfmtOverTheSameLines() {
    int labels = 0;
    StreamPipeline pipeline = null;
    dev.tonari.store.Labels stream = null;
    for (GeneratedLine line : lines) {
      if (pipeline == null || !line.labels().equals(stream)) {
        stream = line.labels();
        pipeline = logfmt.forStream(stream);
      }
      pipeline.process(line.entry().timestampNanos(), line.entry().line(), line.entry().metadata());
      labels += pipeline.labels().size();
    }
    return labels;
  }

  @Benchmark
  public int detectFieldsOfAThousandLines() {
    DetectedFields fields = new DetectedFields(1000);
    for (GeneratedLine line : sample) {
      fields.add(line.labels(), line.entry().line(), line.entry().metadata());
    }
    return fields.fields().size();
  }

  /** How many lines the two whole-range benchmarks read, to turn their times into lines per second. */
  public int lineCount() {
    return lines.size();
  }
}
