package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flush with several writer threads: every tenant's part is written once, and a tenant whose
 * part fails stays served from the frozen head while the others' parts are published, until the
 * next flush writes it.
 */
class DiskLogStoreParallelFlushTest {
  private static final long START_NANOS = 1_768_003_200_000_000_000L;
  private static final List<String> TENANTS = List.of("a", "b", "c", "d", "e");

  @TempDir Path directory;

  /** Fails the puts of one tenant's parts while {@link #failing} is set: a full disk for that tenant's files. */
  private static final class FailingForTenant extends ForwardingObjectStore {
    final String tenant;
    final AtomicBoolean failing = new AtomicBoolean(true);

    FailingForTenant(ObjectStore delegate, String tenant) {
      super(delegate);
      this.tenant = tenant;
    }

    @Override
    public void put(String key, Path file) throws IOException {
      if (failing.get() && key.startsWith(tenant + "/")) {
        throw new IOException("No space left on device (injected) writing " + key);
      }
      delegate.put(key, file);
    }
  }

  private static List<String> append(DiskLogStore store, String tenant, int lines) throws IOException {
    List<LogEntry> entries = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      String line = "tenant " + tenant + " line " + i + " trace_id=" + Long.toHexString(START_NANOS * 31 + i * 7919L + tenant.hashCode());
      entries.add(new LogEntry(START_NANOS + i * 1_000_000L, line));
      texts.add(line);
    }
    store.append(tenant, List.of(new StreamBatch(Labels.of("app", "api", "tenant", tenant), entries)));
    return texts;
  }

  private static List<String> lines(DiskLogStore store, String tenant) throws IOException {
    return StoreLines.of(store, tenant);
  }


  @Test
  void aFailedTenantStaysInTheFrozenHeadWhileTheOthersArePublishedAndTheNextFlushWritesIt() throws IOException {
    FailingForTenant objects = new FailingForTenant(new LocalObjectStore(directory.resolve("objects")), "c");
    DiskLogStoreConfig config = DiskLogStoreContractTest.testConfig(directory).withObjectStore(objects).withMaintenanceInterval(Duration.ZERO);
    Map<String, List<String>> expected = new TreeMap<>();
    try (DiskLogStore store = DiskLogStore.openWithFlushWriters(config, 3)) {
      for (String tenant : TENANTS) {
        expected.put(tenant, append(store, tenant, 2_000));
      }
      assertThatThrownBy(store::flush).isInstanceOf(IOException.class).hasMessageContaining("tenant c").hasMessageContaining("No space left on device");
      Map<String, Long> parts = store.metrics().partsByTenant();
      for (String tenant : TENANTS) {
        assertThat(parts.getOrDefault(tenant, 0L)).as("parts of tenant " + tenant).isEqualTo(tenant.equals("c") ? 0L : 1L);
        assertThat(lines(store, tenant)).as("lines of tenant " + tenant + " after the failed flush").isEqualTo(expected.get(tenant));
      }
      objects.failing.set(false);
      store.flush();
      for (String tenant : TENANTS) {
        assertThat(store.metrics().partsByTenant().get(tenant)).as("parts of tenant " + tenant).isEqualTo(1L);
        assertThat(lines(store, tenant)).as("lines of tenant " + tenant + " after the second flush").isEqualTo(expected.get(tenant));
      }
    }
    try (DiskLogStore reopened = DiskLogStore.open(DiskLogStoreContractTest.testConfig(directory).withObjectStore(new LocalObjectStore(directory.resolve("objects"))))) {
      for (String tenant : TENANTS) {
        assertThat(lines(reopened, tenant)).as("lines of tenant " + tenant + " after a reopen").isEqualTo(expected.get(tenant));
      }
    }
  }
}
