package dev.tonari.cli;

import dev.tonari.server.ClusterSettings;
import dev.tonari.server.ServerConfig;
import dev.tonari.server.TonariServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tonari server}: runs a node until SIGTERM or SIGINT, then stops taking requests and
 * closes the store, which flushes the head to parts (so a restart does not replay a full WAL).
 */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run the Tonari server (Loki API on local storage or an S3 bucket).")
final class ServerCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (see docs/configuration.md); flags win over it.")
  Path config;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on (default: 127.0.0.1:3100 unless set in the config file).")
  String listen;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory of the WAL and parts (default: ./data unless set in the config file).")
  Path dataDir;

  @Option(names = "--storage", paramLabel = "s3://BUCKET/PREFIX",
      description = "Keep parts in this S3 bucket under this prefix (sets storage.type: s3, storage.s3.bucket and prefix); the WAL stays in --data-dir.")
  String storage;

  @Option(names = "--role", paramLabel = "ROLE",
      description = "Cluster role: all, distributor, ingester, querier, ruler or compactor (default: cluster.role, or all). "
          + "A role other than all needs the config's cluster section (Kafka, PostgreSQL); all without one is the single-node server.")
  String role;

  @Override
  public Integer call() throws Exception {
    ServerConfig serverConfig;
    try {
      serverConfig = withRole(resolve(config, listen, dataDir, storage), role);
    } catch (ServerConfig.ConfigException | IllegalArgumentException e) {
      System.err.println("tonari server: " + e.getMessage());
      return 2;
    }
    TonariServer server;
    try {
      server = TonariServer.open(serverConfig);
    } catch (java.io.IOException e) {
      // A bucket that is gone or refuses the credentials, an unreadable data directory: the
      // message says which; the WAL is untouched, so fixing the cause and starting again loses nothing.
      System.err.println("tonari server: cannot start: " + e.getMessage());
      return 1;
    }
    runUntilSignalled(server);
    return 0;
  }

  /**
   * The config with {@code --role} applied: {@code all} without a {@code cluster} section stays
   * the single-node server (byte for byte today's); any other role needs the section.
   *
   * @throws IllegalArgumentException naming the role and the missing key
   */
  static ServerConfig withRole(ServerConfig config, String role) {
    if (role == null) {
      return config;
    }
    ClusterSettings.Role parsed;
    try {
      parsed = ClusterSettings.Role.parse(role);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--role: " + e.getMessage(), e);
    }
    if (!config.cluster().configured()) {
      if (parsed == ClusterSettings.Role.ALL) {
        return config;
      }
      throw new IllegalArgumentException("--role " + parsed.configName() + " needs a cluster section in the config file (--config) with at least "
          + "cluster.kafka.bootstrap_servers and cluster.postgres.jdbc_url; see docs/cluster.md");
    }
    return config.withRole(parsed);
  }

  /** The config file (or defaults) with the flags applied on top. */
  static ServerConfig resolve(Path file, String listen, Path dataDir) throws ServerConfig.ConfigException {
    return resolve(file, listen, dataDir, null);
  }

  /** As {@link #resolve(Path, String, Path)}, with the {@code --storage s3://bucket/prefix} shorthand on top. */
  static ServerConfig resolve(Path file, String listen, Path dataDir, String storage) throws ServerConfig.ConfigException {
    ServerConfig resolved = file == null ? ServerConfig.defaults() : ServerConfig.load(file);
    if (listen != null) {
      resolved = resolved.withListen(listen);
    }
    if (dataDir != null) {
      resolved = resolved.withDataDir(dataDir);
    }
    if (storage != null) {
      resolved = resolved.withStorageSettings(resolved.storage().withLocation(storage));
    }
    return resolved;
  }

  /**
   * Blocks until the JVM is asked to stop; the shutdown hook closes the server and waits for the
   * close to finish, so the head is flushed before the process exits.
   */
  static void runUntilSignalled(AutoCloseable server) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("tonari: error while stopping: " + e);
        e.printStackTrace(System.err);
      } finally {
        stopped.countDown();
      }
    }, "tonari-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
  }
}
