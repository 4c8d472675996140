package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.object.ObjectInfo;
import dev.tonari.store.object.s3.S3ProxyServer;
import dev.tonari.store.object.ObjectRequestCounters;
import dev.tonari.store.object.s3.S3Settings;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine on S3 (s3proxy): commits, fresh and read-only servers, deletion, quarantine, ranged reads. */
class S3DiskLogStoreTest {
  private static final Labels API = Labels.of("app", "api");
  private static final Labels WEB = Labels.of("app", "web", "env", "prod");
  private static S3ProxyServer server;

  @TempDir Path directory;
  private String bucket;
  private S3Settings settings;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void createBucket() {
    bucket = server.createBucket();
    settings = server.settings(bucket, "tonari");
  }

  private static List<StreamBatch> batch(Labels labels, long timestamp, String line) {
    return List.of(new StreamBatch(labels, List.of(new LogEntry(timestamp, line))));
  }

  private List<String> keys(S3Stores.S3Store s) throws Exception {
    return s.objects.list("").stream().map(ObjectInfo::key).toList();
  }

  @Test
  void aFlushUploadsAPartAndItsCommitAndAFreshServerServesLinesLabelsAndSeries() throws Exception {
    Map<String, Integer> written = new HashMap<>();
    try (S3Stores.S3Store writer = S3Stores.open(settings, directory.resolve("writer"))) {
      for (int i = 0; i < 200; i++) {
        Labels labels = i % 3 == 0 ? WEB : API;
        writer.store.append("team", batch(labels, 1_000 + i, "line " + i + " user=" + (i % 7)));
        written.put(labels + " " + (1_000 + i) + " line " + i + " user=" + (i % 7), 1);
      }
      writer.store.flush();
      assertThat(keys(writer)).containsExactly("team/commits/00-00000000000000000001.commit", "team/parts/00-00000000000000000001.part");
      assertThat(writer.objects.counters().requests("team", ObjectRequestCounters.Operation.PUT)).isEqualTo(2);
    }
    try (S3Stores.S3Store fresh = S3Stores.open(settings, directory.resolve("fresh"))) {
      assertThat(S3Stores.readAll(fresh.store, "team")).isEqualTo(written);
      assertThat(fresh.store.tenants()).containsExactly("team");
      assertThat(fresh.store.series("team", l -> true, 0, Long.MAX_VALUE)).containsExactly(API, WEB);
      assertThat(fresh.store.labelNames("team", 0, Long.MAX_VALUE)).containsExactly("app", "env");
      assertThat(fresh.store.labelValues("team", "app", 0, Long.MAX_VALUE)).containsExactly("api", "web");
      // Opening read the commit only; the query fetched the part's blocks by range, never the whole part.
      assertThat(fresh.objects.counters().requests("team", ObjectRequestCounters.Operation.GET)).isGreaterThanOrEqualTo(2);
      long partBytes = fresh.objects.list("team/parts/").get(0).size();
      assertThat(fresh.store.metrics().remoteBytesFetched()).isPositive().isLessThan(partBytes);
    }
  }

  @Test
  void anUploadWithoutItsCommitIsNeverServedAndTheSweeperDeletesIt() throws Exception {
    try (S3Stores.S3Store writer = S3Stores.open(settings, directory.resolve("writer"))) {
      writer.store.append("team", batch(API, 1, "committed"));
      writer.store.flush();
      // A crash between upload and commit: the part object is there, no commit names it.
      byte[] part = bytesOf(writer, "team/parts/00-00000000000000000001.part");
      writer.objects.put("team/parts/00-00000000000000000007.part", part);
    }
    try (S3Stores.S3Store reader = S3Stores.open(settings, directory.resolve("reader"), RemoteStorageOptions.defaults()
        .withCache(directory.resolve("reader-cache"), 1 << 20).withReadOnly(true, Duration.ofSeconds(1)))) {
      // Read-only: sees only the committed part, deletes nothing.
      assertThat(S3Stores.readAll(reader.store, "team")).containsOnlyKeys("{app=\"api\"} 1 committed");
      assertThat(keys(reader)).contains("team/parts/00-00000000000000000007.part");
    }
    try (S3Stores.S3Store writer = S3Stores.open(settings, directory.resolve("writer2"))) {
      assertThat(keys(writer)).doesNotContain("team/parts/00-00000000000000000007.part");
      assertThat(writer.store.metrics().orphanPartsDeleted()).isEqualTo(1);
      writer.objects.put("team/parts/00-00000000000000000009.part", bytesOf(writer, "team/parts/00-00000000000000000001.part"));
      assertThat(writer.store.sweepOrphans()).isEqualTo(1);
      assertThat(keys(writer)).containsExactly("team/commits/00-00000000000000000001.commit", "team/parts/00-00000000000000000001.part");
    }
  }

