package dev.tonari.store.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk block cache: hits, LRU eviction by bytes, damaged entries, restarts, shared fetches. */
class RangeCacheTest {
  @TempDir Path directory;
  private final InMemoryObjectStore remote = new InMemoryObjectStore();
  private final AtomicInteger fetches = new AtomicInteger();

  private ByteBuffer fetch(String key, long offset, int length) throws IOException {
    fetches.incrementAndGet();
    return remote.getRange(key, offset, length);
  }

  private static byte[] content(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private byte[] object(String key, int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    remote.put(key, data);
    return data;
  }

  @Test
  void aMissFetchesOnceAndLaterReadsAreHits() throws Exception {
    byte[] data = object("t/parts/a", 10_000, 1);
    try (RangeCache cache = new RangeCache(directory, 1 << 20, this::fetch)) {
      assertThat(content(cache.get("t/parts/a", 100, 500))).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 600));
      assertThat(content(cache.get("t/parts/a", 100, 500))).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 600));
      assertThat(content(cache.get("t/parts/a", 600, 10))).isEqualTo(java.util.Arrays.copyOfRange(data, 600, 610));
      assertThat(fetches.get()).isEqualTo(2);
      assertThat(cache.hits()).isEqualTo(1);
      assertThat(cache.misses()).isEqualTo(2);
      assertThat(cache.bytesFetched()).isEqualTo(510);
    }
  }

  @Test
  void theLeastRecentlyUsedGoFirstAndTheCacheStaysWithinItsBytes() throws Exception {
    object("t/parts/a", 100_000, 2);
    long limit = 35_000;
    try (RangeCache cache = new RangeCache(directory, limit, this::fetch)) {
      cache.get("t/parts/a", 0, 10_000);
      cache.get("t/parts/a", 10_000, 10_000);
      cache.get("t/parts/a", 20_000, 10_000);
      cache.get("t/parts/a", 0, 10_000);
      // The fourth range pushes out the least recently used: [10000, 20000).
      cache.get("t/parts/a", 30_000, 10_000);
      assertThat(cache.bytes()).isLessThanOrEqualTo(limit);
      assertThat(cache.evictions()).isEqualTo(1);
      assertThat(sizeOnDisk()).isEqualTo(cache.bytes());
      int before = fetches.get();
      cache.get("t/parts/a", 0, 10_000);
      cache.get("t/parts/a", 20_000, 10_000);
      assertThat(fetches.get()).isEqualTo(before);
      cache.get("t/parts/a", 10_000, 10_000);
      assertThat(fetches.get()).isEqualTo(before + 1);
    }
  }

  private long sizeOnDisk() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void aDamagedEntryIsFetchedAgainNeverServed() throws Exception {
    byte[] data = object("t/parts/a", 5_000, 3);
    try (RangeCache cache = new RangeCache(directory, 1 << 20, this::fetch)) {
      cache.get("t/parts/a", 0, 4_000);
    }
    Path file;
    try (Stream<Path> files = Files.list(directory)) {
      file = files.findFirst().orElseThrow();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(raf.length() - 7);
      raf.write(0x5A ^ raf.read());
    }
    try (RangeCache cache = new RangeCache(directory, 1 << 20, this::fetch)) {
      assertThat(cache.entries()).isEqualTo(1);
      assertThat(content(cache.get("t/parts/a", 0, 4_000))).isEqualTo(java.util.Arrays.copyOf(data, 4_000));
      assertThat(cache.damagedEntries()).isEqualTo(1);
      assertThat(fetches.get()).isEqualTo(2);
    }
  }

  @Test
  void entriesSurviveARestartAndLeftoverTemporaryFilesAreRemoved() throws Exception {
    object("t/parts/a", 5_000, 4);
    try (RangeCache cache = new RangeCache(directory, 1 << 20, this::fetch)) {
      cache.get("t/parts/a", 0, 1_000);
    }
    Files.writeString(directory.resolve("x.range.tmp-123"), "torn");
    try (RangeCache cache = new RangeCache(directory, 1 << 20, this::fetch)) {
      cache.get("t/parts/a", 0, 1_000);
      assertThat(fetches.get()).isEqualTo(1);
      assertThat(Files.exists(directory.resolve("x.range.tmp-123"))).isFalse();
    }
  }

  @Test
  void concurrentReadersOfOneRangeShareOneFetchAndFailuresReachThem() throws Exception {
    object("t/parts/a", 50_000, 5);
    CountDownLatch release = new CountDownLatch(1);
    RangeCache.Fetcher slow = (key, offset, length) -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return fetch(key, offset, length);
    };
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (RangeCache cache = new RangeCache(directory, 1 << 20, slow)) {
      List<Future<byte[]>> readers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        readers.add(pool.submit(() -> content(cache.get("t/parts/a", 1_000, 20_000))));
      }
      Thread.sleep(100);
      release.countDown();
      for (Future<byte[]> reader : readers) {
        assertThat(reader.get(10, TimeUnit.SECONDS)).hasSize(20_000);
      }
      assertThat(fetches.get()).isEqualTo(1);
      assertThatThrownBy(() -> cache.get("t/parts/missing", 0, 10)).isInstanceOf(java.nio.file.NoSuchFileException.class);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPrefetchedRangeIsAHitLater() throws Exception {
    object("t/parts/a", 5_000, 6);
    try (RangeCache cache = new RangeCache(directory, 1 << 20, this::fetch)) {
      cache.prefetch("t/parts/a", 0, 2_000);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (cache.entries() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      cache.get("t/parts/a", 0, 2_000);
      assertThat(fetches.get()).isEqualTo(1);
      assertThat(cache.hits()).isEqualTo(1);
    }
  }
}
