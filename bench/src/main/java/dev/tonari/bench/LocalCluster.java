package dev.tonari.bench;

import dev.tonari.cluster.testing.KafkaServer;
import dev.tonari.cluster.testing.PostgresServer;
import dev.tonari.store.object.s3.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A Tonari cluster on one machine, every piece real: Kafka (KRaft, a child JVM), PostgreSQL
 * (Debian's initdb and pg_ctl as a non-root user), s3proxy (in this JVM), and the Tonari processes,
 * each a {@code java -jar tonari.jar server --role R --config cluster.yaml} of its own with a small
 * heap. All processes read one config file; each has its own data directory (block cache) and log.
 * {@link #close()} stops everything it started, Tonari processes first.
 */
public final class LocalCluster implements AutoCloseable {
  /** The roles this cluster starts, as {@code --role} spells them. */
  public enum Role {
    DISTRIBUTOR,
    INGESTER,
    QUERIER,
    RULER,
    COMPACTOR,
    ALL;

    public String flag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One Tonari process of the cluster. */
  public record Node(String name, Role role, ServerProcess process) {
    public LokiHttpClient client() {
      return process.client();
    }
  }

  /**
   * @param jar the shaded tonari.jar
   * @param workDir config, data directories and logs (emptied first)
   * @param partitions partitions of the push topic
   * @param jvmOptions of each Tonari process: a small heap ({@code -Xmx192m}), and for tests
   *     {@code -XX:TieredStopAtLevel=1} (quicker start, less JIT time on few cores)
   * @param flushAge how long an ingester keeps a partition's head before it writes a part
   * @param extraYaml appended to the config file (e.g. the ruler's section)
   */
  public record Options(Path jar, Path workDir, int partitions, List<String> jvmOptions, Duration flushAge, String extraYaml) {}

  public static final String TOPIC = "tonari-push";
  static final String BUCKET_PREFIX = "cluster";
  /** The internal routes' shared secret; only loopback processes of this run know it. */
  private static final String INTERNAL_TOKEN = "local-cluster-internal-token-0123456789";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(150);

  private final Options options;
  private final KafkaServer kafka;
  private final PostgresServer postgres;
  private final PostgresServer.Database database;
  private final S3ProxyServer s3;
  private final String bucket;
  private final Path configFile;
  private final List<Node> nodes = java.util.Collections.synchronizedList(new ArrayList<>());
  private final java.util.concurrent.atomic.AtomicInteger nextNode = new java.util.concurrent.atomic.AtomicInteger();

  private LocalCluster(Options options, KafkaServer kafka, PostgresServer postgres, PostgresServer.Database database, S3ProxyServer s3, String bucket, Path configFile) {
    this.options = options;
    this.kafka = kafka;
    this.postgres = postgres;
    this.database = database;
    this.s3 = s3;
    this.bucket = bucket;
    this.configFile = configFile;
  }

  /** Why this machine cannot run a cluster (component missing), or empty when it can. */
  public static java.util.Optional<String> missingComponent(Path jar) {
    if (!Files.isRegularFile(jar)) {
      return java.util.Optional.of("skipped: " + jar.toAbsolutePath().normalize() + " is absent; run ./mvnw verify from the repository root so cli is packaged first");
    }
    if (PostgresServer.installedBin().isEmpty()) {
      return java.util.Optional.of("skipped: PostgreSQL not installed (initdb and pg_ctl under /usr/lib/postgresql/*/bin)");
    }
    if (!KafkaServer.available()) {
      return java.util.Optional.of("skipped: Kafka not installed (kafka_2.13 is not on the classpath)");
    }
    return java.util.Optional.empty();
  }

  /**
   * Starts Kafka, PostgreSQL and s3proxy, creates the topic and the bucket and writes the config;
   * no Tonari process yet ({@link #start}).
   */
  public static LocalCluster launch(Options options) throws Exception {
    CrashTest.deleteRecursively(options.workDir());
    Files.createDirectories(options.workDir());
    List<AutoCloseable> started = new ArrayList<>();
    try {
      // Kafka and PostgreSQL start in parallel: each takes 5-20 s on a loaded 2-core machine.
      ExecutorService starter = Executors.newVirtualThreadPerTaskExecutor();
      Future<KafkaServer> kafkaStart = starter.submit(() -> KafkaServer.launch(Map.of("num.partitions", Integer.toString(options.partitions()))));
      Future<PostgresServer> postgresStart = starter.submit(() -> PostgresServer.start("cluster"));
      starter.shutdown();
      KafkaServer kafka = awaitStarted(kafkaStart, started);
      PostgresServer postgres = awaitStarted(postgresStart, started);
      S3ProxyServer s3 = S3ProxyServer.start();
      started.add(s3);
      String bucket = s3.createBucket();
      createTopic(kafka.bootstrapServers(), options.partitions());
      PostgresServer.Database database = postgres.createDatabase();
      Path configFile = options.workDir().resolve("cluster.yaml");
      LocalCluster cluster = new LocalCluster(options, kafka, postgres, database, s3, bucket, configFile);
      Files.writeString(configFile, cluster.configYaml(), StandardCharsets.UTF_8);
      return cluster;
    } catch (Exception | Error e) {
      for (AutoCloseable component : started.reversed()) {
        try {
          component.close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
  }

  private static <T extends AutoCloseable> T awaitStarted(Future<T> start, List<AutoCloseable> started) throws Exception {
    try {
      T component = start.get(5, TimeUnit.MINUTES);
      started.add(component);
      return component;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static void createTopic(String bootstrapServers, int partitions) throws Exception {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(properties)) {
      // One broker on one machine: one replica. Created here rather than by the first distributor
      // so that every process sees the same partition count from its first second.
      admin.createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }
  }

  String configYaml() {
    return """
        # written by dev.tonari.bench.LocalCluster
        limits:
          ingestion_rate_mb: 256
          ingestion_burst_size_mb: 512
        storage:
          type: s3
          s3:
            bucket: %s
            prefix: %s
            endpoint: %s
            region: us-east-1
        cluster:
          internal_token: %s
          heartbeat_ttl: 3s
          kafka:
            bootstrap_servers: [%s]
            topic: %s
            partitions: %d
            replication_factor: 1
            # Short enough that a push during a 4 s broker outage is answered 503 (with Retry-After) rather than held.
            producer_max_block: 1s
            delivery_timeout: 2500ms
            request_timeout: 2s
          postgres:
            jdbc_url: %s
            user: %s
            pool_size: 3
          ingester:
            flush_age: %s
          querier:
            ingester_call_timeout: 3s
        %s
        """
        .formatted(bucket, BUCKET_PREFIX, s3.endpoint(), INTERNAL_TOKEN, kafka.bootstrapServers(), TOPIC, options.partitions(), database.jdbcUrl(),
            database.user(), options.flushAge().toMillis() + "ms", options.extraYaml());
  }

  /** Environment of every Tonari process: the S3 credentials and the catalog's password. */
  Map<String, String> environment() {
    Map<String, String> environment = new java.util.HashMap<>();
    environment.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
    environment.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
    environment.put("AWS_REGION", "us-east-1");
    environment.put("TONARI_POSTGRES_PASSWORD", database.password());
    return environment;
  }

  /** Starts one Tonari process of the role and waits until its {@code /ready} answers 200. */
  public Node start(Role role) throws IOException, InterruptedException {
    String name = role.flag() + "-" + nextNode.incrementAndGet();
    ServerProcess process =
        ServerProcess.start(options.jar(), options.workDir().resolve(name), options.workDir().resolve(name + ".log"),
            options.jvmOptions(),
            List.of("--role", role.flag(), "--config", configFile.toString()), environment(), READY_TIMEOUT);
    Node node = new Node(name, role, process);
    nodes.add(node);
    return node;
  }

  /** Starts several processes at once (they take most of their start-up time in the JIT, so in parallel is quicker even on 2 cores). */
  public List<Node> startAll(List<Role> roles) throws Exception {
    List<Node> startedNodes = new ArrayList<>();
    try (ExecutorService starter = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Node>> starts = new ArrayList<>();
      for (Role role : roles) {
        starts.add(starter.submit(() -> start(role)));
      }
      for (Future<Node> start : starts) {
        try {
          startedNodes.add(start.get());
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
    }
    return startedNodes;
  }

  /** Live nodes of a role, in start order. */
  public List<Node> nodes(Role role) {
    synchronized (nodes) {
      return nodes.stream().filter(node -> node.role() == role && node.process().isAlive()).toList();
    }
  }

  public List<Node> allNodes() {
    synchronized (nodes) {
      return List.copyOf(nodes);
    }
  }

  public KafkaServer kafka() {
    return kafka;
  }

  public PostgresServer postgres() {
    return postgres;
  }

  /** The cluster's database (for catalog figures: rows, commits). */
  public PostgresServer.Database database() {
    return database;
  }

  public S3ProxyServer s3() {
    return s3;
  }

  public String bucket() {
    return bucket;
  }

  public Path configFile() {
    return configFile;
  }

  public Options options() {
    return options;
  }

  /** A short status line of every process (for failure messages): name, pid, alive. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    for (Node node : allNodes()) {
      text.append(node.name()).append(" pid ").append(node.process().pid()).append(" port ").append(node.process().port())
          .append(node.process().isAlive() ? " alive" : " exited").append("; ");
    }
    return text.toString();
  }

  /** Kills every Tonari process, then stops s3proxy, PostgreSQL and Kafka; each failure is kept and rethrown at the end. */
  @Override
  public void close() throws Exception {
    Exception failure = null;
    for (Node node : allNodes()) {
      node.process().close();
    }
    for (AutoCloseable component : List.<AutoCloseable>of(s3, postgres, kafka)) {
      try {
        component.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
