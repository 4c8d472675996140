package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.object.LocalObjectStore;
import dev.tonari.store.object.ObjectInfo;
import dev.tonari.store.object.s3.S3ObjectStore;
import dev.tonari.store.object.s3.S3ProxyServer;
import dev.tonari.store.object.s3.S3Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PartMigration}: a local data directory's parts to S3, resumable and verified, then served by a fresh server on the bucket. */
class S3PartMigrationTest {
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
  void partsAreCopiedResumedAndVerifiedAndAFreshServerServesThem() throws Exception {
    Path local = directory.resolve("local");
    Map<String, Integer> written = new HashMap<>();
    try (DiskLogStore store = DiskLogStore.open(DiskLogStoreConfig.defaults(local).withMaintenanceInterval(Duration.ZERO).withRetention(Duration.ZERO, null))) {
      for (int flush = 0; flush < 3; flush++) {
        for (String tenant : List.of("team-a", "team-b")) {
          store.append(tenant, List.of(new StreamBatch(Labels.of("app", "api"), List.of(new LogEntry(flush, tenant + " flush " + flush)))));
          written.put(tenant + " " + flush, 1);
        }
        store.flush();
      }
    }
    S3Settings settings = server.settings(server.createBucket(), "migrated");
    try (LocalObjectStore source = new LocalObjectStore(local.resolve("objects")); S3ObjectStore bucket = S3ObjectStore.open(settings)) {
      // An interrupted earlier run: one part copied with its commit, another uploaded without.
      String first = PartMigration.parts(source).get(0).key();
      PartMigration.migrate(onlyKeys(source, List.of(first)), bucket, (d, t, b, tb, k, s) -> {});
      String second = PartMigration.parts(source).get(1).key();
      var bytes = source.get(second);
      byte[] content = new byte[bytes.remaining()];
      bytes.get(content);
      bucket.put(second, content);
      List<String> progress = new ArrayList<>();
      PartMigration.Result result = PartMigration.migrate(source, bucket, (done, total, b, tb, key, skipped) -> progress.add(done + "/" + total + (skipped ? " skipped" : "")));
      assertThat(result.copied()).isEqualTo(5);
      assertThat(result.skipped()).isEqualTo(1);
      assertThat(progress).containsExactly("1/6 skipped", "2/6", "3/6", "4/6", "5/6", "6/6");
      assertThat(PartMigration.verify(source, bucket, (d, t, b, tb, k, s) -> {}).problems()).isEmpty();
      // Damage one copy: verification names it.
      bucket.put(second, new byte[] {1, 2, 3});
      assertThat(PartMigration.verify(source, bucket, (d, t, b, tb, k, s) -> {}).problems()).singleElement().asString().startsWith(second + ": content differs");
      PartMigration.migrate(onlyKeys(source, List.of(second)), bucket, (d, t, b, tb, k, s) -> {});
      assertThat(bucket.list("").stream().map(ObjectInfo::key).filter(k -> k.contains("/commits/")).count()).isEqualTo(6);
    }
    try (S3Stores.S3Store fresh = S3Stores.open(settings, directory.resolve("fresh"))) {
      Map<String, Integer> read = new HashMap<>();
      for (String tenant : List.of("team-a", "team-b")) {
        S3Stores.readAll(fresh.store, tenant).forEach((entry, count) -> read.merge(tenant + " " + entry.split(" ")[1], count, Integer::sum));
      }
      assertThat(read).isEqualTo(written);
    }
  }

  /** A copy of some of a store's objects: what an interrupted run had seen. */
  private static dev.tonari.store.object.InMemoryObjectStore onlyKeys(LocalObjectStore source, List<String> keys) throws Exception {
    dev.tonari.store.object.InMemoryObjectStore some = new dev.tonari.store.object.InMemoryObjectStore();
    for (String key : keys) {
      var bytes = source.get(key);
      byte[] content = new byte[bytes.remaining()];
      bytes.get(content);
      some.put(key, content);
    }
    return some;
  }
}
