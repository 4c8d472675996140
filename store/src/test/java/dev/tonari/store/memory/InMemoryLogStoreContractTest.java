package dev.tonari.store.memory;

import dev.tonari.store.LogStore;
import dev.tonari.store.LogStoreContractTest;
import java.nio.file.Path;

class InMemoryLogStoreContractTest extends LogStoreContractTest {
  @Override
  protected LogStore openStore(Path directory) {
    return new InMemoryLogStore();
  }
}
