package dev.tonari.server;

import dev.tonari.alerts.history.AlertHistory;
import dev.tonari.ingest.PushValidator;
import dev.tonari.query.QueryEngine;
import dev.tonari.query.QueryLimits;
import dev.tonari.rules.store.RuleStore;
import dev.tonari.slo.engine.SloService;
import dev.tonari.sso.SingleSignOn;
import dev.tonari.store.LogStore;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.engine.StoreMetrics;
import io.javalin.Javalin;
import io.javalin.router.ParsedEndpoint;
import io.javalin.websocket.WsHandlerEntry;
import io.javalin.websocket.WsHandlerType;
import java.io.IOException;
import java.time.Clock;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Tonari node: the Loki-compatible HTTP API (Javalin on Jetty, one virtual thread per
 * request) over a {@link LogStore}. {@link #start} binds and returns when the port accepts
 * connections; {@link #close} stops taking requests, lets running ones finish, then closes the
 * store, which flushes its head so that a restart reads parts rather than replaying the WAL.
 *
 * <p>Routes: {@code POST /loki/api/v1/push}; {@code GET|POST /loki/api/v1/query_range}, {@code
 * /query}, {@code /labels}, {@code /label/{name}/values}, {@code /series}, {@code /index/stats},
 * {@code /index/volume}, {@code /index/volume_range}, {@code /format_query}, Logs Drilldown's {@code
 * /detected_labels}, {@code /detected_fields}, {@code /detected_field/{name}/values}, {@code /patterns}
 * and {@code /drilldown-limits} ({@link DrilldownHandlers}); WebSocket {@code
 * /loki/api/v1/tail}; {@code GET /loki/api/v1/status/buildinfo}, {@code /ready}, {@code /metrics};
 * the admin API {@code /tonari/api/v1/tokens} and {@code /tonari/api/v1/usage} ({@link
 * AdminHandlers}); the SLO API {@code /tonari/api/v1/slos} and {@code /tonari/api/v1/slo_report}
 * ({@link SloHandlers}) over the {@link SloService}; Loki's rules API {@code /loki/api/v1/rules} and
 * {@code /api/prom/rules} ({@link RulesApiHandlers}) over the {@link RuleStore}; the alert history and toil API {@code
 * /tonari/api/v1/alerts/...} and {@code /tonari/api/v1/toil} ({@link AlertHistoryHandlers}).
 * Every route but {@code /ready} and {@code /metrics} passes the {@link TenantGate}, which
 * authenticates and resolves the tenants when {@code auth.enabled} is on.
 */
public final class TonariServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TonariServer.class);
  public static final String VERSION = versionOrDevelopment();

  private final ServerConfig config;
  private final LogStore store;
  private final ServerMetrics metrics;
  private final Javalin app;
  private final TenancyServices tenancy;
  private final SloService slos;
  private final RuleStore rules;
  private final AlertHistoryWiring alertHistory;
  private final RulerWiring ruler;
  private final Optional<ClusterWiring> cluster;
  private boolean closed;

  private TonariServer(ServerConfig config, LogStore store, ServerMetrics metrics, Javalin app, TenancyServices tenancy, SloService slos,
      RuleStore rules, AlertHistoryWiring alertHistory, RulerWiring ruler, Optional<ClusterWiring> cluster) {
    this.config = config;
    this.store = store;
    this.metrics = metrics;
    this.app = app;
    this.tenancy = tenancy;
    this.slos = slos;
    this.rules = rules;
    this.alertHistory = alertHistory;
    this.ruler = ruler;
    this.cluster = cluster;
  }

  /**
   * Opens the disk store under {@code config.dataDir()} (replaying its WAL) and starts serving it;
   * the store's figures are exported on {@code /metrics}.
   */
  public static TonariServer open(ServerConfig config) throws IOException {
    if (config.cluster().enabled()) {
      return openCluster(config, ClusterBackends.production(), Clock.systemUTC());
    }
    // Tenancy first: the store's retention is each tenant's, read from the tenants config.
    TenancyServices tenancy = TenancyServices.open(config, Clock.systemUTC());
    DiskLogStore store;
    try {
      DiskLogStoreConfig storeConfig = DiskLogStoreConfig.defaults(config.dataDir())
          .withFlushHeadBytes(config.flushSizeBytes())
          .withFlushAge(config.flushAge())
          .withRetention(config.retentionPeriod(), null)
          .withRetentionPolicies(tenancy::retentionPolicyFor)
          .withHeadBounds(config.storage().headBounds(Runtime.getRuntime().maxMemory()));
      store = StorageFactory.open(config.storage(), storeConfig);
    } catch (IOException | RuntimeException e) {
      closeAfterFailedStart(tenancy, e);
      throw e;
    }
    tenancy.attachStoredBytes(store.metrics()::partBytesByTenant);
    StorageMetrics.meterRequests(store.metrics(), tenancy.meter);
    return start(config, store, metrics -> registerStoreMetrics(metrics, store.metrics()), Clock.systemUTC(), tenancy, Optional.empty());
  }

  /**
   * Starts a process of the config's cluster role over the shared systems {@code backends}
   * opens (Kafka, PostgreSQL, S3 in production; fakes in tests): only the role's routes and
   * engines, see {@link RoleRoutes}.
   *
   * @throws IllegalArgumentException when the config lacks a key the role needs
   */
  public static TonariServer openCluster(ServerConfig config, ClusterBackends backends, Clock clock) throws IOException {
    TenancyServices tenancy = TenancyServices.open(config, clock);
    ClusterWiring cluster;
    try {
      cluster = ClusterWiring.open(config, backends, tenancy::retentionPolicyFor);
    } catch (IOException | RuntimeException e) {
      closeAfterFailedStart(tenancy, e);
      throw e;
    }
    return start(config, cluster.store(), metrics -> {}, clock, tenancy, Optional.of(cluster));
  }

  /** Maps the engine's plain getters to Prometheus metrics read at scrape time. */
  public static void registerStoreMetrics(ServerMetrics metrics, StoreMetrics store) {
    metrics.registerCounter("tonari_wal_fsyncs", "fsync calls on the write-ahead log (group commit shares one among concurrent pushes).", store::walFsyncs);
    metrics.registerCounter("tonari_wal_bytes", "Bytes appended to the write-ahead log.", store::walBytes);
    metrics.registerCounter("tonari_wal_records", "Records appended to the write-ahead log.", store::walRecords);
    metrics.registerGauge("tonari_head_bytes", "Approximate bytes held in the in-memory head.", store::headBytes);
    metrics.registerCounter("tonari_head_full_refusals", "Pushes refused with 429 because the in-memory head held storage.max_head_size (or max_head_size_per_tenant) bytes.", store::headFullRefusals);
    metrics.registerCounter("tonari_head_full_waits", "Pushes that found the in-memory head full, waited (storage.head_full_wait) for the flush they started and were then stored.", store::headFullWaits);
    metrics.registerGauge("tonari_head_streams", "Streams held in the in-memory head.", store::headStreams);
    metrics.registerGaugePerTenant("tonari_parts", "Published parts per tenant.", store::partsByTenant);
    metrics.registerGaugePerTenant("tonari_part_bytes", "Bytes of published parts per tenant.", store::partBytesByTenant);
    metrics.registerCounter("tonari_flushes", "Head flushes to parts.", store::flushes);
    metrics.registerCounter("tonari_flush_bytes_written", "Bytes of parts written by flushes.", store::flushBytesWritten);
    metrics.registerCounter("tonari_merges", "Merges of small parts into larger ones.", store::merges);
    metrics.registerCounter("tonari_merge_bytes_written", "Bytes of parts written by merges.", store::mergeBytesWritten);
    metrics.registerCounter("tonari_retention_deleted_parts", "Parts deleted by retention.", store::retentionDeletedParts);
    metrics.registerCounter(
        "tonari_retention_rewritten_parts", "Parts rewritten without the entries of streams past their retention_stream period.", store::retentionRewrittenParts);
    metrics.registerCounter("tonari_corrupt_parts", "Parts that failed a checksum and were set aside in quarantine.", store::corruptParts);
    metrics.registerCounter("tonari_blocks_skipped_by_bloom", "Blocks skipped because their bloom filter excluded a |= literal.", store::blocksSkippedByBloom);
    metrics.registerCounter("tonari_blocks_skipped_by_time", "Blocks skipped because of their time range.", store::blocksSkippedByTime);
    metrics.registerCounter("tonari_blocks_read", "Blocks decoded by queries.", store::blocksRead);
    StorageMetrics.register(metrics, store);
  }

  /**
   * Starts a server over a store the caller opened; the server owns it from now on and closes it
   * in {@link #close}, also when starting fails.
   *
   * @param storeMetrics registers the store's figures as callback metrics; may do nothing
   */
  public static TonariServer start(ServerConfig config, LogStore store, Consumer<ServerMetrics> storeMetrics, Clock clock)
      throws IOException {
    TenancyServices tenancy;
    try {
      tenancy = TenancyServices.open(config, clock);
    } catch (IOException | RuntimeException e) {
      closeAfterFailedStart(store, e);
      throw e;
    }
    return start(config, store, storeMetrics, clock, tenancy, Optional.empty());
  }

  private static TonariServer start(ServerConfig config, LogStore store, Consumer<ServerMetrics> storeMetrics, Clock clock,
      TenancyServices tenancy, Optional<ClusterWiring> cluster) throws IOException {
    RoleRoutes role = RoleRoutes.of(cluster.map(ClusterWiring::role));
    ServerMetrics metrics = new ServerMetrics();
    Javalin app;
    SloService slos = null;
    RuleStore rules = null;
    AlertHistoryWiring alertHistory = null;
    RulerWiring ruler = null;
    try {
      storeMetrics.accept(metrics);
      cluster.ifPresent(wiring -> wiring.registerMetrics(metrics));
      TenancyMetrics.register(metrics, tenancy);
      Optional<SingleSignOn> sso = config.oidc().map(settings -> new SingleSignOn(settings, () -> tenancy.current().sso(), clock));
      TenantGate gate = new TenantGate(config.authEnabled(), tenancy.tokens, tenancy.failedAttempts, tenancy::current, metrics, sso,
          config.cluster().internalToken());
      SsoHandlers ssoHandlers = new SsoHandlers(sso, config.authEnabled(), metrics);
      UiHandlers ui = new UiHandlers(sso.isPresent(), config.authEnabled(), VERSION);
      PushHandler push = new PushHandler(store, new PushValidator(clock), config.limits(), tenancy::current, tenancy.rateLimiter,
          tenancy.streamLimiter, tenancy.meter, metrics);
      AgentPushSupport agents = new AgentPushSupport(push, tenancy::current, () -> nanosNow(clock));
      OtlpPushHandler otlp = new OtlpPushHandler(agents);
      ElasticHandlers elastic = new ElasticHandlers(agents);
      JsonLinesPushHandler jsonLines = new JsonLinesPushHandler(agents);
      MultiTenantQuery multiTenantQuery = new MultiTenantQuery(store, tenant -> tenancy.current().limitsFor(tenant), tenancy.meter);
      // Read handlers see the store through the multi-tenant view, so Loki's a|b reads work everywhere.
      LogStore readView = new MultiTenantLogStore(store);
      AdminHandlers admin = new AdminHandlers(tenancy.tokens, tenancy.audit, tenancy.meter, tenancy::current, clock);
      QueryHandlers queries = new QueryHandlers(multiTenantQuery, metrics, () -> nanosNow(clock));
      IndexHandlers index = new IndexHandlers(readView, QueryLimits.defaults(), metrics, () -> nanosNow(clock), multiTenantQuery);
      FormatQueryHandler formatQuery = new FormatQueryHandler(metrics);
      DrilldownHandlers drilldown = new DrilldownHandlers(multiTenantQuery, readView, tenant -> tenancy.current().retentionFor(tenant).period(),
          metrics, () -> nanosNow(clock));
      SloHandlers sloHandlers = null;
      RulesApiHandlers rulesApi = null;
      AlertHistoryHandlers alertHistoryHandlers = null;
      PrometheusRulesHandlers prometheusRules = null;
      NotificationHandlers notifications = null;
      if (role.rulerAndSlo()) {
        slos = SloWiring.open(config, store, multiTenantQuery::limitsFor, tenant -> tenancy.current().prometheusFor(tenant), clock, cluster);
        sloHandlers = new SloHandlers(slos, tenancy.audit, clock);
        SloMetrics.register(metrics, slos);
        rules = RulesWiring.open(config);
        rulesApi = new RulesApiHandlers(rules, tenancy.audit);
        alertHistory = AlertHistoryWiring.open(config.dataDir(), config.ruler().alerting().notificationsDirectory(),
            config.ruler().alerting().historyRetention(), clock);
        alertHistoryHandlers = new AlertHistoryHandlers(alertHistory.history(), alertHistory.toil(), tenancy.audit, clock);
        ToilMetrics.register(metrics, alertHistory.toil(), clock);
        ruler = RulerWiring.open(config, store, rules, slos, alertHistory.history(), clock);
        if (cluster.isPresent()) {
          // Every ruler reads the same rule and SLO files: the tenants they share out are those with rules or SLOs.
          ruler.inCluster(cluster.get());
          cluster.get().shareTenantsOf(dev.tonari.cluster.ruler.RulerLeases.tenantsOf(rules::tenants, slos::tenants));
        }
        RulerWiring rulerWiring = ruler;
        prometheusRules = new PrometheusRulesHandlers(rulerWiring::ruler);
        notifications = new NotificationHandlers(ruler.silences(), ruler.notifier(), tenancy.audit, clock);
        RulerMetrics.register(metrics, ruler);
      }
      SloHandlers sloRoutes = sloHandlers;
      RulesApiHandlers rulesRoutes = rulesApi;
      AlertHistoryHandlers alertHistoryRoutes = alertHistoryHandlers;
      PrometheusRulesHandlers prometheusRoutes = prometheusRules;
      NotificationHandlers notificationRoutes = notifications;
      TailHandler tail = new TailHandler(new QueryEngine(readView, QueryLimits.defaults()), QueryLimits.defaults().maxEntriesLimitPerQuery(),
          () -> nanosNow(clock), TailHandler.DEFAULT_MAX_TAILS_PER_TENANT, TailHandler.DEFAULT_POLL_INTERVAL, multiTenantQuery);
      // Read before Jetty starts, so that a bad certificate or key is an error of the start naming the file.
      java.security.KeyStore keyStore = config.tls().enabled() ? config.tls().keyStore() : null;
      app = Javalin.create(javalin -> {
        javalin.concurrency.useVirtualThreads = true;
        javalin.startup.showJavalinBanner = false;
        javalin.startup.showOldJavalinVersionWarning = false;
        javalin.jetty.host = config.listenHost();
        javalin.jetty.port = config.listenPort();
        if (config.tls().enabled()) {
          javalin.jetty.addConnector((server, http) -> TlsConnector.create(server, http, config, keyStore));
        }
        var routes = javalin.routes;
        routes.before(gate::handle);
        if (role.reads()) {
          routes.wsBeforeUpgrade("/loki/api/v1/tail", gate::handle);
        }
        if (role.ui()) {
          routes.get("/ui/login", ssoHandlers::login);
          routes.get("/ui/callback", ssoHandlers::callback);
          routes.post("/ui/logout", ssoHandlers::logout);
          routes.get("/tonari/api/v1/session", ssoHandlers::session);
          routes.get("/ui", ui::redirectToIndex);
          routes.get("/ui/config.json", ui::config);
          routes.get("/ui/<path>", ui::asset);
        }
        if (role.admin()) {
          routes.post("/tonari/api/v1/tokens", admin::createToken);
          routes.get("/tonari/api/v1/tokens", admin::listTokens);
          routes.delete("/tonari/api/v1/tokens/{id}", admin::revokeToken);
          routes.get("/tonari/api/v1/usage", admin::usage);
          routes.get("/tonari/api/v1/tenants", new TenantConfigHandlers(tenancy::current, config.tenantsFiles(), config.authEnabled())::list);
        }
        if (role.rulerAndSlo()) {
          routes.post("/tonari/api/v1/slos", sloRoutes::apply);
          routes.get("/tonari/api/v1/slos", sloRoutes::list);
          routes.get("/tonari/api/v1/slos/{id}", sloRoutes::get);
          routes.get("/tonari/api/v1/slos/{id}/budget", sloRoutes::budget);
          routes.delete("/tonari/api/v1/slos/{id}", sloRoutes::delete);
          routes.get("/tonari/api/v1/slo_report", sloRoutes::report);
          rulesRoutes.register(routes);
          alertHistoryRoutes.register(routes);
          routes.get("/prometheus/api/v1/rules", prometheusRoutes::rules);
          routes.post("/prometheus/api/v1/rules", prometheusRoutes::rules);
          routes.get("/prometheus/api/v1/alerts", prometheusRoutes::alerts);
          routes.get("/alertmanager/api/v2/silences", notificationRoutes::listSilences);
          routes.post("/alertmanager/api/v2/silences", notificationRoutes::postSilence);
          routes.get("/alertmanager/api/v2/silence/{id}", notificationRoutes::getSilence);
          routes.delete("/alertmanager/api/v2/silence/{id}", notificationRoutes::expireSilence);
          routes.get("/tonari/api/v1/notifications/dead_letters", notificationRoutes::listDeadLetters);
          routes.post("/tonari/api/v1/notifications/dead_letters/{id}/retry", notificationRoutes::retryDeadLetter);
          routes.delete("/tonari/api/v1/notifications/dead_letters/{id}", notificationRoutes::discardDeadLetter);
        }
        if (role.push()) {
          routes.post("/loki/api/v1/push", push::handle);
          routes.post("/otlp/v1/logs", otlp::handle);
          routes.post("/tonari/api/v1/push/jsonl", jsonLines::handle);
          routes.get("/", elastic::root);
          routes.head("/", elastic::root);
          routes.get("/_license", elastic::license);
          routes.get("/_cluster/health", elastic::clusterHealth);
          routes.post("/_bulk", elastic::bulk);
          routes.put("/_bulk", elastic::bulk);
          routes.post("/{index}/_bulk", elastic::bulk);
          routes.put("/{index}/_bulk", elastic::bulk);
        }
        if (role.reads()) {
          routes.get("/loki/api/v1/query_range", queries::queryRange);
          routes.post("/loki/api/v1/query_range", queries::queryRange);
          routes.get("/loki/api/v1/query", queries::instantQuery);
          routes.post("/loki/api/v1/query", queries::instantQuery);
          routes.get("/loki/api/v1/labels", queries::labels);
          routes.post("/loki/api/v1/labels", queries::labels);
          routes.get("/loki/api/v1/label/{name}/values", queries::labelValues);
          routes.post("/loki/api/v1/label/{name}/values", queries::labelValues);
          routes.get("/loki/api/v1/series", queries::series);
          routes.post("/loki/api/v1/series", queries::series);
          routes.get("/loki/api/v1/index/stats", index::stats);
          routes.post("/loki/api/v1/index/stats", index::stats);
          routes.get("/loki/api/v1/index/volume", index::volume);
          routes.post("/loki/api/v1/index/volume", index::volume);
          routes.get("/loki/api/v1/index/volume_range", index::volumeRange);
          routes.post("/loki/api/v1/index/volume_range", index::volumeRange);
          for (String path : List.of("/loki/api/v1/detected_labels", "/loki/api/v1/detected_fields", "/loki/api/v1/detected_field/{name}/values",
              "/loki/api/v1/patterns", "/loki/api/v1/drilldown-limits")) {
            io.javalin.http.Handler handler = switch (path) {
              case "/loki/api/v1/detected_labels" -> drilldown::detectedLabels;
              case "/loki/api/v1/detected_fields" -> drilldown::detectedFields;
              case "/loki/api/v1/patterns" -> drilldown::patterns;
              case "/loki/api/v1/drilldown-limits" -> drilldown::limits;
              default -> drilldown::detectedFieldValues;
            };
            routes.get(path, handler);
            routes.post(path, handler);
          }
          routes.get("/loki/api/v1/format_query", formatQuery::handle);
          routes.post("/loki/api/v1/format_query", formatQuery::handle);
          routes.wsBeforeUpgrade("/loki/api/v1/tail", tail::beforeUpgrade);
          routes.ws("/loki/api/v1/tail", tail::configure);
        }
        javalin.events.serverStopping(tail::close);
        if (role.userFacing()) {
          routes.get("/loki/api/v1/status/buildinfo", ctx -> {
            ctx.contentType("application/json; charset=utf-8");
            LokiJson.writeBuildInfo(ctx.outputStream(), DrilldownHandlers.LOKI_VERSION, VERSION);
          });
        }
        if (cluster.isPresent() && cluster.get().servesHead()) {
          ClusterWiring headOwner = cluster.get();
          routes.post(dev.tonari.cluster.querier.HeadProtocol.PATH, headOwner::answerHeadSelect);
        }
        if (cluster.isPresent()) {
          ClusterWiring node = cluster.get();
          routes.get("/ready", node::answerReady);
        } else {
          routes.get("/ready", ctx -> StorageReadiness.answer(ctx, store));
        }
        routes.get("/metrics", ctx -> {
          ctx.contentType(ServerMetrics.CONTENT_TYPE);
          metrics.write(ctx.outputStream());
        });
        routes.exception(Exception.class, (e, ctx) -> {
          Optional<ClusterUnavailable> unavailable = ClusterUnavailable.of(e);
          if (unavailable.isPresent()) {
            log.warn("{} {} answered 503: {}", ctx.method(), ctx.path(), unavailable.get().message());
            unavailable.get().answer(ctx, metrics);
            return;
          }
          log.error("{} {} failed", ctx.method(), ctx.path(), e);
          ctx.status(500).contentType("text/plain; charset=utf-8").result(ctx.path() + " failed: " + e + "\n");
        });
        if (cluster.isPresent()) {
          // A route of another role: say which role serves it rather than a bare 404.
          String roleName = cluster.get().role().configName();
          routes.error(404, ctx -> role.elsewhere(ctx.method().toString(), ctx.path(), roleName)
              .ifPresent(message -> ctx.contentType("text/plain; charset=utf-8").result(message + "\n")));
        }
      });
      app.start();
      if (role.rulerAndSlo()) {
        String serverUrl = baseUrl(config, app.port());
        // In a cluster both evaluate only the tenants whose leases this ruler holds (asked every round).
        slos.start();
        ruler.startRuler(serverUrl);
      }
      if (cluster.isPresent()) {
        cluster.get().start(app.port());
      }
    } catch (IOException | RuntimeException e) {
      if (ruler != null) {
        closeAfterFailedStart(ruler, e);
      }
      if (rules != null) {
        closeAfterFailedStart(rules, e);
      }
      if (slos != null) {
        closeAfterFailedStart(slos, e);
      }
      if (alertHistory != null) {
        closeAfterFailedStart(alertHistory, e);
      }
      closeAfterFailedStart(store, e);
      cluster.ifPresent(wiring -> closeAfterFailedStart(wiring, e));
      closeAfterFailedStart(tenancy, e);
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot start the HTTP server on " + config.listen() + ": " + e.getMessage(), e);
    }
    TonariServer server = new TonariServer(config, store, metrics, app, tenancy, slos, rules, alertHistory, ruler, cluster);
    log.info("Tonari {} listening on {} ({}; data in {})", VERSION, server.baseUrl(),
        cluster.map(wiring -> "cluster role " + wiring.role().configName() + ", node " + wiring.nodeId()).orElse("single node"), config.dataDir());
    return server;
  }

  private static void closeAfterFailedStart(AutoCloseable resource, Exception cause) {
    try {
      resource.close();
    } catch (Exception e) {
      cause.addSuppressed(e);
    }
  }

  /** The bound port (the real one when the config asked for port 0). */
  public int port() {
    return app.port();
  }

  /** {@code http://host:port} ({@code https} with {@code server.tls}), with a loopback host when bound to all interfaces. */
  public String baseUrl() {
    return baseUrl(config, port());
  }

  private static String baseUrl(ServerConfig config, int port) {
    String listenHost = config.listenHost();
    String host = listenHost;
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (config.tls().enabled() ? "https://" : "http://") + host + ":" + port;
  }

  /** The node's ruler, once it started (right after the server began to listen). */
  public Optional<dev.tonari.rules.eval.Ruler> ruler() {
    return ruler == null ? Optional.empty() : ruler.ruler();
  }

  /** The cluster role of this process, or empty for the single-node server. */
  public Optional<ClusterSettings.Role> role() {
    return cluster.map(ClusterWiring::role);
  }

  /**
   * Every route the server answers, as {@code "METHOD /path"} with Javalin's path parameters (e.g.
   * {@code "GET /loki/api/v1/label/{name}/values"}, {@code "WS /loki/api/v1/tail"}), read from the
   * router itself so that a test enumerating them cannot miss a route added later.
   */
  public List<String> routes() {
    List<String> routes = new ArrayList<>();
    for (ParsedEndpoint endpoint : app.unsafe.internalRouter.allHttpHandlers()) {
      if (endpoint.endpoint.method.isHttpMethod()) {
        routes.add(endpoint.endpoint.method.name() + " " + endpoint.endpoint.path);
      }
    }
    for (WsHandlerEntry socket : app.unsafe.internalRouter.allWsHandlers()) {
      if (socket.getType() == WsHandlerType.WEBSOCKET) {
        routes.add("WS " + socket.getPath());
      }
    }
    return List.copyOf(routes);
  }

  public ServerConfig config() {
    return config;
  }

  public LogStore store() {
    return store;
  }

  public ServerMetrics metrics() {
    return metrics;
  }

  /**
   * The node's SLO engine: its scheduler evaluates every few seconds; tests and the benchmark call
   * {@link SloService#evaluateAllNow()} to evaluate at once, at the server's clock.
   */
  public SloService slos() {
    return slos;
  }

  /** The node's rule store: rule files and the namespaces of the rules API; the ruler reads it as its {@code RuleSource}. */
  public RuleStore rules() {
    return rules;
  }

  /**
   * The node's alert history ({@code <data_dir>/alerts/history}): the ruler hands it its state
   * changes as a {@link dev.tonari.rules.alert.TransitionListener}; tests feed it directly.
   */
  public AlertHistory alertHistory() {
    if (alertHistory == null) {
      throw new IllegalStateException("this process's role (" + role().map(ClusterSettings.Role::configName).orElse("single node")
          + ") keeps no alert history; the ruler does");
    }
    return alertHistory.history();
  }

  /** Stops HTTP (running requests complete), then closes the store; idempotent. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      app.stop();
    } finally {
      try {
        // The ruler reads the rules, the SLO engine and the store, and writes the history: it stops first.
        if (ruler != null) {
          ruler.close();
          rules.close();
          slos.close();
        }
        try {
          store.close();
        } finally {
          // After the store: a distributor's last pushes reach Kafka before the node leaves the catalog.
          if (cluster.isPresent()) {
            cluster.get().close();
          }
        }
        log.info("Tonari stopped; store in {} closed", config.dataDir());
      } finally {
        try {
          if (alertHistory != null) {
            alertHistory.close();
          }
        } finally {
          tenancy.close();
        }
      }
    }
  }

  private static long nanosNow(Clock clock) {
    return QueryHandlers.nanosOf(clock.instant());
  }

  private static String versionOrDevelopment() {
    String version = TonariServer.class.getPackage().getImplementationVersion();
    return version != null ? version : "0.1.0-SNAPSHOT";
  }
}
