package dev.tonari.store.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link ObjectStore} must do. A subclass supplies a fresh, empty store: the local
 * directory, the heap, and S3 (on s3proxy, in {@code tonari-store-s3}) pass the same tests.
 */
public abstract class ObjectStoreContractTest {
  @TempDir protected Path scratch;
  protected ObjectStore store;

  protected abstract ObjectStore createStore() throws Exception;

  /**
   * Whether the store under test makes a conditional put atomic against concurrent callers. True
   * for the stores here and for S3; s3proxy's filesystem backend (the S3 server of the tests)
   * checks and then writes, so two racing callers may both succeed there.
   */
  protected boolean conditionalPutsAreAtomic() {
    return true;
  }

  @BeforeEach
  void open() throws Exception {
    store = createStore();
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] content(ByteBuffer buffer) {
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }

  @Test
  void putThenGetReturnsTheBytes() throws Exception {
    store.put("t1/parts/a.part", bytes("hello"));
    ByteBuffer read = store.get("t1/parts/a.part");
    assertThat(read.position()).isZero();
    assertThat(content(read)).isEqualTo(bytes("hello"));
  }

  @Test
  void putOfAFilePublishesItsContent() throws Exception {
    Path file = scratch.resolve("staged.part");
    byte[] data = new byte[100_000];
    new java.util.Random(1).nextBytes(data);
    Files.write(file, data);
    store.put("t1/parts/big.part", file);
    assertThat(content(store.get("t1/parts/big.part"))).isEqualTo(data);
  }

  @Test
  void emptyObjectsAreObjects() throws Exception {
    store.put("empty", new byte[0]);
    assertThat(store.get("empty").remaining()).isZero();
    assertThat(store.list("")).containsExactly(new ObjectInfo("empty", 0));
  }

  @Test
  void putReplacesAndReadersOfTheOldObjectKeepTheirBytes() throws Exception {
    store.put("k", bytes("first"));
    ByteBuffer old = store.get("k");
    store.put("k", bytes("second, longer"));
    assertThat(content(store.get("k"))).isEqualTo(bytes("second, longer"));
    assertThat(content(old)).isEqualTo(bytes("first"));
  }

  @Test
  void getOfAMissingObjectNamesTheKey() {
    assertThatThrownBy(() -> store.get("t1/parts/missing.part"))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("t1/parts/missing.part");
  }

  @Test
  void listIsSortedAndFilteredByPrefix() throws Exception {
    for (String key : List.of("t2/parts/b", "t1/parts/b", "t1/parts/a", "t1/wal/x", "t10/parts/a", "top")) {
      store.put(key, bytes(key));
    }
    assertThat(store.list("t1/")).extracting(ObjectInfo::key).containsExactly("t1/parts/a", "t1/parts/b", "t1/wal/x");
    assertThat(store.list("t1/parts/")).containsExactly(new ObjectInfo("t1/parts/a", 10), new ObjectInfo("t1/parts/b", 10));
    assertThat(store.list("t1")).extracting(ObjectInfo::key).containsExactly("t1/parts/a", "t1/parts/b", "t1/wal/x", "t10/parts/a");
    assertThat(store.list("t1/parts/a")).extracting(ObjectInfo::key).containsExactly("t1/parts/a");
    assertThat(store.list("")).extracting(ObjectInfo::key)
        .containsExactly("t1/parts/a", "t1/parts/b", "t1/wal/x", "t10/parts/a", "t2/parts/b", "top");
    assertThat(store.list("nothing/")).isEmpty();
  }

