package dev.tonari.server;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.log.PushLog;
import dev.tonari.store.LogStore;
import java.io.IOException;

/**
 * The cluster module's real classes behind {@link ClusterBackends}. The Kafka push log, the
 * PostgreSQL catalog, the ingester, the querier's store and the compactor are being merged into
 * the cluster module; until a piece is there, starting a role that needs it stops with a message
 * naming the piece, never with a fake that would lose data across processes.
 */
final class ProductionClusterBackends implements ClusterBackends {
  static final ProductionClusterBackends INSTANCE = new ProductionClusterBackends();

  private ProductionClusterBackends() {}

  @Override
  public ClusterCatalog openCatalog(ServerConfig config) throws IOException {
    throw missing("the PostgreSQL catalog (PostgresClusterCatalog)", "cluster.postgres");
  }

  @Override
  public PushLog openPushLog(ServerConfig config) throws IOException {
    throw missing("the Kafka push log (KafkaPushLog)", "cluster.kafka");
  }

  @Override
  public IngesterProcess openIngester(ServerConfig config, ClusterCatalog catalog, String nodeId, String advertiseAddress) throws IOException {
    throw missing("the ingester (Ingester)", "cluster.kafka");
  }

  @Override
  public LogStore openReadStore(ServerConfig config, ClusterCatalog catalog) throws IOException {
    throw missing("the querier's store (ClusterLogStore)", "cluster.postgres");
  }

  @Override
  public AutoCloseable openCompactor(ServerConfig config, ClusterCatalog catalog, String nodeId) throws IOException {
    throw missing("the compactor (Compactor)", "cluster.compactor");
  }

  private static IOException missing(String piece, String key) {
    return new IOException(piece + " for " + key + " is not in this build of Tonari yet; run without --role (single node) or a build with the cluster module's "
        + "Kafka and PostgreSQL classes");
  }
}
