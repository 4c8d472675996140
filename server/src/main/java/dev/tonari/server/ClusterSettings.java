package dev.tonari.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.tonari.cluster.catalog.PasswordSource;
import dev.tonari.cluster.catalog.PostgresSettings;
import dev.tonari.cluster.log.KafkaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code cluster} section of the server config: which role this process plays in a Tonari
 * cluster and how it reaches Kafka (the push log), PostgreSQL (the catalog) and its peers. Without
 * a role (the default) the server is the single node it always was and nothing here is used; the
 * section may still be present, so that every process of a cluster reads one file and picks its
 * role with {@code --role}.
 *
 * @param role {@code role}; empty for the single-node server
 * @param nodeId {@code node_id}: the member name in the catalog; empty means host name and port
 * @param advertiseAddress {@code advertise_address}: {@code host:port} peers call this process on;
 *     empty means the host name and the listen port
 * @param internalToken {@code internal_token}, {@code internal_token_file} or {@code
 *     TONARI_INTERNAL_TOKEN}: the shared secret of the internal routes; empty when none is set
 * @param heartbeatTtl {@code heartbeat_ttl}: a member silent this long is no longer live
 * @param kafka {@code kafka}: the cluster module's {@link KafkaSettings}, empty when absent
 * @param postgres {@code postgres}: the cluster module's {@link PostgresSettings}, empty when absent
 * @param partsDirectory {@code parts_directory}: with {@code storage.type: local}, the directory
 *     every process of a cluster on one machine keeps parts in; empty means S3 is required
 * @param ingesterFlushBytes {@code ingester.flush_size}: a partition's head is flushed to a part at this many line bytes
 * @param ingesterFlushAge {@code ingester.flush_age}: and at the latest this long after its first record
 * @param ingesterCallTimeout {@code querier.ingester_call_timeout}: how long a querier waits for an ingester's head
 * @param compactorInterval {@code compactor.interval}: how often the compactor merges and applies retention
 * @param purgeGrace {@code compactor.purge_grace}: how long a replaced part stays in S3 for queries already reading it
 */
