package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.LogStore;
import java.io.IOException;
import java.nio.file.Path;

/** Every round flushed, then parts merged pairwise until the policy is satisfied. */
class DiskLogStoreMergedContractTest extends DiskLogStoreContractTest {
  @Override
  protected LogStore openStore(Path directory) throws IOException {
    return DiskLogStore.open(testConfig(directory).withMergePolicy(new MergePolicy(2, 3)));
  }

  @Override
  protected LogStore afterRound(LogStore store, Path directory, int round) throws IOException {
    ((DiskLogStore) store).flush();
    return store;
  }

  @Override
  protected LogStore beforeReads(LogStore store, Path directory) throws IOException {
    DiskLogStore disk = (DiskLogStore) store;
    disk.flush();
    while (disk.mergeOnce()) {
      // until no level holds two parts
    }
    for (String tenant : disk.tenants()) {
      // With pairwise merges no level below the last may keep two parts.
      for (int level = 0; level < 3; level++) {
        String prefix = String.format("%s/parts/%02d-", tenant, level);
        assertThat(disk.partKeys(tenant).stream().filter(k -> k.startsWith(prefix))).hasSizeLessThan(2);
      }
    }
    return store;
  }
}
