package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heads' byte bounds: appends past them are refused whole, and accepted again after a flush. */
class DiskLogStoreHeadBoundsTest {
  private static final long START_NANOS = Instant.parse("2026-01-10T00:00:00Z").getEpochSecond() * 1_000_000_000L;
  private static final Labels API = Labels.of("app", "api");

  @TempDir Path directory;

  private DiskLogStoreConfig config(HeadBounds bounds) {
    return DiskLogStoreContractTest.testConfig(directory).withClock(new MutableClock(Instant.parse("2026-01-10T00:00:00Z"))).withHeadBounds(bounds);
  }

  private static List<StreamBatch> push(int number, int lines) {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      entries.add(new LogEntry(START_NANOS + number * 1000L + i, "push " + number + " line " + i + " " + "x".repeat(80)));
    }
    return List.of(new StreamBatch(API, entries));
  }

  private static TreeSet<String> lines(DiskLogStore store, String tenant) throws IOException {
    return new TreeSet<>(StoreLines.of(store, tenant));
  }


  @Test
  void aTenantPastItsBoundIsRefusedWithoutTouchingTheHeadAndAcceptedAfterAFlush() throws IOException {
    TreeSet<String> acknowledged = new TreeSet<>();
    try (DiskLogStore store = DiskLogStore.open(config(new HeadBounds(0, 20_000)))) {
      int refusedAt = -1;
      for (int number = 0; number < 100 && refusedAt < 0; number++) {
        List<StreamBatch> batch = push(number, 10);
        try {
          store.append("a", batch);
          batch.get(0).entries().forEach(entry -> acknowledged.add(entry.line()));
        } catch (HeadFullException e) {
          refusedAt = number;
          assertThat(e.scope()).isEqualTo(HeadFullException.Scope.TENANT);
          assertThat(e.tenant()).isEqualTo("a");
          assertThat(e.limitBytes()).isEqualTo(20_000);
          assertThat(e.heldBytes() + e.incomingBytes()).isGreaterThan(20_000);
          assertThat(e.retryAfterSeconds()).isPositive();
          assertThat(e.getMessage()).contains("tenant a holds", "limit is 20000 bytes", "retry in");
        }
      }
      assertThat(refusedAt).as("the bound refuses some push").isPositive();
      long held = store.headBytes();
      assertThat(held).isLessThanOrEqualTo(20_000);
      // Another tenant has its own bound.
      store.append("b", push(1000, 10));
      assertThat(store.metrics().headFullRefusals()).isEqualTo(1);
      // The refused push left nothing behind, in the head or in the WAL.
      assertThat(lines(store, "a")).isEqualTo(acknowledged);
      store.flush();
      store.append("a", push(refusedAt, 10));
      push(refusedAt, 10).get(0).entries().forEach(entry -> acknowledged.add(entry.line()));
      assertThat(lines(store, "a")).isEqualTo(acknowledged);
    }
    try (DiskLogStore reopened = DiskLogStore.open(config(HeadBounds.NONE))) {
      // Every acknowledged entry survives a restart; the refused one was never in the WAL.
      assertThat(lines(reopened, "a")).isEqualTo(acknowledged);
    }
  }

  @Test
  void theTotalBoundCountsEveryTenant() throws IOException {
    try (DiskLogStore store = DiskLogStore.open(config(new HeadBounds(30_000, 0)))) {
      Random random = new Random(7);
      int refused = 0;
      int number = 0;
      while (refused == 0 && number < 200) {
        String tenant = "t" + random.nextInt(5);
        try {
          store.append(tenant, push(number++, 10));
        } catch (HeadFullException e) {
          refused++;
          assertThat(e.scope()).isEqualTo(HeadFullException.Scope.TOTAL);
          assertThat(e.getMessage()).contains("all tenants hold", "limit is 30000 bytes");
        }
      }
      assertThat(refused).isEqualTo(1);
      assertThat(store.headBytes()).isLessThanOrEqualTo(30_000);
    }
  }

  @Test
  void onePushLargerThanTheBoundIsTakenIntoAnEmptyHead() throws IOException {
    try (DiskLogStore store = DiskLogStore.open(config(new HeadBounds(1_000, 1_000)))) {
      store.append("a", push(0, 100));
      assertThat(lines(store, "a")).hasSize(100);
      assertThatThrownBy(() -> store.append("a", push(1, 1))).isInstanceOf(HeadFullException.class);
    }
  }

  @Test
  void boundsMustNotBeNegative() {
    assertThatThrownBy(() -> new HeadBounds(-1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
  }
}