public record ClusterSettings(
    Optional<Role> role,
    Optional<String> nodeId,
    Optional<String> advertiseAddress,
    Optional<String> internalToken,
    Duration heartbeatTtl,
    Optional<KafkaSettings> kafka,
    Optional<PostgresSettings> postgres,
    Optional<Path> partsDirectory,
    long ingesterFlushBytes,
    Duration ingesterFlushAge,
    Duration ingesterCallTimeout,
    Duration compactorInterval,
    Duration purgeGrace) {

  public static final String DEFAULT_KAFKA_TOPIC = "tonari-push";
  public static final int DEFAULT_KAFKA_PARTITIONS = 16;
  public static final Duration DEFAULT_HEARTBEAT_TTL = Duration.ofSeconds(10);
  public static final long DEFAULT_INGESTER_FLUSH_BYTES = 64L << 20;
  public static final Duration DEFAULT_INGESTER_FLUSH_AGE = Duration.ofMinutes(5);
  public static final Duration DEFAULT_INGESTER_CALL_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_COMPACTOR_INTERVAL = Duration.ofMinutes(5);
  public static final Duration DEFAULT_PURGE_GRACE = Duration.ofHours(1);
  /** Shorter secrets are refused: the internal routes read any tenant's head. */
  public static final int MIN_INTERNAL_TOKEN_LENGTH = 16;
  public static final String INTERNAL_TOKEN_VARIABLE = "TONARI_INTERNAL_TOKEN";
  public static final String POSTGRES_PASSWORD_VARIABLE = "TONARI_POSTGRES_PASSWORD";
  /**
   * Client properties with a key of their own in {@code cluster.kafka}: setting them twice would
   * leave it unclear which one wins. (The cluster module's {@link KafkaSettings} refuses those
   * exactly-once depends on: {@code acks}, idempotence, auto commit, the group.)
   */
  static final Map<String, String> KAFKA_PROPERTIES_WITH_KEYS = Map.of(
      "bootstrap.servers", "bootstrap_servers",
      "delivery.timeout.ms", "delivery_timeout",
      "request.timeout.ms", "request_timeout",
      "max.block.ms", "producer_max_block",
      "session.timeout.ms", "session_timeout");

  /** A process's part in the cluster; {@code all} is every role in one process (a cluster of one, or of several identical nodes). */
  public enum Role {
    ALL,
    DISTRIBUTOR,
    INGESTER,
    QUERIER,
    RULER,
    COMPACTOR;

    /** The role's name as the config and {@code --role} spell it. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this role includes {@code other} (every role includes itself; {@code all} includes every role). */
    public boolean includes(Role other) {
      return this == ALL || this == other;
    }

    /**
     * The role named {@code text}, case-insensitively.
     *
     * @throws IllegalArgumentException listing the roles there are
     */
    public static Role parse(String text) {
      String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
      for (Role role : values()) {
        if (role.configName().equals(wanted)) {
          return role;
        }
      }
      throw new IllegalArgumentException("unknown role '" + text + "'; roles are " + names());
    }

    static String names() {
      List<String> names = new ArrayList<>();
      for (Role role : values()) {
        names.add(role.configName());
      }
      return String.join(", ", names);
    }
  }

  public ClusterSettings {
    java.util.Objects.requireNonNull(role, "role");
    if (!heartbeatTtl.isPositive()) {
      throw new IllegalArgumentException("cluster.heartbeat_ttl must be positive, got " + heartbeatTtl);
    }
    if (ingesterFlushBytes <= 0) {
      throw new IllegalArgumentException("cluster.ingester.flush_size must be positive, got " + ingesterFlushBytes);
    }
    if (!ingesterFlushAge.isPositive() || !ingesterCallTimeout.isPositive() || !compactorInterval.isPositive()) {
      throw new IllegalArgumentException("cluster.ingester.flush_age, cluster.querier.ingester_call_timeout and cluster.compactor.interval must be positive");
    }
    if (purgeGrace.isNegative()) {
      throw new IllegalArgumentException("cluster.compactor.purge_grace must not be negative, got " + purgeGrace);
    }
    if (internalToken.isPresent() && internalToken.get().length() < MIN_INTERNAL_TOKEN_LENGTH) {
      throw new IllegalArgumentException("cluster.internal_token must be at least " + MIN_INTERNAL_TOKEN_LENGTH + " characters, got "
          + internalToken.get().length() + "; e.g. openssl rand -hex 32 > internal-token");
    }
    if (advertiseAddress.isPresent()) {
      String address = advertiseAddress.get();
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || !isPort(address.substring(colon + 1)) || address.substring(colon + 1).equals("0")) {
        throw new IllegalArgumentException("cluster.advertise_address must be host:port with a port other than 0, e.g. 10.0.0.5:3100, got '"
            + address + "'");
      }
    }
    if (nodeId.isPresent() && (nodeId.get().isBlank() || nodeId.get().length() > 200)) {
      throw new IllegalArgumentException("cluster.node_id must be 1 to 200 characters");
    }
  }

  /** No role: the single-node server. */
  public static ClusterSettings none() {
    return new ClusterSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_HEARTBEAT_TTL, Optional.empty(),
        Optional.empty(), Optional.empty(), DEFAULT_INGESTER_FLUSH_BYTES, DEFAULT_INGESTER_FLUSH_AGE, DEFAULT_INGESTER_CALL_TIMEOUT, DEFAULT_COMPACTOR_INTERVAL,
        DEFAULT_PURGE_GRACE);
  }

  /** Whether this process is part of a cluster (a role is set). */
  public boolean enabled() {
    return role.isPresent();
  }

  /** Whether the config file has a {@code cluster} section that reaches Kafka or PostgreSQL (a role is then possible). */
  public boolean configured() {
    return kafka.isPresent() || postgres.isPresent();
  }

  /** These settings with another role (the {@code --role} flag). */
  public ClusterSettings withRole(Role newRole) {
    return new ClusterSettings(Optional.of(newRole), nodeId, advertiseAddress, internalToken, heartbeatTtl, kafka, postgres, partsDirectory, ingesterFlushBytes,
        ingesterFlushAge, ingesterCallTimeout, compactorInterval, purgeGrace);
  }

  /** These settings with another node id. */
  public ClusterSettings withNodeId(String id) {
    return new ClusterSettings(role, Optional.of(id), advertiseAddress, internalToken, heartbeatTtl, kafka, postgres, partsDirectory, ingesterFlushBytes,
        ingesterFlushAge, ingesterCallTimeout, compactorInterval, purgeGrace);
  }

  /** Whether the role serves or calls the internal routes (ingesters serve their heads; queriers and rulers read them). */
  public boolean usesInternalRoutes() {
    return role.isPresent() && (role.get().includes(Role.INGESTER) || role.get().includes(Role.QUERIER) || role.get().includes(Role.RULER));
  }

  /**
   * What a process with a role cannot start without, as a message naming the missing key; empty
   * when nothing is missing or when there is no role. Every role needs Kafka, PostgreSQL and S3
   * (or one directory all processes of a one-machine cluster share): parts in one process's own
   * directory could not be read by the others.
   */
  public Optional<String> problem(StorageSettings storage) {
    if (role.isEmpty()) {
      return Optional.empty();
    }
    String as = "role " + role.get().configName() + " (--role or cluster.role)";
    if (kafka.isEmpty()) {
      return Optional.of(as + " needs cluster.kafka.bootstrap_servers: pushes go through Kafka");
    }
    if (postgres.isEmpty()) {
      return Optional.of(as + " needs cluster.postgres.jdbc_url: the catalog of parts and offsets lives in PostgreSQL");
    }
    if (storage.type() != StorageSettings.Type.S3 && partsDirectory.isEmpty()) {
      return Optional.of(as + " needs storage.type: s3 with storage.s3.bucket (or, for a cluster on one machine, cluster.parts_directory): "
          + "every process reads the parts the ingesters write");
    }
    if (storage.type() == StorageSettings.Type.S3 && storage.s3().readOnly()) {
      return Optional.of(as + " cannot use storage.s3.read_only: ingesters and the compactor write parts");
    }
    if (usesInternalRoutes() && internalToken.isEmpty()) {
      return Optional.of(as + " needs cluster.internal_token (or internal_token_file, or " + INTERNAL_TOKEN_VARIABLE
          + "): queriers read the ingesters' heads over internal routes that only this secret opens");
    }
    return Optional.empty();
  }

  /** The node id: {@code node_id}, or the host name and the port this process listens on. */
  public String nodeIdOr(int listenPort) {
    return nodeId.orElseGet(() -> hostName() + "-" + listenPort);
  }

  /** The address peers call: {@code advertise_address}, or the listen address with the host name for an all-interfaces bind. */
  public String advertiseAddressOr(String listenHost, int listenPort) {
    if (advertiseAddress.isPresent()) {
      return advertiseAddress.get();
    }
    String host = listenHost.equals("0.0.0.0") || listenHost.equals("::") ? hostName() : listenHost;
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + listenPort;
  }

  static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      String fromEnvironment = System.getenv("HOSTNAME");
      return fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment : "localhost";
    }
  }

  private static boolean isPort(String text) {
    if (text.isEmpty() || text.length() > 5) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (!Character.isDigit(text.charAt(i))) {
        return false;
      }
    }
    return Integer.parseInt(text) <= 65535;
  }

  // ---- the YAML shape, read by ServerConfig's mapper (unknown keys are errors there) ----

  static final class Section {
    @JsonProperty("role") String role;
    @JsonProperty("node_id") String nodeId;
    @JsonProperty("advertise_address") String advertiseAddress;
    @JsonProperty("internal_token") String internalToken;
    @JsonProperty("internal_token_file") String internalTokenFile;

    @JsonProperty("heartbeat_ttl")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration heartbeatTtl;

    @JsonProperty("parts_directory") String partsDirectory;
    @JsonProperty("kafka") KafkaSection kafka;
    @JsonProperty("postgres") PostgresSection postgres;
    @JsonProperty("ingester") IngesterSection ingester;
    @JsonProperty("querier") QuerierSection querier;
    @JsonProperty("compactor") CompactorSection compactor;

    ClusterSettings settings(Function<String, String> environment) {
      ClusterSettings defaults = none();
      return new ClusterSettings(
          role == null || role.isBlank() ? Optional.empty() : Optional.of(parseRole(role)),
          Optional.ofNullable(nodeId),
          Optional.ofNullable(advertiseAddress),
          secret(internalToken, internalTokenFile, "cluster.internal_token", INTERNAL_TOKEN_VARIABLE, environment),
          heartbeatTtl != null ? heartbeatTtl : defaults.heartbeatTtl,
          kafka == null ? Optional.empty() : Optional.of(kafka.settings()),
          postgres == null ? Optional.empty() : Optional.of(postgres.settings()),
          partsDirectory == null || partsDirectory.isBlank() ? Optional.empty() : Optional.of(Path.of(partsDirectory)),
          ingester != null && ingester.flushSize != null ? ingester.flushSize : defaults.ingesterFlushBytes,
          ingester != null && ingester.flushAge != null ? ingester.flushAge : defaults.ingesterFlushAge,
          querier != null && querier.ingesterCallTimeout != null ? querier.ingesterCallTimeout : defaults.ingesterCallTimeout,
          compactor != null && compactor.interval != null ? compactor.interval : defaults.compactorInterval,
          compactor != null && compactor.purgeGrace != null ? compactor.purgeGrace : defaults.purgeGrace);
    }

    private static Role parseRole(String text) {
      try {
        return Role.parse(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cluster.role: " + e.getMessage(), e);
      }
    }
  }

  static final class KafkaSection {
    @JsonProperty("bootstrap_servers") List<String> bootstrapServers;
    @JsonProperty("topic") String topic;
    @JsonProperty("partitions") Integer partitions;
    @JsonProperty("replication_factor") Short replicationFactor;
    @JsonProperty("consumer_group") String consumerGroup;

    @JsonProperty("producer_max_block")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration producerMaxBlock;

    @JsonProperty("delivery_timeout")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration deliveryTimeout;

    @JsonProperty("request_timeout")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration requestTimeout;

    @JsonProperty("session_timeout")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration sessionTimeout;

    @JsonProperty("properties") Map<String, String> properties;

    KafkaSettings settings() {
      List<String> servers = new ArrayList<>();
      if (bootstrapServers != null) {
        // Kafka's own spelling is one comma-separated string; accept it inside the list too.
        for (String entry : bootstrapServers) {
          for (String server : entry.split(",")) {
            if (!server.isBlank()) {
              servers.add(server.trim());
            }
          }
        }
      }
      if (servers.isEmpty()) {
        throw new IllegalArgumentException("cluster.kafka.bootstrap_servers must name at least one broker as host:port, e.g. [kafka-1:9092]");
      }
      for (String server : servers) {
        int colon = server.lastIndexOf(':');
        if (colon <= 0 || !isPort(server.substring(colon + 1))) {
          throw new IllegalArgumentException("cluster.kafka.bootstrap_servers: '" + server + "' is not host:port, e.g. kafka-1:9092");
        }
      }
      Map<String, String> passedThrough = properties == null ? Map.of() : properties;
      for (String key : passedThrough.keySet()) {
        String ownKey = KAFKA_PROPERTIES_WITH_KEYS.get(key);
        if (ownKey != null) {
          throw new IllegalArgumentException("cluster.kafka.properties: '" + key + "' has its own key: set cluster.kafka." + ownKey + " instead");
        }
      }
      try {
        KafkaSettings defaults = KafkaSettings.defaults(String.join(",", servers), topic != null ? topic : DEFAULT_KAFKA_TOPIC,
            partitions != null ? partitions : DEFAULT_KAFKA_PARTITIONS);
        return new KafkaSettings(defaults.bootstrapServers(), defaults.topic(), defaults.partitions(),
            replicationFactor != null ? replicationFactor : defaults.replicationFactor(), passedThrough,
            producerMaxBlock != null ? producerMaxBlock : defaults.producerMaxBlock(),
            deliveryTimeout != null ? deliveryTimeout : defaults.deliveryTimeout(),
            requestTimeout != null ? requestTimeout : defaults.requestTimeout(),
            consumerGroup != null ? consumerGroup : defaults.consumerGroupId(),
            sessionTimeout != null ? sessionTimeout : defaults.sessionTimeout());
      } catch (IllegalArgumentException e) {
        // The cluster module names its keys from kafka.*; the config file has them under cluster.
        throw new IllegalArgumentException(e.getMessage().startsWith("kafka") ? "cluster." + e.getMessage() : "cluster.kafka: " + e.getMessage(), e);
      }
    }
  }

  static final class PostgresSection {
    @JsonProperty("jdbc_url") String jdbcUrl;
    @JsonProperty("user") String user;
    @JsonProperty("password") String password;
    @JsonProperty("password_env") String passwordEnv;
    @JsonProperty("password_file") String passwordFile;
    @JsonProperty("pool_size") Integer poolSize;
    @JsonProperty("schema") String schema;

    @JsonProperty("connect_timeout")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration connectTimeout;

    PostgresSettings settings() {
      if (jdbcUrl == null || jdbcUrl.isBlank()) {
        throw new IllegalArgumentException("cluster.postgres.jdbc_url must be set, e.g. jdbc:postgresql://127.0.0.1:5432/tonari");
      }
      int sources = (password != null ? 1 : 0) + (passwordEnv != null ? 1 : 0) + (passwordFile != null ? 1 : 0);
      if (sources > 1) {
        throw new IllegalArgumentException("cluster.postgres.password: set one of password, password_env and password_file, not " + sources);
      }
      // Read when the catalog opens, never here: the config is logged and linted without the secret.
      PasswordSource source = password != null ? new PasswordSource.Direct(password)
          : passwordFile != null ? new PasswordSource.File(Path.of(passwordFile))
          : new PasswordSource.EnvironmentVariable(passwordEnv != null ? passwordEnv : POSTGRES_PASSWORD_VARIABLE);
      try {
        return new PostgresSettings(jdbcUrl, user != null ? user : "tonari", source,
            poolSize != null ? poolSize : PostgresSettings.DEFAULT_POOL_SIZE,
            connectTimeout != null ? connectTimeout : PostgresSettings.DEFAULT_CONNECT_TIMEOUT,
            schema != null ? schema : PostgresSettings.DEFAULT_SCHEMA);
      } catch (IllegalArgumentException e) {
        // The cluster module says which value is wrong in words; name the key, so that the lint can point at it.
        String message = e.getMessage();
        String key = message.contains("pool size") ? "pool_size" : message.contains("connect timeout") ? "connect_timeout"
            : message.contains("schema") ? "schema" : "jdbc_url";
        throw new IllegalArgumentException("cluster.postgres." + key + ": " + message, e);
      }
    }
  }

  static final class IngesterSection {
    @JsonProperty("flush_size")
    @JsonDeserialize(using = ServerConfig.SizeDeserializer.class)
    Long flushSize;

    @JsonProperty("flush_age")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration flushAge;
  }

  static final class QuerierSection {
    @JsonProperty("ingester_call_timeout")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration ingesterCallTimeout;
  }

  static final class CompactorSection {
    @JsonProperty("interval")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration interval;

    @JsonProperty("purge_grace")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration purgeGrace;
  }

  /**
   * A secret from its file (preferred: Kubernetes secret mounts), inline, or the environment, in
   * that order; file and inline together are an error, so it is never unclear which one is used.
   */
  static Optional<String> secret(String inline, String file, String key, String variable, Function<String, String> environment) {
    if (inline != null && file != null) {
      throw new IllegalArgumentException(key + ": set " + key.substring(key.lastIndexOf('.') + 1) + " or "
          + key.substring(key.lastIndexOf('.') + 1) + "_file, not both");
    }
    if (file != null) {
      try {
        String value = Files.readString(Path.of(file)).strip();
        if (value.isEmpty()) {
          throw new IllegalArgumentException(key + "_file: " + file + " is empty");
        }
        return Optional.of(value);
      } catch (IOException e) {
        throw new IllegalArgumentException(key + "_file: cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    if (inline != null && !inline.isEmpty()) {
      return Optional.of(inline);
    }
    return Optional.ofNullable(environment.apply(variable)).map(String::strip).filter(value -> !value.isEmpty());
  }

  @Override
  public String toString() {
    // Never the secrets: configs are logged at start.
    return "ClusterSettings[role=" + role.map(Role::configName).orElse("(single node)") + ", nodeId=" + nodeId.orElse("(host-port)")
        + ", advertiseAddress=" + advertiseAddress.orElse("(listen)") + ", internalToken=" + (internalToken.isPresent() ? "(set)" : "(none)")
        + ", heartbeatTtl=" + heartbeatTtl + ", kafka=" + kafka.map(settings -> settings.bootstrapServers() + " topic " + settings.topic()).orElse("-")
        + ", postgres=" + postgres.map(settings -> settings.jdbcUrl() + " password from " + settings.password()).orElse("-") + "]";
  }
}
