package dev.tonari.store.engine;

import dev.tonari.store.LogStore;
import dev.tonari.store.LogStoreContractTest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Reads served from the WAL-backed head only. */
class DiskLogStoreContractTest extends LogStoreContractTest {
  static DiskLogStoreConfig testConfig(Path directory) {
    return DiskLogStoreConfig.defaults(directory).withMaintenanceInterval(Duration.ZERO).withRetention(Duration.ZERO, null);
  }

  @Override
  protected LogStore openStore(Path directory) throws IOException {
    return DiskLogStore.open(testConfig(directory));
  }
}
