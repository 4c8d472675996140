package dev.tonari.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short form of {@link ClusterCrashTest}: a cluster of 8 Tonari processes on Kafka, PostgreSQL
 * and s3proxy, an ingester killed with SIGKILL and replaced, Kafka and PostgreSQL each away for 4 s,
 * the ruler replaced; every acknowledged entry read back exactly once through both queriers, no
 * silently short answer on the way, the alert fired once. Needs the shaded server jar (packaged
 * in cli by the reactor before bench's tests) and Debian's PostgreSQL.
 */
class ClusterCrashRecoveryTest {
  private static final Path JAR = Path.of("../cli/target/tonari.jar");

  @Test
  @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
  void acknowledgedLinesSurviveIngesterKafkaAndPostgresLossExactlyOnce(@TempDir Path workDir) throws Exception {
    Optional<String> missing = LocalCluster.missingComponent(JAR);
    if (missing.isPresent()) {
      System.out.println(missing.get());
    }
    Assumptions.assumeTrue(missing.isEmpty(), missing.orElse(""));
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    ClusterCrashTest.Options options = new ClusterCrashTest.Options(JAR, workDir.resolve("cluster"), 4000, 20, 3, Duration.ofMillis(30),
        Duration.ofSeconds(6), Duration.ofSeconds(4), List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    ClusterCrashTest.Result result = new ClusterCrashTest(options, new PrintStream(report, true, StandardCharsets.UTF_8)).run();
    String text = report.toString(StandardCharsets.UTF_8);
    System.out.println(text);
    assertThat(result.problems()).as(text).isEmpty();
    assertThat(result.batchesAcknowledged()).as(text).isGreaterThan(ClusterCrashTest.MARKER_BATCH);
    assertThat(result.entriesReturnedPerQuerier()).as(text).hasSize(2).allMatch(returned -> returned == result.entriesExpected());
    assertThat(result.kafkaOutage503()).as(text).isPositive();
    assertThat(result.firings()).as(text).hasSize(1);
    assertThat(result.completeAnswers()).as("some queries during the run must have answered complete: " + text).isPositive();
  }
}
