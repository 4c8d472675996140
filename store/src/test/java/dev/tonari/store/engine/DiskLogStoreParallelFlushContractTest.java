package dev.tonari.store.engine;

import dev.tonari.store.LogStore;
import java.io.IOException;
import java.nio.file.Path;

/** The flushed contract with two flush writers, which this store gets on 4 processors or more. */
class DiskLogStoreParallelFlushContractTest extends DiskLogStoreContractTest {
  @Override
  protected LogStore openStore(Path directory) throws IOException {
    return DiskLogStore.openWithFlushWriters(testConfig(directory), 2);
  }

  @Override
  protected LogStore afterRound(LogStore store, Path directory, int round) throws IOException {
    if (round < 2) {
      ((DiskLogStore) store).flush();
    }
    return store;
  }
}
