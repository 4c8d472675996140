package dev.tonari.bench.slo;

import dev.tonari.slo.engine.ApplyOutcome;
import dev.tonari.slo.engine.SloService;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/** What the three SLO benchmarks share: applying specs, opening stores, order statistics, files. */
final class BenchSupport {
  private BenchSupport() {}

  /** Applies a YAML body and fails loudly unless every SLO in it was accepted. */
  static void apply(SloService service, String tenant, String yaml, String name) throws IOException {
    ApplyOutcome outcome = service.apply(tenant, yaml, name);
    if (!(outcome instanceof ApplyOutcome.Applied)) {
      throw new IllegalStateException("the benchmark's SLO body " + name + " of tenant " + tenant + " was not applied: " + outcome + "\n" + yaml);
    }
  }

  /**
   * A disk store as the server runs it (default flush size, merges, one scan thread per core), but
   * without the background thread (the benchmark calls {@link DiskLogStore#maintain()} between
   * batches, so that the data is laid out the same way every run) and without retention (the
   * benchmark's timestamps come from its own clock, not the machine's).
   */
  static DiskLogStore openStore(Path directory, Clock clock) throws IOException {
    DiskLogStoreConfig config = DiskLogStoreConfig.defaults(directory)
        .withMaintenanceInterval(Duration.ZERO)
        .withRetention(Duration.ZERO, null)
        .withClock(clock);
    return DiskLogStore.open(config);
  }

  /** Flushes the head and runs every merge the policy asks for, as the background thread would. */
  static void settle(DiskLogStore store) throws IOException {
    store.flush();
    while (store.mergeOnce()) {
      // Each merge may make the next level due.
    }
  }

  /** The q-quantile (0..1) of the values, by the nearest-rank method. */
  static double quantile(double[] values, double q) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values to take a quantile of");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double median(double[] values) {
    return quantile(values, 0.5);
  }

  static double min(double[] values) {
    return Arrays.stream(values).min().orElseThrow();
  }

  /** Number of regular files and their bytes under a directory. */
  static long[] filesAndBytes(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      long[] result = new long[2];
      paths.filter(Files::isRegularFile).forEach(path -> {
        result[0]++;
        try {
          result[1] += Files.size(path);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot measure " + path, e);
        }
      });
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot walk " + directory, e);
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
