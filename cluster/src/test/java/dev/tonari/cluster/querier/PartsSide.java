package dev.tonari.cluster.querier;

import dev.tonari.store.LogStore;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.util.List;

/** The flushed side of a test cluster: where ingesters' flushes land and what the querier reads parts from. */
interface PartsSide extends AutoCloseable {
  /** One tenant's batches of one flush. */
  record Flushed(String tenant, List<StreamBatch> streams) {}

  /** Registers one flush's batches as parts and returns the catalog parts revision that makes them visible. */
  long flush(List<Flushed> batches) throws IOException;

  /** The querier's read side of the parts; stale until refreshed. */
  LogStore store();

  ClusterLogStore.PartsRefresher refresher();

  @Override
  void close() throws IOException;
}
