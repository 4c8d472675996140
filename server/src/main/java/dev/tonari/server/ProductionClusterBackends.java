package dev.tonari.server;

import dev.tonari.cluster.catalog.CatalogUnavailableException;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.ClusterPartCatalogue;
import dev.tonari.cluster.catalog.PostgresClusterCatalog;
import dev.tonari.cluster.catalog.PostgresSettings;
import dev.tonari.cluster.ingester.Ingester;
import dev.tonari.cluster.ingester.IngesterSettings;
import dev.tonari.cluster.log.KafkaPushLog;
import dev.tonari.cluster.log.KafkaSettings;
import dev.tonari.cluster.log.KafkaTopics;
import dev.tonari.cluster.log.PushLog;
import dev.tonari.cluster.querier.ClusterLogStore;
import dev.tonari.cluster.querier.ClusterQuerierConfig;
import dev.tonari.cluster.querier.HeadClient;
import dev.tonari.cluster.querier.HeadQueryService;
import dev.tonari.store.LogStore;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.engine.RemoteStorageOptions;
import dev.tonari.store.object.LocalObjectStore;
import dev.tonari.store.object.ObjectStore;
import dev.tonari.store.object.s3.S3ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The cluster module's real classes behind {@link ClusterBackends}: {@link PostgresClusterCatalog},
 * {@link KafkaPushLog} (the topic created when absent), the {@link Ingester} with its {@link
 * HeadQueryService}, the querier's {@link ClusterLogStore} over a read-only, catalogued {@link
 * DiskLogStore}, and the {@link ClusterCompactor} around the cluster module's {@code Compactor}. Parts live in the S3 bucket of {@code
 * storage.s3}, or in {@code cluster.parts_directory} for a cluster on one machine.
 */
final class ProductionClusterBackends implements ClusterBackends {
  static final ProductionClusterBackends INSTANCE = new ProductionClusterBackends();
  /** A head request is a selector and a time range: a megabyte is far beyond any real one. */
  static final long MAX_HEAD_REQUEST_BYTES = 1L << 20;
  /** An ingester's answer past this fails the read naming the limit, rather than filling the querier's heap. */
  static final long MAX_HEAD_RESPONSE_BYTES = 512L << 20;

  private ProductionClusterBackends() {}

  @Override
  public ClusterCatalog openCatalog(ServerConfig config) throws IOException {
    PostgresSettings postgres = config.cluster().postgres().orElseThrow(() -> new IllegalArgumentException("cluster.postgres.jdbc_url is not set"));
    try {
      return PostgresClusterCatalog.open(postgres);
    } catch (CatalogUnavailableException | IllegalArgumentException e) {
      throw new IOException("the catalog (cluster.postgres.jdbc_url " + postgres.jdbcUrl() + ") cannot be opened: " + e.getMessage(), e);
    }
  }

  @Override
  public PushLog openPushLog(ServerConfig config, String nodeId) throws IOException {
    KafkaSettings kafka = kafka(config);
    ensureTopic(kafka);
    return new KafkaPushLog(kafka, "tonari-distributor-" + nodeId);
  }

  @Override
  public IngesterProcess openIngester(ServerConfig config, ClusterCatalog catalog, String nodeId, String advertiseAddress) throws IOException {
    KafkaSettings kafka = kafka(config);
    ensureTopic(kafka);
    ClusterSettings cluster = config.cluster();
    Duration ttl = cluster.heartbeatTtl();
    IngesterSettings settings = new IngesterSettings(nodeId, advertiseAddress, config.dataDir().resolve("ingester"), cluster.ingesterFlushBytes(),
        cluster.ingesterFlushAge(), ttl.dividedBy(5), ttl);
    ObjectStore objects = openObjects(config);
    Ingester ingester;
    try {
      ingester = new Ingester(kafka, catalog, objects, settings);
      ingester.start();
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(objects, e);
      throw e;
    }
    // Read-after-acknowledge: a head request first waits for what Kafka acknowledged, for at most
    // two thirds of the querier's call timeout so that the querier hears why rather than a timeout.
    Duration acknowledgedWait = cluster.ingesterCallTimeout().multipliedBy(2).dividedBy(3);
    HeadQueryService head = HeadQueryService.forIngester(ingester, MAX_HEAD_REQUEST_BYTES, internalToken(config), acknowledgedWait);
    return new IngesterProcess() {
      @Override
      public HeadQueryService headService() {
        return head;
      }

      @Override
      public Optional<String> notReady() {
        return ingester.headComplete() ? Optional.empty()
            : Optional.of("replaying partitions " + ingester.ownedPartitions() + " from the offsets the catalog holds");
      }

      @Override
      public long flushes() {
        return ingester.flushes();
      }

      @Override
      public long fencedCommits() {
        return ingester.fencedCommits();
      }

      @Override
      public void close() throws IOException {
        try {
          ingester.close();
        } finally {
          objects.close();
        }
      }
    };
  }