  private static byte[] bytesOf(S3Stores.S3Store s, String key) throws Exception {
    var buffer = s.objects.get(key);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  @Test
  void aReadOnlyServerFollowsTheWriterAndRefusesPushes() throws Exception {
    try (S3Stores.S3Store writer = S3Stores.open(settings, directory.resolve("writer"));
        S3Stores.S3Store reader = S3Stores.open(settings, directory.resolve("reader"),
            RemoteStorageOptions.defaults().withCache(directory.resolve("reader-cache"), 1 << 20).withReadOnly(true, Duration.ofSeconds(1)))) {
      assertThat(reader.store.isReadOnly()).isTrue();
      assertThatThrownBy(() -> reader.store.append("team", batch(API, 1, "x"))).hasMessageContaining("read-only");
      Map<String, Integer> expected = new HashMap<>();
      for (int flush = 0; flush < 4; flush++) {
        writer.store.append("team", batch(API, flush, "flush " + flush));
        expected.put(API + " " + flush + " flush " + flush, 1);
        writer.store.flush();
      }
      assertThat(reader.store.refreshCatalogue()).isEqualTo(4);
      assertThat(S3Stores.readAll(reader.store, "team")).isEqualTo(expected);
      // The writer merges the four level-0 parts: the reader drops them and opens the merged one.
      assertThat(writer.store.mergeOnce()).isTrue();
      assertThat(reader.store.refreshCatalogue()).isEqualTo(5);
      assertThat(reader.store.partKeys("team")).containsExactly("team/parts/01-00000000000000000005.part");
      assertThat(S3Stores.readAll(reader.store, "team")).isEqualTo(expected);
      // Nothing of the replaced parts is left in the bucket: not their objects, not their commits.
      assertThat(keys(writer)).containsExactly("team/commits/01-00000000000000000005.commit", "team/parts/01-00000000000000000005.part");
    }
  }

  @Test
  void retentionDeletesTheCommitAndThePart() throws Exception {
    MutableClock clock = new MutableClock(java.time.Instant.parse("2026-01-10T00:00:00Z"));
    S3Stores.S3Store opened = S3Stores.open(settings, directory.resolve("writer"));
    opened.store.close();
    var objects = dev.tonari.store.object.s3.S3ObjectStore.open(settings);
    try (DiskLogStore store = DiskLogStore.open(S3Stores.config(directory.resolve("writer"), objects).withClock(clock).withRetention(Duration.ofDays(1), null), 0)) {
      long now = java.time.Instant.parse("2026-01-10T00:00:00Z").getEpochSecond() * 1_000_000_000L;
      store.append("team", batch(API, now, "today"));
      store.flush();
      clock.advance(Duration.ofDays(2));
      assertThat(store.applyRetention()).isEqualTo(1);
      assertThat(objects.list("")).isEmpty();
    } finally {
      objects.close();
    }
  }

  @Test
  void aCorruptObjectIsDetectedByItsChecksumAndSetAside() throws Exception {
    try (S3Stores.S3Store writer = S3Stores.open(settings, directory.resolve("writer"))) {
      for (int i = 0; i < 50; i++) {
        writer.store.append("team", batch(API, i, "line " + i));
      }
      writer.store.flush();
    }
    // Damage a byte inside the first block (after the 24-byte header), in s3proxy's own file.
    Path objectFile = server.objectFile(bucket, "tonari/team/parts/00-00000000000000000001.part");
    try (RandomAccessFile file = new RandomAccessFile(objectFile.toFile(), "rw")) {
      file.seek(30);
      int b = file.read();
      file.seek(30);
      file.write(b ^ 0x40);
    }
    try (S3Stores.S3Store fresh = S3Stores.open(settings, directory.resolve("fresh"))) {
      assertThat(S3Stores.readAll(fresh.store, "team")).isEmpty();
      assertThat(fresh.store.metrics().corruptParts()).isEqualTo(1);
      assertThat(keys(fresh)).containsExactly("quarantine/team/parts/00-00000000000000000001.part");
    }
  }

  @Test
  void aNeedleQueryFetchesOnlyTheBlocksItsBloomFiltersLetThrough() throws Exception {
    Random random = new Random(11);
    StringBuilder line = new StringBuilder();
    try (S3Stores.S3Store writer = S3Stores.open(settings, directory.resolve("writer"))) {
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < 60_000; i++) {
        line.setLength(0);
        line.append("ts=").append(i).append(" trace_id=");
        for (int c = 0; c < 24; c++) {
          line.append(Character.forDigit(random.nextInt(16), 16));
        }
        line.append(" msg=request").append(random.nextInt(1000)).append(" user=").append(random.nextInt(100_000));
        entries.add(new LogEntry(i, i == 43_210 ? "needle-7f3a9c2b1d " + line : line.toString()));
      }
      writer.store.append("team", List.of(new StreamBatch(API, entries)));
      writer.store.flush();
    }
    try (S3Stores.S3Store fresh = S3Stores.open(settings, directory.resolve("fresh"))) {
      long partBytes = fresh.objects.list("team/parts/").get(0).size();
      PartHandle part = fresh.store.partHandles("team").get(0);
      int blocks = part.streams().get(0).blockCount();
      assertThat(blocks).as("blocks in the part").isGreaterThan(4);
      List<String> found = new ArrayList<>();
      List<String> literals = List.of("needle-7f3a9c2b1d ");
      SelectRequest needle = new SelectRequest("team", l -> true, 0, Long.MAX_VALUE, Direction.FORWARD, LiteralLinePredicate.containingAll(literals), literals);
      for (EntryCursor cursor : fresh.store.select(needle)) {
        try (cursor) {
          while (cursor.next()) {
            found.add(cursor.line());
          }
        }
      }
      assertThat(found).hasSize(1).allMatch(l -> l.startsWith("needle-7f3a9c2b1d ts=43210 "));
      assertThat(fresh.store.metrics().blocksRead()).isLessThanOrEqualTo(2);
      assertThat(fresh.store.metrics().remoteBytesFetched()).isLessThan(partBytes * 2 / blocks + 1);
      // The same query again is served from the cache: no new fetch.
      long fetched = fresh.store.metrics().remoteBytesFetched();
      for (EntryCursor cursor : fresh.store.select(needle)) {
        try (cursor) {
          while (cursor.next()) {
            assertThat(cursor.line()).startsWith("needle-");
          }
        }
      }
      assertThat(fresh.store.metrics().remoteBytesFetched()).isEqualTo(fetched);
      assertThat(fresh.store.metrics().remoteCacheHits()).isPositive();
    }
  }

