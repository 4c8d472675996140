package dev.tonari.store.engine;

import dev.tonari.store.LogStore;
import java.io.IOException;
import java.nio.file.Path;

/** Each round flushed to parts, except the last, so reads merge parts with a live head. */
class DiskLogStoreFlushedContractTest extends DiskLogStoreContractTest {
  @Override
  protected LogStore afterRound(LogStore store, Path directory, int round) throws IOException {
    if (round < 2) {
      ((DiskLogStore) store).flush();
    }
    return store;
  }
}
