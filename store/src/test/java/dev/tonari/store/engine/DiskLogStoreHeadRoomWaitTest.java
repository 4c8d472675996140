package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.object.LocalObjectStore;
import dev.tonari.store.object.ForwardingObjectStore;
import dev.tonari.store.object.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An append that finds the heads full while a flush is under way waits for that flush to make
 * room instead of being refused at once; with no flush that could free room in time, it is still
 * refused. The flush is held inside the object store's {@code put} by a latch, so neither test
 * depends on how fast a flush runs.
 */
class DiskLogStoreHeadRoomWaitTest {
  private static final long START_NANOS = 1_768_003_200_000_000_000L;
  private static final Labels API = Labels.of("app", "api");

  @TempDir Path directory;

  /** Holds the first part's put until released; a stand-in for a slow disk. */
  private static class HeldObjectStore extends ForwardingObjectStore {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HeldObjectStore(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public void put(String key, Path file) throws IOException {
      entered.countDown();
      try {
        if (!release.await(2, TimeUnit.MINUTES)) {
          throw new IOException("test never released the put of " + key);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      delegate.put(key, file);
    }
  }

  private static List<StreamBatch> push(int number) {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      entries.add(new LogEntry(START_NANOS + number * 1000L + i, "push " + number + " line " + i + " " + "x".repeat(80)));
    }
    return List.of(new StreamBatch(API, entries));
  }

  private DiskLogStore open(HeldObjectStore objects) throws IOException {
    return open(objects, HeadBounds.DEFAULT_WAIT_FOR_ROOM);
  }

  private DiskLogStore open(HeldObjectStore objects, Duration waitForRoom) throws IOException {
    // Background maintenance, but only requested flushes: the interval is an hour.
    return DiskLogStore.open(
        DiskLogStoreConfig.defaults(directory)
            .withRetention(Duration.ZERO, null)
            .withMaintenanceInterval(Duration.ofHours(1))
            .withObjectStore(objects)
            .withHeadBounds(new HeadBounds(20_000, 0, waitForRoom)));
  }

  /** Appends pushes until one starts a flush (the head reached half the bound) and the flush is held in its put. */
  private static int fillUntilFlushHeld(DiskLogStore store, HeldObjectStore objects, TreeSet<String> acknowledged) throws Exception {
    int number = 0;
    while (objects.entered.getCount() > 0) {
      assertThat(number).as("a flush starts before 1000 pushes").isLessThan(1000);
      List<StreamBatch> batch = push(number++);
      store.append("a", batch);
      batch.get(0).entries().forEach(entry -> acknowledged.add(entry.line()));
      if (store.headBytes() >= 10_000) {
        // Half the bound: this append requested a flush; it freezes the head and is held in its put.
        assertThat(objects.entered.await(1, TimeUnit.MINUTES)).as("the requested flush reaches its put").isTrue();
      }
    }
    return number;
  }

  @Test
  void anAppendThatFindsTheHeadsFullDuringAFlushWaitsForItAndIsStored() throws Exception {
    HeldObjectStore objects = new HeldObjectStore(new LocalObjectStore(directory.resolve("parts")));
    TreeSet<String> acknowledged = new TreeSet<>();
    // Long enough that the test does not depend on how fast the flush is once released.
    try (DiskLogStore store = open(objects, Duration.ofMinutes(2))) {
      int number = fillUntilFlushHeld(store, objects, acknowledged);
      // The frozen head is held; fill the live one until an append no longer fits, on its own thread.
      CompletableFuture<Integer> waiting = null;
      for (int tries = 0; tries < 1000 && waiting == null; tries++) {
        List<StreamBatch> batch = push(number++);
        CompletableFuture<Integer> append = CompletableFuture.supplyAsync(() -> {
          try {
            store.append("a", batch);
            return 1;
          } catch (IOException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
        batch.get(0).entries().forEach(entry -> acknowledged.add(entry.line()));
        // Either it is taken at once, or it waits for room: poll until one of the two is seen.
        while (!append.isDone() && store.appendsWaitingForRoom() == 0) {
          Thread.onSpinWait();
        }
        if (!append.isDone()) {
          waiting = append;
        } else {
          append.join();
        }
      }
      assertThat(waiting).as("an append waits for room").isNotNull();
      assertThat(store.metrics().headFullRefusals()).isZero();
      objects.release.countDown();
      assertThat(waiting.get(2, TimeUnit.MINUTES)).isEqualTo(1);
      assertThat(store.metrics().headFullWaits()).isEqualTo(1);
      assertThat(store.metrics().headFullRefusals()).isZero();
      assertThat(lines(store)).isEqualTo(acknowledged);
    }
  }

  @Test
  void anAppendThatWaitsLongerThanTheWaitIsRefusedWith429AndNothingOfItIsStored() throws Exception {
    HeldObjectStore objects = new HeldObjectStore(new LocalObjectStore(directory.resolve("parts")));
    TreeSet<String> acknowledged = new TreeSet<>();
    try (DiskLogStore store = open(objects, Duration.ZERO)) {
      int number = fillUntilFlushHeld(store, objects, acknowledged);
      HeadFullException refused = null;
      for (int tries = 0; tries < 1000 && refused == null; tries++) {
        List<StreamBatch> batch = push(number++);
        try {
          store.append("a", batch);
          batch.get(0).entries().forEach(entry -> acknowledged.add(entry.line()));
        } catch (HeadFullException e) {
          refused = e;
        }
      }
      assertThat(refused).as("the bound refuses a push while the flush is held").isNotNull();
      assertThat(refused.retryAfterSeconds()).isPositive();
      assertThat(store.metrics().headFullRefusals()).isEqualTo(1);
      assertThat(store.metrics().headFullWaits()).isZero();
      objects.release.countDown();
    }
    // What was acknowledged is stored, and nothing of the refused push.
    try (DiskLogStore reopened = open(new HeldObjectStore(new LocalObjectStore(directory.resolve("parts"))) {
      {
        release.countDown();
      }
    })) {
      assertThat(lines(reopened)).isEqualTo(acknowledged);
    }
  }

  /** Holds only the put of one tenant's part (keys start with the tenant), letting the others through. */
  private static final class TenantHeldObjectStore extends HeldObjectStore {
    private final String heldTenant;

    TenantHeldObjectStore(ObjectStore delegate, String heldTenant) {
      super(delegate);
      this.heldTenant = heldTenant;
    }

    @Override
    public void put(String key, Path file) throws IOException {
      if (key.startsWith(heldTenant + "/")) {
        super.put(key, file);
      } else {
        delegate.put(key, file);
      }
    }
  }

  @Test
  void aTenantsStreamsLeaveTheHeadBoundsOnceItsPartIsPublishedWhileTheFlushWritesTheNextTenant() throws Exception {
    TenantHeldObjectStore objects = new TenantHeldObjectStore(new LocalObjectStore(directory.resolve("parts")), "b");
    TreeSet<String> acknowledgedA = new TreeSet<>();
    TreeSet<String> acknowledgedB = new TreeSet<>();
    // No wait for room: a push the bound refuses fails the test at once.
    try (DiskLogStore store = open(objects, Duration.ZERO)) {
      try {
        holdBAndCheckRoom(store, objects, acknowledgedA, acknowledgedB);
      } finally {
        // Never left held: the store's close would wait for the put.
        objects.release.countDown();
      }
      store.flush();
      assertThat(lines(store, "a")).isEqualTo(acknowledgedA);
      assertThat(lines(store, "b")).isEqualTo(acknowledgedB);
    }
  }

  private static void holdBAndCheckRoom(DiskLogStore store, TenantHeldObjectStore objects, TreeSet<String> acknowledgedA, TreeSet<String> acknowledgedB)
      throws Exception {
    {
      // Both tenants' pushes until one of them starts a flush; tenants are written in name order,
      // so a's part is published and b's is held in its put.
      int number = 0;
      while (objects.entered.getCount() > 0) {
        assertThat(number).as("a flush starts before 1000 pushes").isLessThan(1000);
        String tenant = number % 2 == 0 ? "a" : "b";
        List<StreamBatch> batch = push(number++);
        store.append(tenant, batch);
        batch.get(0).entries().forEach(entry -> (tenant.equals("a") ? acknowledgedA : acknowledgedB).add(entry.line()));
        if (store.headBytes() >= 10_000) {
          assertThat(objects.entered.await(1, TimeUnit.MINUTES)).as("the requested flush reaches b's put").isTrue();
        }
      }
      assertThat(store.partCounts()).containsEntry("a", 1L).doesNotContainKey("b");
      // a's bytes have left the bounds: only b's share of the frozen head is counted.
      long frozenB = store.headBytes();
      assertThat(frozenB).isGreaterThan(0).isLessThan(7_000);
      // Every acknowledged line is read once, a's from its part and b's from the frozen head.
      assertThat(StoreLines.of(store, "a")).hasSize(acknowledgedA.size());
      assertThat(lines(store, "a")).isEqualTo(acknowledgedA);
      assertThat(lines(store, "b")).isEqualTo(acknowledgedB);
      assertThat(store.tenants()).containsExactly("a", "b");
      // The room a's part freed takes pushes that the whole frozen head (10,000 bytes or more)
      // would have refused: more than 10,000 bytes of live head beside b's share, under 20,000.
      while (store.headBytes() - frozenB <= 11_000) {
        List<StreamBatch> batch = push(number++);
        store.append("a", batch);
        batch.get(0).entries().forEach(entry -> acknowledgedA.add(entry.line()));
      }
      assertThat(store.metrics().headFullRefusals()).isZero();
    }
  }

  private static TreeSet<String> lines(DiskLogStore store, String tenant) throws IOException {
    return new TreeSet<>(StoreLines.of(store, tenant));
  }

  private static TreeSet<String> lines(DiskLogStore store) throws IOException {
    return new TreeSet<>(StoreLines.of(store, "a"));
  }

}