  @Test
  void deleteRemovesAndReportsWhetherThereWasAnObject() throws Exception {
    store.put("t/a", bytes("x"));
    assertThat(store.delete("t/a")).isTrue();
    assertThat(store.delete("t/a")).isFalse();
    assertThat(store.list("t/")).isEmpty();
    assertThatThrownBy(() -> store.get("t/a")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void rangesAreTheBytesOfTheObjectAndRangesPastTheEndFail() throws Exception {
    byte[] data = new byte[10_000];
    new java.util.Random(7).nextBytes(data);
    store.put("t/r", data);
    assertThat(content(store.getRange("t/r", 0, 10))).isEqualTo(java.util.Arrays.copyOfRange(data, 0, 10));
    assertThat(content(store.getRange("t/r", 1234, 4000))).isEqualTo(java.util.Arrays.copyOfRange(data, 1234, 5234));
    ByteBuffer tail = store.getRange("t/r", 9990, 10);
    assertThat(tail.position()).isZero();
    assertThat(content(tail)).isEqualTo(java.util.Arrays.copyOfRange(data, 9990, 10_000));
    assertThatThrownBy(() -> store.getRange("t/r", 9990, 11)).isInstanceOf(java.io.EOFException.class).hasMessageContaining("t/r");
    assertThatThrownBy(() -> store.getRange("t/missing", 0, 1)).isInstanceOf(NoSuchFileException.class).hasMessageContaining("t/missing");
  }

  @Test
  void putIfAbsentClaimsAKeyOnceAndNeverReplaces() throws Exception {
    assertThat(store.putIfAbsent("t/commits/a", bytes("first"))).isTrue();
    assertThat(store.putIfAbsent("t/commits/a", bytes("second"))).isFalse();
    assertThat(content(store.get("t/commits/a"))).isEqualTo(bytes("first"));
    assertThat(store.list("t/")).containsExactly(new ObjectInfo("t/commits/a", 5));
  }

  @Test
  void ofConcurrentPutIfAbsentCallsExactlyOneWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 5; round++) {
        String key = "race/k" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int writer = 0; writer < 4; writer++) {
          byte[] mine = bytes("writer " + writer);
          attempts.add(pool.submit(() -> {
            start.await();
            return store.putIfAbsent(key, mine);
          }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> attempt : attempts) {
          winners += attempt.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        if (conditionalPutsAreAtomic()) {
          assertThat(winners).as("winners of %s", key).isEqualTo(1);
        } else {
          assertThat(winners).as("winners of %s", key).isBetween(1, 4);
        }
        assertThat(new String(content(store.get(key)), StandardCharsets.UTF_8)).startsWith("writer ");
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/abs", "a/../b", "..", "a//b", "a/", "a\\b", "./a", "a/./b", ".tonari-tmp-x", "c:/x"})
  void invalidKeysAreRejectedNamingTheKey(String key) {
    assertThatThrownBy(() -> store.put(key, bytes("x"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
    assertThatThrownBy(() -> store.get(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.putIfAbsent(key, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keysMayHoldDotsAndUnicodeInsideSegments() throws Exception {
    store.put("tenant-ü/parts/000001.l0.part", bytes("x"));
    store.put("a/..b/c..", bytes("y"));
    assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("a/..b/c..", "tenant-ü/parts/000001.l0.part");
  }

  /**
   * Whether a read racing a replacement of the same key sees the old or the new object whole.
   * True for the stores here and for S3; s3proxy's filesystem backend (the tests' S3 server) may
   * serve such a read from neither. The engine never replaces an object readers use (parts and
   * commits are written once under fresh names), so there only read-after-replace is checked.
   */
  protected boolean replacementsAreAtomicForConcurrentReaders() {
    return true;
  }

  @Test
  void concurrentReadersNeverSeeAPartialObject() throws Exception {
    byte[] small = new byte[10];
    byte[] large = new byte[200_000];
    java.util.Arrays.fill(small, (byte) 1);
    java.util.Arrays.fill(large, (byte) 2);
    store.put("k", small);
    if (!replacementsAreAtomicForConcurrentReaders()) {
      for (int i = 0; i < 10; i++) {
        byte[] next = i % 2 == 0 ? large : small;
        store.put("k", next);
        assertThat(content(store.get("k"))).isEqualTo(next);
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch started = new CountDownLatch(1);
      Future<Integer> reader = pool.submit(() -> {
        started.countDown();
        int reads = 0;
        for (int i = 0; i < 2000; i++) {
          byte[] seen = content(store.get("k"));
          assertThat(seen.length == small.length || seen.length == large.length).as("length %d", seen.length).isTrue();
          byte expected = seen.length == small.length ? (byte) 1 : (byte) 2;
          for (byte b : seen) {
            assertThat(b).isEqualTo(expected);
          }
          reads++;
        }
        return reads;
      });
      started.await();
      List<Future<?>> writes = new ArrayList<>();
      writes.add(pool.submit(() -> {
        for (int i = 0; i < 50; i++) {
          store.put("k", i % 2 == 0 ? large : small);
        }
        return null;
      }));
      for (Future<?> write : writes) {
        write.get(60, TimeUnit.SECONDS);
      }
      assertThat(reader.get(60, TimeUnit.SECONDS)).isEqualTo(2000);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
