package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.object.ObjectInfo;
import dev.tonari.store.object.s3.FaultInjectingProxy;
import dev.tonari.store.object.s3.FaultInjectingProxy.Fault;
import dev.tonari.store.object.s3.S3ProxyServer;
import dev.tonari.store.object.s3.S3Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on S3 behind a proxy that injects errors, resets, slowness and dropped requests:
 * transient faults are retried, a commit that never arrives leaves the data in the WAL and an
 * orphan that is swept, and every acknowledged line is read back exactly once.
 */
class S3FaultInjectionTest {
  private static final Labels API = Labels.of("app", "api");
  private static S3ProxyServer server;
  private FaultInjectingProxy proxy;
  private S3Settings settings;
  private S3Settings direct;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void startProxy() throws Exception {
    proxy = new FaultInjectingProxy(server.port());
    String bucket = server.createBucket();
    direct = server.settings(bucket, "faults");
    settings = direct.withEndpoint(proxy.endpoint()).withRetries(4, Duration.ofSeconds(1));
  }

  @AfterEach
  void stopProxy() throws Exception {
    proxy.close();
  }

  private static List<StreamBatch> batch(long timestamp, String line) {
    return List.of(new StreamBatch(API, List.of(new LogEntry(timestamp, line))));
  }

  @Test
  void errorsResetsAndSlowDownAreRetriedWithBackoff() throws Exception {
    Map<String, Integer> written = new HashMap<>();
    try (S3Stores.S3Store writer = S3Stores.open(settings, directory.resolve("writer"))) {
      for (int i = 0; i < 20; i++) {
        writer.store.append("team", batch(i, "line " + i));
        written.put(API + " " + i + " line " + i, 1);
      }
      proxy.inject(r -> r.startsWith("PUT ") && r.contains("/parts/"), Fault.SLOW_DOWN, 2);
      proxy.inject(r -> r.startsWith("PUT ") && r.contains("/commits/"), Fault.RESET, 1);
      proxy.inject(r -> r.startsWith("PUT ") && r.contains("/commits/"), Fault.INTERNAL_ERROR, 1);
      writer.store.flush();
      assertThat(proxy.faultsInjected()).isEqualTo(4);
    }
    proxy.inject(r -> r.startsWith("GET ") && r.contains("/parts/"), Fault.INTERNAL_ERROR, 1);
    proxy.inject(r -> r.startsWith("GET ") && r.contains("/commits/"), Fault.RESET, 1);
    try (S3Stores.S3Store fresh = S3Stores.open(settings, directory.resolve("fresh"))) {
      assertThat(S3Stores.readAll(fresh.store, "team")).isEqualTo(written);
    }
    assertThat(proxy.faultsInjected()).isEqualTo(6);
  }

  @Test
  void aRequestSlowerThanTheAttemptTimeoutIsAbandonedAndRetried() throws Exception {
    try (S3Stores.S3Store writer = S3Stores.open(settings, directory.resolve("writer"))) {
      writer.store.append("team", batch(1, "slow but there"));
      proxy.delay(r -> r.startsWith("PUT ") && r.contains("/parts/"), 2_500, 1);
      writer.store.flush();
      assertThat(proxy.requests().stream().filter(r -> r.startsWith("PUT ") && r.contains("/parts/")).count()).isEqualTo(2);
    }
    try (S3Stores.S3Store fresh = S3Stores.open(direct, directory.resolve("fresh"))) {
      assertThat(S3Stores.readAll(fresh.store, "team")).containsOnlyKeys(API + " 1 slow but there");
    }
  }

  @Test
  void aCommitThatNeverArrivesKeepsTheWalAndLeavesAnOrphanThatIsSwept() throws Exception {
    Map<String, Integer> acknowledged = new HashMap<>();
    S3Stores.S3Store writer = S3Stores.open(settings, directory.resolve("writer"));
    for (int i = 0; i < 30; i++) {
      writer.store.append("team", batch(i, "acknowledged " + i));
      acknowledged.put(API + " " + i + " acknowledged " + i, 1);
    }
    // Every commit is dropped after the part's upload went through.
    proxy.inject(r -> r.startsWith("PUT ") && r.contains("/commits/"), Fault.DROP, 1_000);
    assertThatThrownBy(writer.store::flush).hasMessageContaining("writing part team/parts/00-00000000000000000001.part");
    // The failed commit's part was deleted again or is an orphan; either way no reader sees it.
    try (S3Stores.S3Store reader = S3Stores.open(direct, directory.resolve("reader"),
        RemoteStorageOptions.defaults().withCache(directory.resolve("reader-cache"), 1 << 20).withReadOnly(true, Duration.ofSeconds(1)))) {
      assertThat(S3Stores.readAll(reader.store, "team")).isEmpty();
    }
    // Appends still work (the WAL takes them); then the process dies.
    writer.store.append("team", batch(100, "after the failed flush"));
    acknowledged.put(API + " 100 after the failed flush", 1);
    writer.crash();
    proxy.clearFaults();
    // Leave an orphan as a crash between upload and commit would.
    try (var objects = dev.tonari.store.object.s3.S3ObjectStore.open(direct)) {
      objects.put("team/parts/00-00000000000000000003.part", new byte[] {1, 2, 3});
    }
    try (S3Stores.S3Store restarted = S3Stores.open(settings, directory.resolve("writer"))) {
      assertThat(restarted.store.metrics().orphanPartsDeleted()).isPositive();
      assertThat(S3Stores.readAll(restarted.store, "team")).isEqualTo(acknowledged);
      restarted.store.flush();
    }
    try (S3Stores.S3Store fresh = S3Stores.open(direct, directory.resolve("fresh"))) {
      assertThat(S3Stores.readAll(fresh.store, "team")).isEqualTo(acknowledged);
      List<String> keys = fresh.objects.list("").stream().map(ObjectInfo::key).toList();
      assertThat(keys).allMatch(k -> k.contains("/commits/") || k.contains("/parts/"));
      assertThat(keys.stream().filter(k -> k.contains("/parts/")).count()).isEqualTo(keys.stream().filter(k -> k.contains("/commits/")).count());
    }
  }
}
