package dev.tonari.slo.rollup;

class InMemoryRollupStoreTest extends RollupStoreContract {
  @Override
  RollupStore newStore() {
    return new InMemoryRollupStore();
  }
}
