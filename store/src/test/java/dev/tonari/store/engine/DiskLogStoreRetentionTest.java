package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-stream retention ({@code retention_stream}) in the disk store, with an injected clock. */
class DiskLogStoreRetentionTest {
  private static final Instant START = Instant.parse("2026-01-10T00:00:00Z");
  private static final long START_NANOS = START.getEpochSecond() * 1_000_000_000L;
  private static final long DAY_NANOS = Duration.ofDays(1).toNanos();
  private static final Labels API = Labels.of("app", "api");
  private static final Labels DEBUG = Labels.of("app", "debug");
  private static final Labels DEBUG_WORKER = Labels.of("app", "debug", "role", "worker");

  @TempDir Path directory;
  private final MutableClock clock = new MutableClock(START);

  /** Tenant "t": {app="debug"} streams keep 1 day, every other stream 7 days. */
  private DiskLogStoreConfig config() {
    RetentionPolicy policy =
        new RetentionPolicy(
            Duration.ofDays(7),
            List.of(new RetentionPolicy.StreamRule("{app=\"debug\"}", labels -> "debug".equals(labels.get("app")), Duration.ofDays(1), 1)));
    return DiskLogStoreContractTest.testConfig(directory)
        .withClock(clock)
        .withMergePolicy(MergePolicy.disabled())
        .withRetentionPolicies(tenant -> tenant.equals("t") ? policy : null);
  }

  private static List<StreamBatch> entries(Labels labels, long firstTimestamp, int count, String prefix) {
    List<LogEntry> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(new LogEntry(firstTimestamp + i, prefix + " " + i));
    }
    return List.of(new StreamBatch(labels, list));
  }

  private static Map<String, Integer> readAll(DiskLogStore store, String tenant) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    for (EntryCursor cursor : store.select(SelectRequest.all(tenant, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD))) {
      try (cursor) {
        while (cursor.next()) {
          counts.merge(cursor.labels() + " " + cursor.timestamp() + " " + cursor.line(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  private static long countOf(Map<String, Integer> entries, Labels labels) {
    return entries.keySet().stream().filter(key -> key.startsWith(labels + " ")).count();
  }

  @Test
  void debugStreamsExpireAfterOneDayWhileOtherStreamsStay() throws IOException {
    try (DiskLogStore store = DiskLogStore.open(config())) {
      // One part mixing both kinds of stream, one part of debug entries only.
      store.append("t", entries(API, START_NANOS, 10, "api"));
      store.append("t", entries(DEBUG, START_NANOS, 10, "debug"));
      store.flush();
      store.append("t", entries(DEBUG_WORKER, START_NANOS + 100, 5, "worker"));
      store.flush();
      // Another tenant without a policy keeps the store-wide setting (zero: forever).
      store.append("other", entries(DEBUG, START_NANOS, 3, "other"));
      store.flush();
      assertThat(store.applyRetention()).isZero();
      assertThat(store.partKeys("t")).hasSize(2);

      clock.advance(Duration.ofDays(2));
      store.append("t", entries(DEBUG, START_NANOS + 2 * DAY_NANOS, 2, "fresh debug"));
      // Late entries already past retention are dropped when the head is flushed.
      store.append("t", entries(DEBUG_WORKER, START_NANOS, 4, "late worker"));
      store.flush();
      assertThat(store.applyRetention()).isEqualTo(2);
      assertThat(store.metrics().retentionDeletedParts()).isEqualTo(1);
      assertThat(store.metrics().retentionRewrittenParts()).isEqualTo(1);

      Map<String, Integer> remaining = readAll(store, "t");
      assertThat(countOf(remaining, API)).isEqualTo(10);
      assertThat(countOf(remaining, DEBUG)).isEqualTo(2);
      assertThat(remaining).containsKey(DEBUG + " " + (START_NANOS + 2 * DAY_NANOS) + " fresh debug 0");
      assertThat(countOf(remaining, DEBUG_WORKER)).isZero();
      long firstDayEnd = START_NANOS + DAY_NANOS;
      assertThat(store.series("t", labels -> true, START_NANOS, firstDayEnd)).containsExactly(API);
      assertThat(store.labelValues("t", "app", START_NANOS, firstDayEnd)).containsExactly("api");
      assertThat(store.labelNames("t", START_NANOS, firstDayEnd)).containsExactly("app");
      assertThat(readAll(store, "other")).hasSize(3);

      // Nothing more to do until the 7-day streams expire too.
      assertThat(store.applyRetention()).isZero();
      clock.advance(Duration.ofDays(6));
      store.applyRetention();
      assertThat(readAll(store, "t")).isEmpty();
      assertThat(store.partKeys("t")).isEmpty();
    }
  }

  @Test
  void aPartWithFewExpiredEntriesIsNotRewritten() throws IOException {
    try (DiskLogStore store = DiskLogStore.open(config())) {
      store.append("t", entries(API, START_NANOS, 100, "api"));
      store.append("t", entries(DEBUG, START_NANOS, 5, "debug"));
      store.flush();
      String key = store.partKeys("t").get(0);
      clock.advance(Duration.ofDays(2));
      // 5 of 105 entries are past retention: under the 10% share that pays for a rewrite.
      assertThat(store.applyRetention()).isZero();
      assertThat(store.partKeys("t")).containsExactly(key);
      assertThat(countOf(readAll(store, "t"), API)).isEqualTo(100);
      // The debug entries go with the rest of the part once the 7-day streams expire too.
      clock.advance(Duration.ofDays(6));
      assertThat(store.applyRetention()).isEqualTo(1);
      assertThat(store.metrics().retentionRewrittenParts()).isZero();
      assertThat(store.partKeys("t")).isEmpty();
    }
  }

  @Test
  void aCrashAfterPublishingTheRewrittenPartLeavesNoDuplicates() throws IOException {
    String oldKey;
    byte[] oldPart;
    Map<String, Integer> expected;
    try (DiskLogStore store = DiskLogStore.open(config())) {
      store.append("t", entries(API, START_NANOS, 10, "api"));
      store.append("t", entries(DEBUG, START_NANOS, 10, "debug"));
      store.flush();
      oldKey = store.partKeys("t").get(0);
      oldPart = Files.readAllBytes(directory.resolve("objects").resolve(oldKey));
      clock.advance(Duration.ofDays(2));
      assertThat(store.applyRetention()).isEqualTo(1);
      assertThat(store.partKeys("t")).hasSize(1).doesNotContain(oldKey);
      expected = readAll(store, "t");
      assertThat(expected).hasSize(10);
    }
    // The old part back in place, as if the store died before deleting it.
    Files.write(directory.resolve("objects").resolve(oldKey), oldPart);
    // No retention policy this time: the replaced part must go because the new part names it.
    DiskLogStoreConfig withoutRetention = DiskLogStoreContractTest.testConfig(directory).withClock(clock).withMergePolicy(MergePolicy.disabled());
    try (DiskLogStore store = DiskLogStore.open(withoutRetention)) {
      assertThat(store.partKeys("t")).hasSize(1).doesNotContain(oldKey);
      assertThat(directory.resolve("objects").resolve(oldKey)).doesNotExist();
      assertThat(readAll(store, "t")).isEqualTo(expected);
    }
  }
}
