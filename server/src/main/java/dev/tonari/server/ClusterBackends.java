package dev.tonari.server;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.log.PushLog;
import dev.tonari.cluster.querier.HeadQueryService;
import dev.tonari.store.LogStore;
import dev.tonari.store.engine.RetentionPolicy;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a process of a cluster role reaches the shared systems and builds its role's engine: the
 * catalog (PostgreSQL), the push log (Kafka), the ingester, the querier's store and the compactor.
 * {@link ClusterWiring} asks for what its role needs and nothing else, so a querier never connects
 * a Kafka producer. Production opens the real systems ({@link #production()}); a test may pass
 * another implementation through the same door (a catalog in the heap, say).
 */
public interface ClusterBackends {

  /** The catalog every role uses (membership, leases, parts). */
  ClusterCatalog openCatalog(ServerConfig config) throws IOException;

  /** The push log distributors append to; {@code nodeId} names the producer's client. */
  PushLog openPushLog(ServerConfig config, String nodeId) throws IOException;

  /** The ingester: consumes its partitions, keeps their head, flushes parts, serves the head. */
  IngesterProcess openIngester(ServerConfig config, ClusterCatalog catalog, String nodeId, String advertiseAddress) throws IOException;

  /**
   * The read side of queriers and rulers: parts through the catalog, unflushed entries from the
   * ingesters' heads. This is the seam of the querier's store (today {@code
   * dev.tonari.cluster.querier.ClusterLogStore}); the server sees only a {@link LogStore}.
   */
  LogStore openReadStore(ServerConfig config, ClusterCatalog catalog) throws IOException;

  /**
   * The compactor: while it holds the {@code compactor} lease, merges parts, applies each
   * tenant's {@code retention} (period and stream rules, as the single node's store does) and
   * deletes the objects of parts the catalog removed.
   */
  AutoCloseable openCompactor(ServerConfig config, ClusterCatalog catalog, String nodeId, Function<String, RetentionPolicy> retention) throws IOException;

  /** What the server needs of an ingester: its head for the internal route, its readiness and its figures for {@code /metrics}. */
  interface IngesterProcess extends AutoCloseable {
    /** Answers the querier's head requests on {@link dev.tonari.cluster.querier.HeadProtocol#PATH}. */
    HeadQueryService headService();

    /** Why the ingester should not get queries yet (replaying its partitions), or empty when it is caught up. */
    Optional<String> notReady();

    /** Flushes of the head that registered parts. */
    long flushes();

    /** Commits refused because another ingester had taken the partition over. */
    long fencedCommits();

    @Override
    void close() throws IOException;
  }

  /**
   * Kafka, PostgreSQL and S3 (or a shared local directory) through the cluster module's classes.
   * Each role's piece is opened only when the role asks for it.
   */
  static ClusterBackends production() {
    return ProductionClusterBackends.INSTANCE;
  }
}