  @Test
  void ackAfterUploadAnswersOnlyOnceThePartIsCommitted() throws Exception {
    RemoteStorageOptions options = RemoteStorageOptions.defaults().withCache(directory.resolve("cache"), 1 << 20).withAckAfterUpload(true);
    try (S3Stores.S3Store writer = S3Stores.open(settings, directory.resolve("writer"), options)) {
      writer.store.append("team", batch(API, 5, "safe on S3"));
      assertThat(keys(writer)).containsExactly("team/commits/00-00000000000000000001.commit", "team/parts/00-00000000000000000001.part");
      assertThat(writer.store.metrics().headBytes()).isZero();
      writer.crash();
    }
    try (S3Stores.S3Store fresh = S3Stores.open(settings, directory.resolve("fresh"))) {
      assertThat(S3Stores.readAll(fresh.store, "team")).containsOnlyKeys("{app=\"api\"} 5 safe on S3");
    }
  }

  @Test
  void aMissingBucketOrRefusedCredentialsAreClearErrorsAtStartAndInTheStorageCheck() throws Exception {
    assertThatThrownBy(() -> S3Stores.open(server.settings("no-such-bucket-here", ""), directory.resolve("a")))
        .hasMessageContaining("bucket no-such-bucket-here does not exist");
    S3Settings wrongSecret = settings.withCredentials(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, "wrong")));
    assertThatThrownBy(() -> S3Stores.open(wrongSecret, directory.resolve("b"))).hasMessageContaining("refused the credentials");
    try (S3Stores.S3Store running = S3Stores.open(settings, directory.resolve("c"))) {
      running.store.checkStorage();
      server.deleteBucket(bucket);
      // The check reuses a result for a few seconds; a store opened now sees the gone bucket at once.
      try (var again = dev.tonari.store.object.s3.S3ObjectStore.open(settings)) {
        throw new AssertionError("opened a deleted bucket " + again.location());
      } catch (java.io.IOException expected) {
        assertThat(expected).hasMessageContaining("does not exist");
      }
      bucket = server.createBucket();
    }
  }
}
