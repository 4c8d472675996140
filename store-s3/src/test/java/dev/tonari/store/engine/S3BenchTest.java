package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.object.s3.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small run of the S3 benchmark in the build: the figures are not asserted (no speed in tests),
 * but what they rest on is: S3 and local storage give the same results, the needle fetches a
 * small share of the stored bytes, warm-cache runs fetch nothing.
 */
class S3BenchTest {
  @TempDir Path work;

  @Test
  void aSmallRunGivesTheSameResultsOnS3AndLocallyAndWarmRunsFetchNothing() throws Exception {
    S3Bench.Result result;
    try (S3ProxyServer server = S3ProxyServer.start()) {
      result = S3Bench.run(server, work, 60_000, 1);
    }
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    S3Bench.print(result, new PrintStream(printed, true, StandardCharsets.UTF_8));
    System.out.print(printed.toString(StandardCharsets.UTF_8));
    assertThat(result.queries()).hasSize(3);
    S3Bench.QueryCost needle = result.queries().get(0);
    assertThat(needle.matches()).isEqualTo(1);
    assertThat(needle.coldBytesFetched()).isPositive().isLessThan(result.storedBytes() / 4);
    assertThat(result.queries()).allSatisfy(q -> assertThat(q.warmBytesFetched()).isZero());
    assertThat(result.queries().get(1).matches()).isPositive();
    assertThat(result.openGets()).isEqualTo(result.parts());
  }
}
