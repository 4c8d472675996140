package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.object.s3.S3ProxyServer;
import dev.tonari.store.object.s3.S3Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes on S3 storage (the process dropped as kill -9 leaves it, nothing flushed) at seeded
 * random points, alternating restarts on the same data directory (the WAL is replayed) with
 * restarts on an emptied one (a lost disk). Every acknowledged line is read back exactly once:
 * with {@code ack_after_upload} any push may be followed by a lost disk; without it, only after a
 * graceful stop.
 */
class S3CrashTest {
  private static final Labels[] STREAMS = {Labels.of("app", "api"), Labels.of("app", "web"), Labels.of("app", "db", "env", "prod")};
  private static S3ProxyServer server;
  @TempDir Path directory;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void everyAcknowledgedLineIsReadExactlyOnceAfterCrashesAndLostDisks() throws Exception {
    Random random = new Random(20261206);
    S3Settings settings = server.settings(server.createBucket(), "crash");
    Map<String, Integer> acknowledged = new HashMap<>();
    Path data = directory.resolve("data");
    boolean diskMayBeLost = true;
    for (int life = 0; life < 8; life++) {
      boolean ackAfterUpload = random.nextBoolean();
      if (diskMayBeLost && random.nextBoolean()) {
        emptyDirectory(data);
      }
      RemoteStorageOptions options = RemoteStorageOptions.defaults().withCache(data.resolve("cache"), 1 << 20).withAckAfterUpload(ackAfterUpload);
      S3Stores.S3Store store = S3Stores.open(settings, data, options);
      assertThat(S3Stores.readAll(store.store, "t")).as("life %d", life).isEqualTo(acknowledged);
      int pushes = 1 + random.nextInt(10);
      for (int i = 0; i < pushes; i++) {
        Labels labels = STREAMS[random.nextInt(STREAMS.length)];
        long timestamp = random.nextInt(1_000);
        String line = "life " + life + " push " + i;
        store.store.append("t", List.of(new StreamBatch(labels, List.of(new LogEntry(timestamp, line)))));
        acknowledged.put(labels + " " + timestamp + " " + line, 1);
        if (random.nextInt(8) == 0) {
          // A client's retry of a push it saw fail: stored once.
          store.store.append("t", List.of(new StreamBatch(labels, List.of(new LogEntry(timestamp, line)))));
        }
        if (random.nextInt(6) == 0) {
          store.store.flush();
        }
        if (random.nextInt(10) == 0 && store.store.mergeOnce()) {
          continue;
        }
      }
      if (random.nextInt(3) == 0) {
        store.close();
        diskMayBeLost = true;
      } else {
        store.crash();
        diskMayBeLost = ackAfterUpload;
      }
    }
    if (!diskMayBeLost) {
      // The head of the last life is only in its WAL: replay it and stop gracefully, which uploads it.
      S3Stores.open(settings, data).close();
    }
    emptyDirectory(data);
    try (S3Stores.S3Store last = S3Stores.open(settings, data)) {
      assertThat(S3Stores.readAll(last.store, "t")).isEqualTo(acknowledged);
    }
  }

  private static void emptyDirectory(Path root) throws Exception {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }
}
