package dev.tonari.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tonari.ingest.Limits;
import dev.tonari.tenancy.config.LokiUnits;
import dev.tonari.tenancy.config.RetentionPolicy;
import dev.tonari.tenancy.config.TenantConfigWatcher;
import dev.tonari.tenancy.config.TenantLimits;
import dev.tonari.tenancy.config.TenantSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import dev.tonari.alerts.delivery.alertmanager.AlertmanagerClientConfig;
import dev.tonari.rules.RulerSettings;
import dev.tonari.sso.OidcSettings;
import dev.tonari.rules.eval.EvaluationSettings;
import dev.tonari.rules.remotewrite.RemoteWriteClientSettings;
import dev.tonari.rules.remotewrite.RemoteWriteSettings;
import dev.tonari.slo.engine.SloSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Everything the server needs to start, read from a YAML file whose shape and key names follow
 * Loki's where the concept is the same ({@code limits_config} keys under {@code limits}); every
 * key is optional and documented in {@code docs/configuration.md}. Unknown keys and malformed
 * values are errors that name the file, the key and the line and column, so a typo never silently
 * falls back to a default.
 *
 * @param listenHost address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param listenPort TCP port; 0 picks a free one (tests)
 * @param dataDir directory of the write-ahead log and parts
 * @param limits defaults applied to every tenant's pushes
 * @param retentionPeriod entries older than this are deleted; zero keeps everything
 * @param flushSizeBytes a tenant's head is flushed to a part when it holds this many line bytes
 * @param flushAge a head is flushed at the latest this long after its first entry
 * @param tenantLimits the {@code limits} keys that the push validator does not use (ingestion
 *     rate and burst, active streams, query limits); the validator's keys live in {@code limits}
 *     and {@link #tenantDefaults()} merges both
 * @param authEnabled {@code auth.enabled}: tokens and roles on every API route; off, every request
 *     acts as a single user on the tenant of {@code X-Scope-OrgID} or {@code fake}
 * @param tenantsFiles {@code tenants.files}: tenants files or directories, empty for none
 * @param tenantsReloadInterval {@code tenants.reload_interval}: how often those files are checked
 * @param authFailedAttemptsPerMinute {@code auth.failed_attempts_per_minute}: bad credentials a
 *     source address may send per minute before it gets 429
 * @param slo the {@code slo} section: SLO files, policy threshold, default Prometheus
 * @param ruler the {@code ruler} section: rule files and API, evaluation, delivery (Alertmanager, notifications, remote write)
 * @param storage {@code storage.type} and {@code storage.s3}: local parts or an S3 bucket
 * @param tls {@code server.tls}: the listener's certificate and key, or none for plain HTTP
 * @param oidc {@code auth.oidc}: single sign-on of people through an OpenID Connect provider, or empty
 * @param cluster the {@code cluster} section: the role of this process in a cluster on Kafka, PostgreSQL and S3, or none (single node)
 */
public record ServerConfig(
    String listenHost,
    int listenPort,
    Path dataDir,
    Limits limits,
    Duration retentionPeriod,
    long flushSizeBytes,
    Duration flushAge,
    TenantLimits tenantLimits,
    boolean authEnabled,
    List<Path> tenantsFiles,
    Duration tenantsReloadInterval,
    int authFailedAttemptsPerMinute,
    SloSettings slo,
    RulerConfig ruler,
    StorageSettings storage,
    TlsSettings tls,
    Optional<OidcSettings> oidc,
    ClusterSettings cluster) {

  public static final String DEFAULT_LISTEN = "127.0.0.1:3100";
  public static final Path DEFAULT_DATA_DIR = Path.of("data");
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(744);
  public static final long DEFAULT_FLUSH_SIZE_BYTES = 128L * 1024 * 1024;
  public static final Duration DEFAULT_FLUSH_AGE = Duration.ofMinutes(30);
  public static final int DEFAULT_FAILED_ATTEMPTS_PER_MINUTE = 10;

  public ServerConfig {
    if (listenPort < 0 || listenPort > 65535) {
      throw new IllegalArgumentException("listen port must be within 0..65535, got " + listenPort);
    }
    if (retentionPeriod.isNegative() || flushAge.isNegative() || flushSizeBytes <= 0) {
      throw new IllegalArgumentException("retention.period and storage.flush_age must not be negative and storage.flush_size must be positive");
    }
    tenantsFiles = List.copyOf(tenantsFiles);
    java.util.Objects.requireNonNull(ruler, "ruler");
    if (authFailedAttemptsPerMinute <= 0) {
      throw new IllegalArgumentException("auth.failed_attempts_per_minute must be positive, got " + authFailedAttemptsPerMinute);
    }
    if (storage == null) {
      storage = StorageSettings.local();
    }
    if (tls == null) {
      tls = TlsSettings.none();
    }
    java.util.Objects.requireNonNull(oidc, "oidc");
    if (cluster == null) {
      cluster = ClusterSettings.none();
    }
    if (tenantsReloadInterval.isNegative() || tenantsReloadInterval.isZero()) {
      throw new IllegalArgumentException("tenants.reload_interval must be positive, got " + tenantsReloadInterval);
    }
  }

  public static ServerConfig defaults() {
    HostPort listen = HostPort.parse(DEFAULT_LISTEN);
    return new ServerConfig(listen.host(), listen.port(), DEFAULT_DATA_DIR, Limits.defaults(), DEFAULT_RETENTION, DEFAULT_FLUSH_SIZE_BYTES,
        DEFAULT_FLUSH_AGE, TenantLimits.lokiDefaults(), false, List.of(), TenantConfigWatcher.DEFAULT_INTERVAL, DEFAULT_FAILED_ATTEMPTS_PER_MINUTE,
        SloSettings.defaults(), RulerConfig.defaults(), StorageSettings.local(), TlsSettings.none(), Optional.empty(),
        ClusterSettings.none());
  }

  /**
   * What every tenant gets unless a tenants file says otherwise: this file's {@code limits} and
   * {@code retention}, handed to the tenants loader as the base under the files' {@code defaults}.
   */
  public TenantSettings tenantDefaults() {
    TenantLimits merged = tenantLimits.toBuilder()
        .set("max_line_size", (long) limits.maxLineSize())
        .set("max_label_names_per_series", (long) limits.maxLabelNamesPerSeries())
        .set("reject_old_samples", limits.rejectOldSamples())
        .set("reject_old_samples_max_age", limits.rejectOldSamplesMaxAge())
        .set("creation_grace_period", limits.creationGracePeriod())
        .build();
    return new TenantSettings(merged, new RetentionPolicy(retentionPeriod, List.of()));
  }

  /** The address as {@code host:port}. */
  public String listen() {
    return listenHost.contains(":") ? "[" + listenHost + "]:" + listenPort : listenHost + ":" + listenPort;
  }

  public ServerConfig withListen(String hostPort) {
    HostPort listen = HostPort.parse(hostPort);
    return new ServerConfig(listen.host(), listen.port(), dataDir, limits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, ruler, storage, tls, oidc, cluster);
  }

  public ServerConfig withDataDir(Path directory) {
    return new ServerConfig(listenHost, listenPort, directory, limits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, ruler, storage, tls, oidc, cluster);
  }

  public ServerConfig withLimits(Limits newLimits) {
    return new ServerConfig(listenHost, listenPort, dataDir, newLimits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, ruler, storage, tls, oidc, cluster);
  }

  public ServerConfig withTenantLimits(TenantLimits newLimits) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, retentionPeriod, flushSizeBytes, flushAge, newLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, ruler, storage, tls, oidc, cluster);
  }

  public ServerConfig withRetention(Duration period) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, period, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, ruler, storage, tls, oidc, cluster);
  }

  public ServerConfig withStorage(long newFlushSizeBytes, Duration newFlushAge) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, retentionPeriod, newFlushSizeBytes, newFlushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, ruler, storage, tls, oidc, cluster);
  }

  public ServerConfig withFailedAttemptsPerMinute(int attempts) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, attempts, slo, ruler, storage, tls, oidc, cluster);
  }

  public ServerConfig withAuthEnabled(boolean enabled) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, enabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, ruler, storage, tls, oidc, cluster);
  }

  public ServerConfig withSlo(SloSettings settings) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, settings, ruler, storage, tls, oidc, cluster);
  }

  public ServerConfig withRuler(RulerSettings settings) {
    return withRuler(ruler.withRules(settings));
  }

  public ServerConfig withAlerting(AlertingSettings settings) {
    return withRuler(ruler.withAlerting(settings));
  }

  public ServerConfig withRuler(RulerConfig settings) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, settings, storage, tls, oidc, cluster);
  }

  public ServerConfig withTls(TlsSettings settings) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, ruler, storage, settings, oidc, cluster);
  }

  public ServerConfig withStorageSettings(StorageSettings settings) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, ruler, settings, tls, oidc, cluster);
  }

  public ServerConfig withOidc(Optional<OidcSettings> settings) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, ruler, storage, tls, settings, cluster);
  }

  public ServerConfig withCluster(ClusterSettings settings) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        tenantsFiles, tenantsReloadInterval, authFailedAttemptsPerMinute, slo, ruler, storage, tls, oidc, settings);
  }

  /**
   * This config as a process of the given role ({@code --role}, which wins over {@code
   * cluster.role}).
   *
   * @throws IllegalArgumentException naming the key a role needs that is not set
   */
  public ServerConfig withRole(ClusterSettings.Role role) {
    ServerConfig config = withCluster(cluster.withRole(role));
    config.requireCompleteCluster();
    return config;
  }

  /**
   * Refuses a cluster role without what it needs (Kafka, PostgreSQL, S3, the internal token).
   *
   * @throws IllegalArgumentException naming the missing key
   */
  public void requireCompleteCluster() {
    java.util.Optional<String> problem = cluster.problem(storage);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
  }

  public ServerConfig withTenantsFiles(List<Path> files, Duration reloadInterval) {
    return new ServerConfig(listenHost, listenPort, dataDir, limits, retentionPeriod, flushSizeBytes, flushAge, tenantLimits, authEnabled,
        files, reloadInterval, authFailedAttemptsPerMinute, slo, ruler, storage, tls, oidc, cluster);
  }

  /**
   * Reads a YAML config file; keys it does not set keep their defaults.
   *
   * @throws ConfigException naming the file, the key, the line and column of the problem
   */
  public static ServerConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses YAML text; {@code source} names it in error messages. */
  public static ServerConfig parse(String yaml, String source) throws ConfigException {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    FileRoot root;
    try {
      root = yaml.isBlank() ? null : mapper.readValue(yaml, FileRoot.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(source + at(e.getLocation()) + ": unknown key '" + path(e) + "'; known keys here: "
          + String.join(", ", sortedNames(e.getKnownPropertyIds())), e);
    } catch (JsonProcessingException e) {
      String key = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? " key '" + path(m) + "'" : "";
      throw new ConfigException(source + at(e.getLocation()) + key + ": " + e.getOriginalMessage(), e);
    }
    ServerConfig defaults = defaults();
    if (root == null) {
      return defaults;
    }
    try {
      return root.apply(defaults);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }

  private static String at(JsonLocation location) {
    return location == null ? "" : " line " + location.getLineNr() + " column " + location.getColumnNr();
  }

  private static String path(JsonMappingException e) {
    List<String> names = new ArrayList<>();
    for (JsonMappingException.Reference reference : e.getPath()) {
      names.add(reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]");
    }
    return String.join(".", names);
  }

  private static List<String> sortedNames(Collection<Object> ids) {
    TreeSet<String> names = new TreeSet<>();
    if (ids != null) {
      ids.forEach(id -> names.add(String.valueOf(id)));
    }
    return List.copyOf(names);
  }

  /** A host and port from {@code host:port}, {@code :port} (all interfaces) or {@code [v6]:port}. */
  public record HostPort(String host, int port) {
    public static HostPort parse(String text) {
      String value = text.trim();
      int colon = value.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("listen address \"" + text + "\" must be HOST:PORT, e.g. 127.0.0.1:3100");
      }
      String host = value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (host.isEmpty()) {
        host = "0.0.0.0";
      }
      int port;
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("listen address \"" + text + "\" has no numeric port; expected HOST:PORT, e.g. 127.0.0.1:3100", e);
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("listen address \"" + text + "\" has port " + port + " outside 0..65535");
      }
      return new HostPort(host, port);
    }
  }

  /** A config file that cannot be used; the message says where and why. */
  public static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // The file's shape. Nulls mean "not set"; values are parsed by the deserializers below so that
  // their errors carry the line and column.

  static final class FileRoot {
    @JsonProperty("server") ServerSection server;
    @JsonProperty("storage") StorageSection storage;
    @JsonProperty("limits") LimitsSection limits;
    @JsonProperty("retention") RetentionSection retention;
    @JsonProperty("auth") AuthSection auth;
    @JsonProperty("tenants") TenantsSection tenants;
    @JsonProperty("slo") SloSection slo;
    @JsonProperty("ruler") RulerSection ruler;
    @JsonProperty("cluster") ClusterSettings.Section cluster;

    ServerConfig apply(ServerConfig defaults) {
      ServerConfig config = defaults;
      if (server != null && server.listen != null) {
        config = config.withListen(server.listen);
      }
      if (server != null && server.tls != null) {
        config = config.withTls(server.tls.settings());
      }
      if (storage != null) {
        if (storage.dataDir != null) {
          config = config.withDataDir(Path.of(storage.dataDir));
        }
        config = config.withStorage(
            storage.flushSize != null ? storage.flushSize : config.flushSizeBytes,
            storage.flushAge != null ? storage.flushAge : config.flushAge);
        config = config.withStorageSettings(storage.settings());
      }
      if (limits != null) {
        config = config.withLimits(limits.apply(config.limits)).withTenantLimits(limits.applyTenantLimits(config.tenantLimits));
      }
      if (retention != null && retention.period != null) {
        config = config.withRetention(retention.period);
      }
      if (auth != null && auth.enabled != null) {
        config = config.withAuthEnabled(auth.enabled);
      }
      if (auth != null && auth.oidc != null) {
        config = config.withOidc(Optional.of(auth.oidc.settings(System::getenv)));
      }
      if (auth != null && auth.failedAttemptsPerMinute != null) {
        config = config.withFailedAttemptsPerMinute(auth.failedAttemptsPerMinute);
      }
      if (tenants != null) {
        List<Path> files = config.tenantsFiles;
        if (tenants.files != null) {
          files = new ArrayList<>();
          for (String file : tenants.files) {
            files.add(Path.of(file));
          }
        }
        config = config.withTenantsFiles(files, tenants.reloadInterval != null ? tenants.reloadInterval : config.tenantsReloadInterval);
      }
      if (slo != null) {
        config = config.withSlo(slo.apply(config.slo));
      }
      if (ruler != null) {
        config = config.withRuler(ruler.apply(config.ruler));
      }
      if (cluster != null) {
        config = config.withCluster(cluster.settings(System::getenv));
        // After storage: a role needs storage.type s3, and the file alone must say everything the role needs.
        config.requireCompleteCluster();
      }
      return config;
    }
  }

  static final class SloSection {
    @JsonProperty("dir") String dir;

    @JsonProperty("reload_interval")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration reloadInterval;

    @JsonProperty("policy") SloPolicySection policy;
    @JsonProperty("prometheus") PrometheusSection prometheus;

    @JsonProperty("prometheus_timeout")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration prometheusTimeout;

    @JsonProperty("lateness")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration lateness;

    SloSettings apply(SloSettings defaults) {
      Optional<dev.tonari.slo.model.PrometheusEndpoint> endpoint = defaults.prometheus();
      if (prometheus != null) {
        if (prometheus.url == null || prometheus.url.isBlank()) {
          throw new IllegalArgumentException("slo.prometheus.url is required when slo.prometheus is set");
        }
        java.net.URI url = java.net.URI.create(prometheus.url.trim());
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
          throw new IllegalArgumentException("slo.prometheus.url must be an http or https URL, got " + prometheus.url);
        }
        endpoint = Optional.of(new dev.tonari.slo.model.PrometheusEndpoint(url, secret(prometheus.bearerToken, prometheus.bearerTokenFile,
            "slo.prometheus.bearer_token"), Optional.ofNullable(prometheus.username), secret(prometheus.password, prometheus.passwordFile,
            "slo.prometheus.password"), Optional.ofNullable(prometheus.orgId)));
      }
      return new SloSettings(dir != null ? Optional.of(Path.of(dir)) : defaults.directory(),
          reloadInterval != null ? reloadInterval : defaults.reloadInterval(),
          policy != null && policy.atRiskBelow != null ? policy.atRiskBelow : defaults.atRiskShare(), endpoint,
          prometheusTimeout != null ? prometheusTimeout : defaults.prometheusTimeout(), lateness != null ? lateness : defaults.lateness());
    }

  }

  /** Loki's {@code ruler} block: rule storage and evaluation ({@link RulerSettings}) and delivery ({@link AlertingSettings}). */
  static final class RulerSection {
    @JsonProperty("rules_dir") String rulesDir;
    @JsonProperty("enable_api") Boolean enableApi;

    @JsonProperty("poll_interval")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration pollInterval;

    @JsonProperty("evaluation_interval")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration evaluationInterval;

    @JsonProperty("resend_delay")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration resendDelay;

    @JsonProperty("external_url") String externalUrl;
    @JsonProperty("datasource_uid") String datasourceUid;

    @JsonProperty("for_outage_tolerance")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration outageTolerance;

    @JsonProperty("external_labels") Map<String, String> externalLabels;
    @JsonProperty("alertmanager_url") String alertmanagerUrl;
    @JsonProperty("alertmanager_client") AlertmanagerClientSection alertmanagerClient;
    @JsonProperty("notification_queue_capacity") Integer notificationQueueCapacity;

    @JsonProperty("notification_timeout")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration notificationTimeout;

    @JsonProperty("notifications_dir") String notificationsDir;

    @JsonProperty("history_retention")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration historyRetention;

    @JsonProperty("remote_write") RemoteWriteSection remoteWrite;

    RulerConfig apply(RulerConfig defaults) {
      RulerSettings settings = defaults.rules();
      if (rulesDir != null) {
        settings = settings.withRulesDirectory(Path.of(rulesDir));
      }
      if (enableApi != null) {
        settings = settings.withApiEnabled(enableApi);
      }
      if (pollInterval != null) {
        settings = settings.withPollInterval(pollInterval);
      }
      EvaluationSettings evaluation = settings.evaluation();
      if (evaluationInterval != null) {
        evaluation = evaluation.withEvaluationInterval(evaluationInterval);
      }
      if (resendDelay != null) {
        evaluation = evaluation.withResendDelay(resendDelay);
      }
      if (externalUrl != null) {
        evaluation = evaluation.withExternalUrl(httpUrl("ruler.external_url", externalUrl).toString());
      }
      if (externalLabels != null) {
        evaluation = evaluation.withExternalLabels(externalLabels);
      }
      if (datasourceUid != null) {
        evaluation = evaluation.withDatasourceUid(datasourceUid);
      }
      if (outageTolerance != null) {
        evaluation = evaluation.withOutageTolerance(outageTolerance);
      }
      settings = settings.withEvaluation(evaluation);
      AlertingSettings alerting = defaults.alerting();
      if (alertmanagerUrl != null && !alertmanagerUrl.isBlank()) {
        alerting = alerting.withAlertmanager(alertmanagerClient(alertmanagerUrl));
      } else if (alertmanagerClient != null) {
        throw new IllegalArgumentException("ruler.alertmanager_client is set but ruler.alertmanager_url is not: the client settings need a URL to apply to");
      }
      if (notificationsDir != null) {
        alerting = alerting.withNotificationsDirectory(Path.of(notificationsDir));
      }
      if (historyRetention != null) {
        alerting = alerting.withHistoryRetention(historyRetention);
      }
      if (remoteWrite != null) {
        alerting = alerting.withRemoteWrite(remoteWrite.settings());
      }
      return new RulerConfig(settings, alerting);
    }

    private AlertmanagerClientConfig alertmanagerClient(String urls) {
      AlertmanagerClientConfig client;
      try {
        client = AlertmanagerClientConfig.of(urls);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("ruler.alertmanager_url: " + e.getMessage(), e);
      }
      if (alertmanagerClient != null) {
        Optional<String> password = secret(alertmanagerClient.basicAuthPassword, alertmanagerClient.basicAuthPasswordFile,
            "ruler.alertmanager_client.basic_auth_password");
        if (alertmanagerClient.basicAuthUsername != null || password.isPresent()) {
          if (alertmanagerClient.basicAuthUsername == null || password.isEmpty()) {
            throw new IllegalArgumentException("ruler.alertmanager_client: basic_auth_username and basic_auth_password go together");
          }
          client = client.withBasicAuth(alertmanagerClient.basicAuthUsername, password.get());
        }
        Optional<String> credentials = secret(alertmanagerClient.credentials, alertmanagerClient.credentialsFile,
            "ruler.alertmanager_client.credentials");
        if (credentials.isPresent()) {
          client = client.withCredentials(alertmanagerClient.type == null ? "Bearer" : alertmanagerClient.type, credentials.get());
        }
      }
      if (notificationQueueCapacity != null || notificationTimeout != null) {
        client = client.withLimits(notificationTimeout != null ? notificationTimeout : client.timeout(),
            notificationQueueCapacity != null ? notificationQueueCapacity : client.queueCapacity(), client.maxBatchSize(), client.retry());
      }
      return client;
    }
  }

  /** Loki's {@code ruler.alertmanager_client}. */
  static final class AlertmanagerClientSection {
    @JsonProperty("basic_auth_username") String basicAuthUsername;
    @JsonProperty("basic_auth_password") String basicAuthPassword;
    @JsonProperty("basic_auth_password_file") String basicAuthPasswordFile;
    @JsonProperty("type") String type;
    @JsonProperty("credentials") String credentials;
    @JsonProperty("credentials_file") String credentialsFile;
  }

  /** Loki's {@code ruler.remote_write}. */
  static final class RemoteWriteSection {
    @JsonProperty("enabled") Boolean enabled;
    @JsonProperty("add_org_id_header") Boolean addOrgIdHeader;
    @JsonProperty("clients") Map<String, RemoteWriteClientSection> clients;

    RemoteWriteSettings settings() {
      Map<String, RemoteWriteClientSettings> built = new java.util.LinkedHashMap<>();
      if (clients != null) {
        for (Map.Entry<String, RemoteWriteClientSection> client : clients.entrySet()) {
          built.put(client.getKey(), client.getValue().settings(client.getKey()));
        }
      }
      boolean on = enabled != null ? enabled : !built.isEmpty();
      return new RemoteWriteSettings(on, built, addOrgIdHeader == null || addOrgIdHeader);
    }
  }

  /** One {@code ruler.remote_write.clients.<name>}. */
  static final class RemoteWriteClientSection {
    @JsonProperty("url") String url;

    @JsonProperty("remote_timeout")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration remoteTimeout;

    @JsonProperty("headers") Map<String, String> headers;
    @JsonProperty("basic_auth") BasicAuthSection basicAuth;
    @JsonProperty("authorization") AuthorizationSection authorization;
    @JsonProperty("bearer_token") String bearerToken;
    @JsonProperty("bearer_token_file") String bearerTokenFile;
    @JsonProperty("queue_config") QueueSection queue;

    RemoteWriteClientSettings settings(String name) {
      String key = "ruler.remote_write.clients." + name;
      if (url == null) {
        throw new IllegalArgumentException(key + ".url is required");
      }
      RemoteWriteClientSettings settings = RemoteWriteClientSettings.of(name, httpUrl(key + ".url", url));
      if (remoteTimeout != null) {
        settings = settings.withRemoteTimeout(remoteTimeout);
      }
      if (headers != null) {
        settings = settings.withHeaders(headers);
      }
      if (basicAuth != null) {
        Optional<String> password = secret(basicAuth.password, basicAuth.passwordFile, key + ".basic_auth.password");
        if (basicAuth.username == null || password.isEmpty()) {
          throw new IllegalArgumentException(key + ".basic_auth needs username and password (or password_file)");
        }
        settings = settings.withBasicAuth(basicAuth.username, password.get());
      }
      Optional<String> bearer = secret(bearerToken, bearerTokenFile, key + ".bearer_token");
      if (authorization != null) {
        Optional<String> credentials = secret(authorization.credentials, authorization.credentialsFile, key + ".authorization.credentials");
        settings = settings.withAuthorization(authorization.type == null ? "Bearer" : authorization.type,
            credentials.orElseThrow(() -> new IllegalArgumentException(key + ".authorization needs credentials (or credentials_file)")));
      } else if (bearer.isPresent()) {
        settings = settings.withAuthorization("Bearer", bearer.get());
      }
      if (queue != null) {
        RemoteWriteClientSettings.QueueConfig defaults = RemoteWriteClientSettings.QueueConfig.defaults();
        settings = settings.withQueue(new RemoteWriteClientSettings.QueueConfig(queue.capacity != null ? queue.capacity : defaults.capacity(),
            queue.maxSamplesPerSend != null ? queue.maxSamplesPerSend : defaults.maxSamplesPerSend(),
            queue.batchSendDeadline != null ? queue.batchSendDeadline : defaults.batchSendDeadline(),
            queue.minBackoff != null ? queue.minBackoff : defaults.minBackoff(), queue.maxBackoff != null ? queue.maxBackoff : defaults.maxBackoff(),
            queue.maxRetries != null ? queue.maxRetries : defaults.maxRetries()));
      }
      return settings;
    }
  }

  static final class BasicAuthSection {
    @JsonProperty("username") String username;
    @JsonProperty("password") String password;
    @JsonProperty("password_file") String passwordFile;
  }

  static final class AuthorizationSection {
    @JsonProperty("type") String type;
    @JsonProperty("credentials") String credentials;
    @JsonProperty("credentials_file") String credentialsFile;
  }

  static final class QueueSection {
    @JsonProperty("capacity") Integer capacity;
    @JsonProperty("max_samples_per_send") Integer maxSamplesPerSend;

    @JsonProperty("batch_send_deadline")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration batchSendDeadline;

    @JsonProperty("min_backoff")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration minBackoff;

    @JsonProperty("max_backoff")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration maxBackoff;

    @JsonProperty("max_retries") Integer maxRetries;
  }

  /** A secret given inline or, better, in a file (Kubernetes secret mounts); the file wins when both are set. */
  private static Optional<String> secret(String inline, String file, String key) {
    if (file != null) {
      try {
        return Optional.of(java.nio.file.Files.readString(Path.of(file)).strip());
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(key + "_file: cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return Optional.ofNullable(inline);
  }

  /** An absolute http or https URL, or an error naming the key. */
  static java.net.URI httpUrl(String key, String text) {
    java.net.URI uri;
    try {
      uri = new java.net.URI(text.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(key + ": not a URL: " + e.getMessage(), e);
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(key + " must be an http or https URL such as http://127.0.0.1:9090, got " + text);
    }
    return uri;
  }

  static final class SloPolicySection {
    @JsonProperty("at_risk_below") Double atRiskBelow;
  }

  static final class PrometheusSection {
    @JsonProperty("url") String url;
    @JsonProperty("bearer_token") String bearerToken;
    @JsonProperty("bearer_token_file") String bearerTokenFile;
    @JsonProperty("username") String username;
    @JsonProperty("password") String password;
    @JsonProperty("password_file") String passwordFile;
    @JsonProperty("org_id") String orgId;
  }

  static final class AuthSection {
    @JsonProperty("enabled") Boolean enabled;
    @JsonProperty("failed_attempts_per_minute") Integer failedAttemptsPerMinute;
    @JsonProperty("oidc") OidcSection oidc;
  }

  /** {@code auth.oidc}: the OpenID Connect provider people sign in with ({@link OidcSettings}). */
  static final class OidcSection {
    static final String SECRET_VARIABLE = "TONARI_OIDC_CLIENT_SECRET";

    @JsonProperty("issuer_url") String issuerUrl;
    @JsonProperty("client_id") String clientId;
    @JsonProperty("client_secret") String clientSecret;
    @JsonProperty("client_secret_file") String clientSecretFile;
    @JsonProperty("public_url") String publicUrl;
    @JsonProperty("scopes") List<String> scopes;

    @JsonProperty("session_ttl")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration sessionTtl;

    OidcSettings settings(java.util.function.Function<String, String> environment) {
      if (issuerUrl == null || issuerUrl.isBlank()) {
        throw new IllegalArgumentException("auth.oidc.issuer_url is required when auth.oidc is set (the provider's issuer, e.g. https://login.example.com/realms/corp)");
      }
      if (publicUrl == null || publicUrl.isBlank()) {
        throw new IllegalArgumentException("auth.oidc.public_url is required when auth.oidc is set: Tonari's address as browsers reach it, "
            + "e.g. https://tonari.example.com; the provider must accept <public_url>/ui/callback as a redirect URI");
      }
      if (clientSecret != null && clientSecretFile != null) {
        throw new IllegalArgumentException("auth.oidc: set client_secret or client_secret_file, not both");
      }
      Optional<String> secret = secret(clientSecret, clientSecretFile, "auth.oidc.client_secret");
      if (secret.isEmpty()) {
        secret = Optional.ofNullable(environment.apply(SECRET_VARIABLE)).filter(value -> !value.isBlank());
      }
      if (secret.isEmpty()) {
        throw new IllegalArgumentException("auth.oidc needs the client secret: set client_secret_file (preferred), client_secret, or the "
            + "environment variable " + SECRET_VARIABLE);
      }
      OidcSettings settings = OidcSettings.of(httpUrl("auth.oidc.issuer_url", issuerUrl), clientId, secret.get(), httpUrl("auth.oidc.public_url", publicUrl));
      if (scopes != null) {
        settings = settings.withScopes(scopes);
      }
      if (sessionTtl != null) {
        settings = settings.withSessionTtl(sessionTtl);
      }
      return settings;
    }
  }

  static final class TenantsSection {
    @JsonProperty("files") List<String> files;

    @JsonProperty("reload_interval")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration reloadInterval;
  }

  static final class ServerSection {
    @JsonProperty("listen") String listen;
    @JsonProperty("tls") TlsSection tls;
  }

  static final class TlsSection {
    @JsonProperty("cert_file") String certFile;
    @JsonProperty("key_file") String keyFile;

    TlsSettings settings() {
      return new TlsSettings(java.util.Optional.ofNullable(certFile).filter(text -> !text.isBlank()).map(Path::of),
          java.util.Optional.ofNullable(keyFile).filter(text -> !text.isBlank()).map(Path::of));
    }
  }

  static final class StorageSection {
    @JsonProperty("data_dir") String dataDir;
    @JsonProperty("type") String type;
    @JsonProperty("s3") S3Section s3;

    /** {@code type} and {@code s3}; an s3 section without {@code type: s3} is an error, not ignored. */
    StorageSettings settings() {
      StorageSettings where = location();
      return where.withHeadBounds(maxHeadSize != null ? maxHeadSize : where.maxHeadBytes(),
          maxHeadSizePerTenant != null ? maxHeadSizePerTenant : where.maxHeadBytesPerTenant(), headFullWait != null ? headFullWait : where.headFullWait());
    }

    private StorageSettings location() {
      String kind = type == null ? "local" : type;
      switch (kind) {
        case "local" -> {
          if (s3 != null) {
            throw new IllegalArgumentException("storage.s3 is set but storage.type is local; set storage.type: s3");
          }
          return StorageSettings.local();
        }
        case "s3" -> {
          if (s3 == null) {
            throw new IllegalArgumentException("storage.s3.bucket must be set when storage.type is s3");
          }
          return new StorageSettings(StorageSettings.Type.S3, new StorageSettings.S3(s3.bucket, s3.prefix, s3.region, s3.endpoint,
              s3.forcePathStyle, s3.cacheDir == null ? null : Path.of(s3.cacheDir),
              s3.cacheSize == null ? StorageSettings.DEFAULT_CACHE_SIZE : s3.cacheSize,
              s3.ackAfterUpload != null && s3.ackAfterUpload, s3.readOnly != null && s3.readOnly));
        }
        default -> throw new IllegalArgumentException("storage.type must be local or s3, got '" + kind + "'");
      }
    }

    @JsonProperty("flush_size")
    @JsonDeserialize(using = SizeDeserializer.class)
    Long flushSize;

    @JsonProperty("flush_age")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration flushAge;

    @JsonProperty("max_head_size")
    @JsonDeserialize(using = SizeDeserializer.class)
    Long maxHeadSize;

    @JsonProperty("max_head_size_per_tenant")
    @JsonDeserialize(using = SizeDeserializer.class)
    Long maxHeadSizePerTenant;

    @JsonProperty("head_full_wait")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration headFullWait;
  }

  static final class S3Section {
    @JsonProperty("bucket") String bucket;
    @JsonProperty("prefix") String prefix;
    @JsonProperty("region") String region;
    @JsonProperty("endpoint") String endpoint;
    @JsonProperty("force_path_style") Boolean forcePathStyle;
    @JsonProperty("cache_dir") String cacheDir;

    @JsonProperty("cache_size")
    @JsonDeserialize(using = SizeDeserializer.class)
    Long cacheSize;

    @JsonProperty("ack_after_upload") Boolean ackAfterUpload;
    @JsonProperty("read_only") Boolean readOnly;
  }

  static final class RetentionSection {
    @JsonProperty("period")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration period;
  }

  static final class LimitsSection {
    @JsonProperty("reject_old_samples") Boolean rejectOldSamples;

    @JsonProperty("reject_old_samples_max_age")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration rejectOldSamplesMaxAge;

    @JsonProperty("creation_grace_period")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration creationGracePeriod;

    @JsonProperty("max_line_size")
    @JsonDeserialize(using = SizeDeserializer.class)
    Long maxLineSize;

    @JsonProperty("max_line_size_truncate") Boolean maxLineSizeTruncate;
    @JsonProperty("max_label_names_per_series") Integer maxLabelNamesPerSeries;
    @JsonProperty("max_label_name_length") Integer maxLabelNameLength;
    @JsonProperty("max_label_value_length") Integer maxLabelValueLength;

    @JsonProperty("max_push_body_size")
    @JsonDeserialize(using = SizeDeserializer.class)
    Long maxPushBodySize;

    // Limits of the tenants file format that the push validator does not use; same names as there.
    @JsonProperty("ingestion_rate_mb") Double ingestionRateMb;
    @JsonProperty("ingestion_burst_size_mb") Double ingestionBurstSizeMb;
    @JsonProperty("max_global_streams_per_user") Long maxGlobalStreamsPerUser;
    @JsonProperty("max_entries_limit_per_query") Long maxEntriesLimitPerQuery;

    @JsonProperty("max_query_length")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration maxQueryLength;

    @JsonProperty("max_query_series") Long maxQuerySeries;

    @JsonProperty("max_query_bytes_read")
    @JsonDeserialize(using = SizeDeserializer.class)
    Long maxQueryBytesRead;

    @JsonProperty("max_query_memory_bytes")
    @JsonDeserialize(using = SizeDeserializer.class)
    Long maxQueryMemoryBytes;

    @JsonProperty("query_timeout")
    @JsonDeserialize(using = DurationDeserializer.class)
    Duration queryTimeout;

    TenantLimits applyTenantLimits(TenantLimits base) {
      TenantLimits.Builder builder = base.toBuilder();
      setIfPresent(builder, "ingestion_rate_mb", ingestionRateMb);
      setIfPresent(builder, "ingestion_burst_size_mb", ingestionBurstSizeMb);
      setIfPresent(builder, "max_global_streams_per_user", maxGlobalStreamsPerUser);
      setIfPresent(builder, "max_entries_limit_per_query", maxEntriesLimitPerQuery);
      setIfPresent(builder, "max_query_length", maxQueryLength);
      setIfPresent(builder, "max_query_series", maxQuerySeries);
      setIfPresent(builder, "max_query_bytes_read", maxQueryBytesRead);
      setIfPresent(builder, "max_query_memory_bytes", maxQueryMemoryBytes);
      setIfPresent(builder, "query_timeout", queryTimeout);
      try {
        return builder.build();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("a limits value is too large: " + e.getMessage(), e);
      }
    }

    private static void setIfPresent(TenantLimits.Builder builder, String key, Object value) {
      if (value != null) {
        try {
          builder.set(key, value);
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException("limits." + key + " " + value + " is too large", e);
        }
      }
    }

    Limits apply(Limits base) {
      if (maxLineSize != null && maxLineSize > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("limits.max_line_size " + maxLineSize + " is larger than " + Integer.MAX_VALUE + " bytes");
      }
      return new Limits(
          rejectOldSamples != null ? rejectOldSamples : base.rejectOldSamples(),
          rejectOldSamplesMaxAge != null ? rejectOldSamplesMaxAge : base.rejectOldSamplesMaxAge(),
          creationGracePeriod != null ? creationGracePeriod : base.creationGracePeriod(),
          maxLineSize != null ? maxLineSize.intValue() : base.maxLineSize(),
          maxLineSizeTruncate != null ? maxLineSizeTruncate : base.maxLineSizeTruncate(),
          maxLabelNamesPerSeries != null ? maxLabelNamesPerSeries : base.maxLabelNamesPerSeries(),
          maxLabelNameLength != null ? maxLabelNameLength : base.maxLabelNameLength(),
          maxLabelValueLength != null ? maxLabelValueLength : base.maxLabelValueLength(),
          maxPushBodySize != null ? maxPushBodySize : base.maxBodyBytes());
    }
  }

  static final class DurationDeserializer extends StdDeserializer<Duration> {
    private static final long serialVersionUID = 1L;

    DurationDeserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      try {
        return LokiUnits.parseDuration(parser.getValueAsString());
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(parser, e.getMessage(), e);
      }
    }
  }

  static final class SizeDeserializer extends StdDeserializer<Long> {
    private static final long serialVersionUID = 1L;

    SizeDeserializer() {
      super(Long.class);
    }

    @Override
    public Long deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      try {
        return LokiUnits.parseBytes(parser.getValueAsString());
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(parser, e.getMessage(), e);
      }
    }
  }
}
