package dev.tonari.bench.rules;

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
 * The short form of {@code bench/rules.sh}: the ruler benchmark on a tiny scale. It asserts that
 * the rulers with and without shared scans and the direct queries agree, and that sharing reads
 * the store less often, never how fast anything ran.
 */
class RulesBenchTest {
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void bothRulersAndTheDirectQueriesAgreeOnATinyRun(@TempDir Path work) throws Exception {
    RulesBench.Options tiny = new RulesBench.Options("test", 80, 600, 16, 0, 1, 3);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    RulesBench.Result result = RulesBench.run(tiny, work, new PrintStream(progress, true, StandardCharsets.UTF_8));

    ByteArrayOutputStream table = new ByteArrayOutputStream();
    RulesBench.print(result, new PrintStream(table, true, StandardCharsets.UTF_8));
    String text = table.toString(StandardCharsets.UTF_8);
    assertThat(result.problems()).as(text).isEmpty();
    assertThat(result.rules()).isEqualTo(80);
    assertThat(result.recorded()).as(text).isPositive();
    // 80 rules over 36 selectors: most range reads are served by a shared load.
    assertThat(result.scansPerCycle().storeScans()).as(text).isLessThan(result.rangeReadsPerCycle());
    assertThat(result.scansPerCycle().sharedReads()).as(text).isGreaterThan(result.scansPerCycle().sharedLoads());
    assertThat(text).contains("| ruler, shared scans |").contains("| ruler, without shared scans |").contains("| baseline:").contains("checks: both rulers agree");
  }
}
