package dev.tonari.server;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.log.PushLog;
import dev.tonari.store.LogStore;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * How a process of a cluster role reaches the shared systems and builds its role's engine: the
 * catalog (PostgreSQL), the push log (Kafka), the ingester, the querier's store and the compactor.
 * {@link ClusterWiring} asks for what its role needs and nothing else, so a querier never connects
 * a Kafka producer. Production opens the real systems ({@link #production()}); tests pass small
 * fakes (an in-memory catalog, a push log that throws) through the same door.
 */
public interface ClusterBackends {

  /** The catalog every role uses (membership, leases, parts). */
  ClusterCatalog openCatalog(ServerConfig config) throws IOException;

  /** The push log distributors append to. */
  PushLog openPushLog(ServerConfig config) throws IOException;

  /** The ingester: consumes its partitions, keeps their head, flushes parts, serves the head. */
  IngesterProcess openIngester(ServerConfig config, ClusterCatalog catalog, String nodeId, String advertiseAddress) throws IOException;

  /** The read side of queriers and rulers: parts through the catalog, unflushed entries from the ingesters' heads. */
  LogStore openReadStore(ServerConfig config, ClusterCatalog catalog) throws IOException;

  /** The compactor: merges parts and applies retention while it holds the {@code compactor} lease. */
  AutoCloseable openCompactor(ServerConfig config, ClusterCatalog catalog, String nodeId) throws IOException;

  /** What the server needs of an ingester: its head over the internal route, its readiness and its figures for {@code /metrics}. */
  interface IngesterProcess extends AutoCloseable {
    /** Answers one head select of a querier (the internal route's body in, its answer out). */
    byte[] selectHead(byte[] request) throws IOException;

    /** Why the ingester should not get queries yet (replaying a partition, catalog unreachable), or empty when it is caught up. */
    Optional<String> notReady();

    /** Records still to consume per owned partition. */
    Map<Integer, Long> consumerLag();

    long flushes();

    long commits();

    long fencedCommits();

    @Override
    void close() throws IOException;
  }

  /**
   * Kafka, PostgreSQL and S3 through the cluster module's classes. Each role's piece is opened
   * only when the role asks for it.
   */
  static ClusterBackends production() {
    return ProductionClusterBackends.INSTANCE;
  }
}
