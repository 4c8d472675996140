package dev.tonari.store.engine;

import dev.tonari.store.LogStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Rounds end alternately with a crash (no flush: the WAL is replayed) and a graceful close (the
 * head is flushed to parts); reads then come from a reopened store.
 */
class DiskLogStoreReopenedContractTest extends DiskLogStoreContractTest {
  @Override
  protected LogStore afterRound(LogStore store, Path directory, int round) throws IOException {
    if (round % 2 == 0) {
      ((DiskLogStore) store).abandonWithoutFlush();
    } else {
      store.close();
    }
    return openStore(directory);
  }

  @Override
  protected LogStore beforeReads(LogStore store, Path directory) throws IOException {
    store.close();
    return openStore(directory);
  }
}