  @Override
  public LogStore openReadStore(ServerConfig config, ClusterCatalog catalog) throws IOException {
    ClusterSettings cluster = config.cluster();
    ObjectStore objects = openObjects(config);
    Path directory = config.dataDir().resolve("querier");
    // Read-only and catalogued: exactly the catalog's parts, refreshed to the revision the ingesters report before each read.
    RemoteStorageOptions remote = RemoteStorageOptions.defaults()
        .withCache(config.storage().type() == StorageSettings.Type.S3 && config.storage().s3().cacheDir() != null ? config.storage().s3().cacheDir()
            : directory.resolve("cache"), config.storage().type() == StorageSettings.Type.S3 ? config.storage().s3().cacheSize() : StorageSettings.DEFAULT_CACHE_SIZE)
        .withReadOnly(true, Duration.ofSeconds(30));
    DiskLogStore parts;
    try {
      parts = DiskLogStore.openOwningObjectStore(DiskLogStoreConfig.defaults(directory)
          .withObjectStore(objects)
          .withRemote(remote)
          .withPartCatalogue(new ClusterPartCatalogue(catalog))
          .withMaintenanceInterval(Duration.ZERO));
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(objects, e);
      throw e;
    }
    Duration timeout = cluster.ingesterCallTimeout();
    ClusterQuerierConfig querier = ClusterQuerierConfig.defaults(kafka(config).partitions(), internalToken(config)).withIngesterTimeout(timeout)
        .withMaxHeadResponseBytes(MAX_HEAD_RESPONSE_BYTES);
    HeadClient heads = new HeadClient(querier);
    // No push log: a querier's RoleLogStore refuses appends before they reach this store.
    return new ClusterLogStore(catalog, parts, ClusterLogStore.PartsRefresher.of(parts), heads, null, querier);
  }

  @Override
  public AutoCloseable openCompactor(ServerConfig config, ClusterCatalog catalog, String nodeId,
      java.util.function.Function<String, dev.tonari.store.engine.RetentionPolicy> retention) throws IOException {
    ObjectStore objects = openObjects(config);
    try {
      return ClusterCompactor.start(config, catalog, objects, nodeId, retention);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(objects, e);
      throw e;
    }
  }

  private static String internalToken(ServerConfig config) {
    return config.cluster().internalToken().orElseThrow(() -> new IllegalArgumentException("cluster.internal_token is not set"));
  }

  private static KafkaSettings kafka(ServerConfig config) {
    return config.cluster().kafka().orElseThrow(() -> new IllegalArgumentException("cluster.kafka.bootstrap_servers is not set"));
  }

  private static void ensureTopic(KafkaSettings kafka) throws IOException {
    try {
      KafkaTopics.ensure(kafka);
    } catch (IllegalStateException e) {
      throw new IOException("the push log (cluster.kafka.bootstrap_servers " + kafka.bootstrapServers() + ", topic " + kafka.topic() + "): " + e.getMessage(), e);
    }
  }

  /** The parts' object store: the S3 bucket, or the shared directory of a cluster on one machine. */
  static ObjectStore openObjects(ServerConfig config) throws IOException {
    StorageSettings storage = config.storage();
    if (storage.type() == StorageSettings.Type.S3) {
      try {
        return S3ObjectStore.open(StorageFactory.s3Settings(storage.s3()));
      } catch (IOException e) {
        throw new IOException("storage " + storage.s3().location() + " cannot be used: " + e.getMessage(), e);
      }
    }
    Path directory = config.cluster().partsDirectory().orElseThrow(() -> new IllegalArgumentException("cluster.parts_directory is not set"));
    return new LocalObjectStore(directory);
  }

  private static void closeAfterFailure(AutoCloseable resource, Exception failure) {
    try {
      resource.close();
    } catch (Exception suppressed) {
      failure.addSuppressed(suppressed);
    }
  }
}
