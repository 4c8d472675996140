package dev.tonari.store.object;

class InMemoryObjectStoreTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore createStore() {
    return new InMemoryObjectStore();
  }
}
