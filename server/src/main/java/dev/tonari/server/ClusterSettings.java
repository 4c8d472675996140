package dev.tonari.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 * @param kafka {@code kafka}, empty when absent
 * @param postgres {@code postgres}, empty when absent
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
    Optional<Kafka> kafka,
    Optional<Postgres> postgres,
    long ingesterFlushBytes,
    Duration ingesterFlushAge,
    Duration ingesterCallTimeout,
    Duration compactorInterval,
    Duration purgeGrace) {

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

  /**
   * {@code cluster.kafka}.
   *
   * @param bootstrapServers {@code bootstrap_servers}: {@code host:port} of some brokers
   * @param topic {@code topic}: the push log's topic
   * @param partitions {@code partitions}: created with this many when absent; pushes are spread by (tenant, stream)
   * @param replicationFactor {@code replication_factor}: copies of each partition (3 in production, 1 on one machine)
   * @param deliveryTimeout {@code delivery_timeout}: how long a push waits for Kafka before 503
   * @param requestTimeout {@code request_timeout}: one produce request's timeout (below {@code delivery_timeout})
   * @param properties {@code properties}: passed through to Kafka's clients as they are
   *     ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...); those Tonari's durability
   *     depends on are refused
   */
  public record Kafka(List<String> bootstrapServers, String topic, int partitions, short replicationFactor, Duration deliveryTimeout,
      Duration requestTimeout, Map<String, String> properties) {
    public static final String DEFAULT_TOPIC = "tonari-push";
    public static final int DEFAULT_PARTITIONS = 16;
    public static final short DEFAULT_REPLICATION_FACTOR = 3;
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Client properties Tonari sets itself, each with the reason: acknowledging a push only once
     * every in-sync replica has it, without duplicates, is the point of the push log.
     */
    static final Map<String, String> RESERVED_PROPERTIES = Map.of(
        "bootstrap.servers", "set cluster.kafka.bootstrap_servers instead",
        "acks", "Tonari produces with acks=all so that an acknowledged push survives a broker's loss",
        "enable.idempotence", "Tonari's producer is idempotent so that a retried push is not stored twice",
        "key.serializer", "Tonari encodes its own records",
        "value.serializer", "Tonari encodes its own records",
        "key.deserializer", "Tonari decodes its own records",
        "value.deserializer", "Tonari decodes its own records",
        "enable.auto.commit", "ingesters commit offsets in the catalog, in the transaction that registers the part",
        "delivery.timeout.ms", "set cluster.kafka.delivery_timeout instead",
        "request.timeout.ms", "set cluster.kafka.request_timeout instead");

    public Kafka {
      bootstrapServers = List.copyOf(bootstrapServers);
      if (bootstrapServers.isEmpty()) {
        throw new IllegalArgumentException("cluster.kafka.bootstrap_servers must name at least one broker as host:port, e.g. kafka-1:9092");
      }
      for (String server : bootstrapServers) {
        if (server.isBlank() || server.lastIndexOf(':') <= 0 || !isPort(server.substring(server.lastIndexOf(':') + 1))) {
          throw new IllegalArgumentException("cluster.kafka.bootstrap_servers: '" + server + "' is not host:port, e.g. kafka-1:9092");
        }
      }
      if (topic == null || topic.isBlank() || !validTopic(topic)) {
        throw new IllegalArgumentException("cluster.kafka.topic must be 1 to 249 characters of letters, digits, '.', '_' and '-', got '" + topic + "'");
      }
      if (partitions < 1 || partitions > 10_000) {
        throw new IllegalArgumentException("cluster.kafka.partitions must be within 1..10000, got " + partitions);
      }
      if (replicationFactor < 1) {
        throw new IllegalArgumentException("cluster.kafka.replication_factor must be at least 1, got " + replicationFactor);
      }
      if (!deliveryTimeout.isPositive() || !requestTimeout.isPositive()) {
        throw new IllegalArgumentException("cluster.kafka.delivery_timeout and request_timeout must be positive");
      }
      if (requestTimeout.compareTo(deliveryTimeout) > 0) {
        throw new IllegalArgumentException("cluster.kafka.request_timeout (" + requestTimeout + ") must not exceed delivery_timeout ("
            + deliveryTimeout + "): Kafka refuses a producer whose delivery timeout is below its request timeout");
      }
      properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
      for (String key : properties.keySet()) {
        String reason = RESERVED_PROPERTIES.get(key);
        if (reason != null) {
          throw new IllegalArgumentException("cluster.kafka.properties: '" + key + "' cannot be set: " + reason);
        }
      }
    }

    /** Seconds a client is told to wait after Kafka did not take a push in time. */
    public long retryAfterSeconds() {
      return Math.max(1, Math.min(30, deliveryTimeout.toSeconds() / 6));
    }

    private static boolean validTopic(String topic) {
      if (topic.length() > 249 || topic.equals(".") || topic.equals("..")) {
        return false;
      }
      for (int i = 0; i < topic.length(); i++) {
        char c = topic.charAt(i);
        if (!(Character.isLetterOrDigit(c) && c < 128) && c != '.' && c != '_' && c != '-') {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * {@code cluster.postgres}.
   *
   * @param jdbcUrl {@code jdbc_url}, e.g. {@code jdbc:postgresql://pg:5432/tonari}
   * @param user {@code user}; empty for the driver's default (the OS user)
   * @param password {@code password_file}, {@code password} or {@code TONARI_POSTGRES_PASSWORD}; empty for none
   * @param poolSize {@code pool_size}: connections per process
   */
  public record Postgres(String jdbcUrl, Optional<String> user, Optional<String> password, int poolSize) {
    public static final int DEFAULT_POOL_SIZE = 8;

    public Postgres {
      if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("cluster.postgres.jdbc_url must be a PostgreSQL JDBC URL such as jdbc:postgresql://127.0.0.1:5432/tonari, got "
            + (jdbcUrl == null ? "nothing" : "'" + jdbcUrl + "'"));
      }
      if (jdbcUrl.toLowerCase(Locale.ROOT).contains("password=")) {
        throw new IllegalArgumentException("cluster.postgres.jdbc_url must not carry the password (it would show in logs): set password_file, "
            + "password or " + POSTGRES_PASSWORD_VARIABLE);
      }
      if (poolSize < 1 || poolSize > 1000) {
        throw new IllegalArgumentException("cluster.postgres.pool_size must be within 1..1000, got " + poolSize);
      }
    }

    @Override
    public String toString() {
      // Never the password: configs are logged at start.
      return "Postgres[jdbcUrl=" + jdbcUrl + ", user=" + user.orElse("(driver default)") + ", password=" + (password.isPresent() ? "(set)" : "(none)")
          + ", poolSize=" + poolSize + "]";
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
        Optional.empty(), DEFAULT_INGESTER_FLUSH_BYTES, DEFAULT_INGESTER_FLUSH_AGE, DEFAULT_INGESTER_CALL_TIMEOUT, DEFAULT_COMPACTOR_INTERVAL,
        DEFAULT_PURGE_GRACE);
  }

  /** Whether this process is part of a cluster (a role is set). */
  public boolean enabled() {
    return role.isPresent();
  }

  /** These settings with another role (the {@code --role} flag). */
  public ClusterSettings withRole(Role newRole) {
    return new ClusterSettings(Optional.of(newRole), nodeId, advertiseAddress, internalToken, heartbeatTtl, kafka, postgres, ingesterFlushBytes,
        ingesterFlushAge, ingesterCallTimeout, compactorInterval, purgeGrace);
  }

  /** These settings with another node id. */
  public ClusterSettings withNodeId(String id) {
    return new ClusterSettings(role, Optional.of(id), advertiseAddress, internalToken, heartbeatTtl, kafka, postgres, ingesterFlushBytes,
        ingesterFlushAge, ingesterCallTimeout, compactorInterval, purgeGrace);
  }

  /** Whether the role serves or calls the internal routes (ingesters serve their heads; queriers and rulers read them). */
  public boolean usesInternalRoutes() {
    return role.isPresent() && (role.get().includes(Role.INGESTER) || role.get().includes(Role.QUERIER) || role.get().includes(Role.RULER));
  }

  /**
   * What a process with a role cannot start without, as a message naming the missing key; empty
   * when nothing is missing or when there is no role. Every role needs Kafka, PostgreSQL and S3:
   * parts in one process's directory could not be read by the others.
   */
  public Optional<String> problem(StorageSettings storage) {
    if (role.isEmpty()) {
      return Optional.empty();
    }
    String as = "cluster.role " + role.get().configName();
    if (kafka.isEmpty()) {
      return Optional.of(as + " needs cluster.kafka.bootstrap_servers: pushes go through Kafka");
    }
    if (postgres.isEmpty()) {
      return Optional.of(as + " needs cluster.postgres.jdbc_url: the catalog of parts and offsets lives in PostgreSQL");
    }
    if (storage.type() != StorageSettings.Type.S3) {
      return Optional.of(as + " needs storage.type: s3 with storage.s3.bucket: every process reads the parts the ingesters write");
    }
    if (storage.s3().readOnly()) {
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
          postgres == null ? Optional.empty() : Optional.of(postgres.settings(environment)),
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

    @JsonProperty("delivery_timeout")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration deliveryTimeout;

    @JsonProperty("request_timeout")
    @JsonDeserialize(using = ServerConfig.DurationDeserializer.class)
    Duration requestTimeout;

    @JsonProperty("properties") Map<String, String> properties;

    Kafka settings() {
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
      return new Kafka(servers, topic != null ? topic : Kafka.DEFAULT_TOPIC, partitions != null ? partitions : Kafka.DEFAULT_PARTITIONS,
          replicationFactor != null ? replicationFactor : Kafka.DEFAULT_REPLICATION_FACTOR,
          deliveryTimeout != null ? deliveryTimeout : Kafka.DEFAULT_DELIVERY_TIMEOUT,
          requestTimeout != null ? requestTimeout : Kafka.DEFAULT_REQUEST_TIMEOUT, properties != null ? properties : Map.of());
    }
  }

  static final class PostgresSection {
    @JsonProperty("jdbc_url") String jdbcUrl;
    @JsonProperty("user") String user;
    @JsonProperty("password") String password;
    @JsonProperty("password_file") String passwordFile;
    @JsonProperty("pool_size") Integer poolSize;

    Postgres settings(Function<String, String> environment) {
      return new Postgres(jdbcUrl, Optional.ofNullable(user).filter(name -> !name.isBlank()),
          secret(password, passwordFile, "cluster.postgres.password", POSTGRES_PASSWORD_VARIABLE, environment),
          poolSize != null ? poolSize : Postgres.DEFAULT_POOL_SIZE);
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

  /** The keys of {@code cluster.kafka.properties} that are refused, for the docs and the lint. */
  static Set<String> reservedKafkaProperties() {
    return Kafka.RESERVED_PROPERTIES.keySet();
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
        + ", heartbeatTtl=" + heartbeatTtl + ", kafka=" + kafka + ", postgres=" + postgres + "]";
  }
}
