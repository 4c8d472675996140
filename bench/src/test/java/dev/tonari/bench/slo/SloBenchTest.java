package dev.tonari.bench.slo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short form of {@code bench/slo.sh}, as {@code CrashRecoveryTest} is of the crash test: the
 * three SLO benchmarks on a tiny scale. What it asserts is that the engine's figures agree with
 * the baselines (the status counts equal the synthetic traffic's sums and the naive LogQL count,
 * the rollups equal the direct queries, the backfill adds up to the lines written), never how fast
 * anything ran.
 */
class SloBenchTest {
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void everyFigureAgreesWithItsBaselineOnATinyRun(@TempDir Path work) throws Exception {
    SloBench.Options tiny = new SloBench.Options("test", new StatusBench.Options(2, 3, 1, 7),
        new EvaluationBench.Options(6, 400, 3, 0, 2, 7),
        new BackfillBench.Options(10_000, 3, 1, 7));
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    SloBench.Report report = SloBench.run(tiny, java.util.EnumSet.allOf(SloBench.Part.class), work, new PrintStream(progress, true, StandardCharsets.UTF_8));

    ByteArrayOutputStream table = new ByteArrayOutputStream();
    SloBench.print(report, new PrintStream(table, true, StandardCharsets.UTF_8));
    String text = table.toString(StandardCharsets.UTF_8);
    assertThat(report.problems()).as(text).isEmpty();
    // 2 SLOs x (2 x 30 + 18 days) of history, of which every day with a request has a file.
    assertThat(report.status().orElseThrow().historyMinutes()).isEqualTo(78 * 1440);
    assertThat(report.status().orElseThrow().rollupFiles()).as(text).isGreaterThan(2 * 60);
    assertThat(report.status().orElseThrow().naiveLines()).as(text).isGreaterThan(15 * 1440);
    // The 6 SLOs spread over the catalog include a per-pod one, so group_by is exercised too.
    assertThat(report.evaluation().orElseThrow().queries()).isEqualTo(12);
    assertThat(report.evaluation().orElseThrow().groupedSlos()).isPositive();
    assertThat(report.evaluation().orElseThrow().processMillis()).hasSize(2);
    assertThat(report.backfill().orElseThrow().linesSelected()).as(text).isGreaterThan(report.backfill().orElseThrow().lines() / 2);
    assertThat(text).contains("| status of 2 SLOs").contains("| backfill of 4 SLOs").contains("checks: every figure agrees");
  }
}
