package dev.tonari.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short form of {@link CrashTest}: three SIGKILLs of the real server while four pushers send
 * up to 3000 numbered entries; every acknowledged entry must be read back exactly once. Needs
 * the shaded server jar, which a reactor build packages in cli before bench's tests run.
 */
class CrashRecoveryTest {
  private static final Path JAR = Path.of("../cli/target/tonari.jar");

  @Test
  @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
  void acknowledgedEntriesSurviveKillNineExactlyOnce(@TempDir Path workDir) throws Exception {
    Assumptions.assumeTrue(
        Files.isRegularFile(JAR),
        "skipped: " + JAR.toAbsolutePath().normalize() + " is absent; run ./mvnw verify from the repository root so cli is packaged first");
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    CrashTest.Options options =
        new CrashTest.Options(JAR, workDir, 3, 150, 20, 4, Duration.ofMillis(400), Duration.ofMillis(1500), Duration.ofMillis(50), 20240501L);
    CrashTest.Result result = new CrashTest(options, new PrintStream(report, true, StandardCharsets.UTF_8)).run();
    String text = report.toString(StandardCharsets.UTF_8);
    assertThat(result.problems()).as(text).isEmpty();
    // Batches are created only while the server is being killed, so how many depends on how fast
    // this machine pushes; at least a few lives' worth must have been pushed for the test to mean
    // anything, and all of them must come back.
    assertThat(result.entriesExpected()).as(text).isBetween(20L * 20, 3000L);
    assertThat(result.entriesExpected()).isEqualTo(result.batchesAcknowledged() * 20L);
    assertThat(result.entriesReturned()).as(text).isEqualTo(result.entriesExpected());
  }
}
