package dev.tonari.server;

import dev.tonari.cluster.catalog.CatalogUnavailableException;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.Member;
import dev.tonari.cluster.log.PushLog;
import dev.tonari.cluster.querier.HeadAccessDeniedException;
import dev.tonari.cluster.querier.HeadProtocol;
import dev.tonari.cluster.querier.HeadProtocolException;
import dev.tonari.cluster.querier.HeadQueryService;
import dev.tonari.cluster.ruler.RulerLeases;
import dev.tonari.server.ClusterSettings.Role;
import dev.tonari.store.LogStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process of a cluster role runs besides HTTP, opened from {@link ClusterBackends} by
 * role: every role gets the catalog and a heartbeat; a distributor the push log; an ingester the
 * {@link ClusterBackends.IngesterProcess} and the internal head route; a querier and a ruler the
 * cluster's read store; a ruler its per-tenant leases ({@link RulerLeases}); a compactor the compactor. The server's
 * handlers see one {@link RoleLogStore}. Kept apart from {@link TonariServer} so that filling in
 * the cluster module's classes changes constructors here, not the server's composition.
 */
final class ClusterWiring implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterWiring.class);
  /** The catalog role of a process's own member: {@code process:querier}, ... (the ingester's engine is role {@code ingester}). */
  static final String PROCESS_ROLE_PREFIX = "process:";

  private final ServerConfig config;
  private final Role role;
  private final String nodeId;
  private final ClusterBackends backends;
  /** Known once Jetty has bound (the listen port may be 0): peers call this address. */
  private volatile String advertiseAddress;
  private final ClusterCatalog catalog;
  private final RoleLogStore store;
  /** Opened by {@link #start}: the ingester's address must carry the port Jetty bound. */
  private volatile Optional<ClusterBackends.IngesterProcess> ingester = Optional.empty();
  private final Optional<AutoCloseable> compactor;
  private final ScheduledExecutorService scheduler;
  private final AtomicLong catalogErrors = new AtomicLong();
  private final AtomicLong heartbeats = new AtomicLong();
  private volatile String lastCatalogError;
  /** A ruler's per-tenant leases: which tenants' rules and SLOs this process evaluates. */
  private final Optional<RulerLeases> rulerLeases;
  /** The tenants with rules or SLOs, set once the rule store and the SLO engine exist. */
  private volatile Supplier<? extends Collection<String>> rulerTenants = Set::of;
  private boolean closed;

  private ClusterWiring(ServerConfig config, Role role, String nodeId, ClusterBackends backends, ClusterCatalog catalog, RoleLogStore store,
      Optional<AutoCloseable> compactor) {
    this.config = config;
    this.role = role;
    this.nodeId = nodeId;
    this.backends = backends;
    this.advertiseAddress = config.cluster().advertiseAddressOr(config.listenHost(), config.listenPort());
    this.catalog = catalog;
    this.store = store;
    this.compactor = compactor;
    // Its own member id: the process heartbeat (memberId()) and the leases' membership must not overwrite each other.
    this.rulerLeases = role.includes(Role.RULER)
        ? Optional.of(new RulerLeases(catalog, new Member(nodeId + "/" + RulerLeases.ROLE + "-tenants", RulerLeases.ROLE, advertiseAddress, List.of(), true),
            () -> rulerTenants.get(), config.cluster().heartbeatTtl(), Clock.systemUTC()))
        : Optional.empty();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "tonari-cluster-" + role.configName());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Opens what the config's role needs; everything opened is closed again when a later piece fails.
   *
   * @throws IOException naming the piece that could not be opened (the Kafka brokers, the JDBC URL)
   * @param retention each tenant's retention (the tenants config's), applied by a compactor role
   * @throws IllegalArgumentException when the config has no role or lacks a key the role needs
   */
  static ClusterWiring open(ServerConfig config, ClusterBackends backends, java.util.function.Function<String, dev.tonari.store.engine.RetentionPolicy> retention)
      throws IOException {
    ClusterSettings cluster = config.cluster();
    Role role = cluster.role().orElseThrow(() -> new IllegalArgumentException("no cluster.role: this is the single-node server"));
    config.requireCompleteCluster();
    // Port 0 (tests) has no meaningful node id; the real port is known only once Jetty binds, so tests set node_id.
    String nodeId = cluster.nodeIdOr(config.listenPort());
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      ClusterCatalog catalog = backends.openCatalog(config);
      opened.add(catalog);
      Optional<PushLog> pushLog = Optional.empty();
      if (role.includes(Role.DISTRIBUTOR)) {
        pushLog = Optional.of(backends.openPushLog(config, nodeId));
        opened.add(pushLog.get());
      }
      Optional<LogStore> reads = Optional.empty();
      if (role.includes(Role.QUERIER) || role.includes(Role.RULER)) {
        reads = Optional.of(backends.openReadStore(config, catalog));
        opened.add(reads.get());
      }
      Optional<AutoCloseable> compactor = Optional.empty();
      if (role.includes(Role.COMPACTOR)) {
        compactor = Optional.of(backends.openCompactor(config, catalog, nodeId, retention));
        opened.add(compactor.get());
      }
      RoleLogStore store = new RoleLogStore(role.configName(), pushLog, reads);
      log.info("cluster role {} as node {}: kafka {}, catalog {}, parts in {}", role.configName(), nodeId,
          cluster.kafka().map(kafka -> kafka.bootstrapServers() + " topic " + kafka.topic()).orElse("-"),
          cluster.postgres().map(postgres -> postgres.jdbcUrl()).orElse("-"),
          config.storage().type() == StorageSettings.Type.S3 ? config.storage().s3().location() : cluster.partsDirectory().map(Object::toString).orElse("-"));
      return new ClusterWiring(config, role, nodeId, backends, catalog, store, compactor);
    } catch (IOException | RuntimeException e) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  Role role() {
    return role;
  }

  String nodeId() {
    return nodeId;
  }

  ClusterCatalog catalog() {
    return catalog;
  }

  /** The store the HTTP handlers use: the push log for appends, the cluster's read store for reads. */
  RoleLogStore store() {
    return store;
  }

  /**
   * A ruler's per-tenant leases ({@code ruler/<tenant>} in the catalog): the ruler and the SLO
   * engine evaluate only the tenants held, and keep their state in the catalog under them, so a
   * tenant moves to another ruler with its alerts and SLO history when this one stops or dies.
   */
  Optional<RulerLeases> rulerLeases() {
    return rulerLeases;
  }

  /** The tenants the rulers share out: those with rules or SLOs here (every ruler reads the same rule and SLO files). */
  void shareTenantsOf(Supplier<? extends Collection<String>> tenants) {
    this.rulerTenants = tenants;
  }

  /**
   * Once Jetty listens on {@code boundPort}: opens the ingester (which advertises this address to
   * the queriers), then starts the heartbeat and, for a ruler, the lease loop; both run every
   * third of {@code cluster.heartbeat_ttl}.
   *
   * @throws IOException when the ingester cannot be opened (Kafka, the object store)
   */
  void start(int boundPort) throws IOException {
    advertiseAddress = config.cluster().advertiseAddressOr(config.listenHost(), boundPort);
    if (role.includes(Role.INGESTER)) {
      ingester = Optional.of(backends.openIngester(config, catalog, nodeId, advertiseAddress));
      log.info("ingester {} consumes {} and serves its head at {}", nodeId, config.cluster().kafka().map(kafka -> kafka.topic()).orElse("-"),
          advertiseAddress);
    }
    long period = Math.max(100, config.cluster().heartbeatTtl().toMillis() / 3);
    scheduler.scheduleWithFixedDelay(this::heartbeatSafely, 0, period, TimeUnit.MILLISECONDS);
    rulerLeases.ifPresent(RulerLeases::start);
  }

  private void heartbeatSafely() {
    try {
      // The ingester heartbeats itself (with its partitions) as role "ingester"; this member says the process and its role
      // are alive under another role name, so queriers never take it for an ingester whose head they must read.
      catalog.heartbeat(new Member(memberId(), PROCESS_ROLE_PREFIX + role.configName(), advertiseAddress, List.of(), true),
          config.cluster().heartbeatTtl());
      heartbeats.incrementAndGet();
      lastCatalogError = null;
    } catch (CatalogUnavailableException | IllegalStateException e) {
      catalogFailed("heartbeat", e);
    }
  }

  private void catalogFailed(String what, RuntimeException e) {
    catalogErrors.incrementAndGet();
    if (lastCatalogError == null) {
      log.warn("node {}: {} failed, the catalog is unavailable: {}", nodeId, what, e.getMessage());
    }
    lastCatalogError = what + ": " + e.getMessage();
  }

  private String memberId() {
    // Never the ingester's own member id (the node id): the two heartbeats would overwrite each other.
    return nodeId + "/" + role.configName();
  }

  /**
   * {@code GET /ready} of a cluster role: 200 with what was checked, or 503 naming what the role
   * still waits for (the catalog, Kafka taking pushes, the ingester catching up, the ruler lease).
   */
  void answerReady(Context ctx) {
    List<String> waiting = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    String catalogError = lastCatalogError;
    if (heartbeats.get() == 0 && catalogError == null) {
      waiting.add("catalog: first heartbeat not yet written");
    } else if (catalogError != null) {
      waiting.add("catalog (PostgreSQL) unreachable: " + catalogError);
    } else {
      checked.add("catalog reachable");
    }
    if (role.includes(Role.DISTRIBUTOR)) {
      Optional<String> produce = store.lastProduceFailure();
      if (produce.isPresent()) {
        waiting.add("push log (Kafka) did not take the last push: " + produce.get());
      } else {
        checked.add("push log took the last push");
      }
    }
    if (ingester.isPresent()) {
      Optional<String> notReady = ingester.get().notReady();
      if (notReady.isPresent()) {
        waiting.add("ingester: " + notReady.get());
      } else {
        checked.add("ingester caught up");
      }
    }
    if (rulerLeases.isPresent()) {
      Set<String> held = rulerLeases.get().heldTenants();
      checked.add(held.isEmpty() ? "evaluating no tenant (the other rulers hold them all, or none has rules)" : "evaluating tenants " + held);
    }
    ctx.contentType("text/plain; charset=utf-8");
    if (!waiting.isEmpty()) {
      ctx.status(503).result("not ready: " + role.configName() + " " + nodeId + " waits for: " + String.join("; ", waiting) + "\n");
      return;
    }
    ctx.result("ready: " + role.configName() + " " + nodeId + " (" + String.join(", ", checked) + ")\n");
  }

  /**
   * {@code POST} {@link HeadProtocol#PATH}: a querier's head request, bytes in, the head's snapshot
   * streamed out (the gate checked the internal token). A malformed request is 400 with the
   * protocol's message.
   */
  void answerHeadSelect(Context ctx) throws IOException {
    if (ingester.isEmpty()) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("node " + nodeId + " is a " + role.configName() + ", not an ingester\n");
      return;
    }
    HeadQueryService.Answer answer;
    try {
      answer = ingester.get().headService().answer(ctx.header(HeadProtocol.TOKEN_HEADER), ctx.bodyAsBytes());
    } catch (HeadAccessDeniedException e) {
      ctx.status(401).contentType("text/plain; charset=utf-8").result(e.getMessage() + "\n");
      return;
    } catch (HeadProtocolException e) {
      ctx.status(400).contentType("text/plain; charset=utf-8").result("head request to ingester " + nodeId + ": " + e.getMessage() + "\n");
      return;
    } catch (IOException e) {
      // Kafka cannot say what it acknowledged, or the head did not reach it in time: the querier answers 503 with this reason.
      ctx.status(503).contentType("text/plain; charset=utf-8").result("head request to ingester " + nodeId + ": " + e.getMessage() + "\n");
      return;
    }
    try (answer) {
      ctx.status(200).contentType(HeadProtocol.CONTENT_TYPE);
      answer.writeTo(ctx.outputStream());
    }
  }

  /** Whether this node serves the ingesters' internal head route. */
  boolean servesHead() {
    return role.includes(Role.INGESTER);
  }

  /** The per-role figures on {@code /metrics}. */
  void registerMetrics(ServerMetrics metrics) {
    metrics.registerLabelledGauge("tonari_cluster_info", "This process's cluster role and node id (value 1).", List.of("role", "node"),
        () -> Map.of(List.of(role.configName(), nodeId), 1.0));
    metrics.registerCounter("tonari_cluster_catalog_errors", "Catalog (PostgreSQL) calls of this process that failed (heartbeats, leases).",
        catalogErrors::get);
    metrics.registerCounter("tonari_cluster_heartbeats", "Heartbeats this process wrote to the catalog.", heartbeats::get);
    if (role.includes(Role.DISTRIBUTOR)) {
      metrics.registerCounter("tonari_cluster_produced_records", "Stream batches the push log (Kafka) stored, one record each.",
          store::producedBatches);
      metrics.registerCounter("tonari_cluster_produced_entries", "Log entries in the records the push log stored.", store::producedEntries);
      metrics.registerCounter("tonari_cluster_produce_failures", "Pushes the push log did not store in time (answered 503).",
          store::produceFailures);
    }
    if (role.includes(Role.INGESTER)) {
      metrics.registerCounter("tonari_cluster_flushes", "Flushes of the ingester's head that registered parts with their partitions' offsets.",
          () -> ingester.map(ClusterBackends.IngesterProcess::flushes).orElse(0L));
      metrics.registerCounter("tonari_cluster_fenced_commits", "Commits refused because another ingester had taken the partition over.",
          () -> ingester.map(ClusterBackends.IngesterProcess::fencedCommits).orElse(0L));
    }
    if (role.includes(Role.RULER)) {
      metrics.registerGauge("tonari_cluster_ruler_tenants", "Tenants whose rules and SLOs this ruler evaluates (the ruler/<tenant> leases it holds).",
          () -> rulerLeases.map(leases -> leases.heldTenants().size()).orElse(0));
    }
  }

  /** Stops the loops, leaves the catalog (so peers need not wait for the ttl), releases the ruler's tenant leases, closes the role's pieces. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    List<Exception> failures = new ArrayList<>();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (compactor.isPresent()) {
      closeQuietly(compactor.get(), failures);
    }
    if (ingester.isPresent()) {
      closeQuietly(ingester.get(), failures);
    }
    // Released and left, so the other rulers take this one's tenants at their next round rather than after the ttl.
    rulerLeases.ifPresent(leases -> closeQuietly(leases, failures));
    try {
      catalog.leave(memberId());
    } catch (RuntimeException e) {
      failures.add(e);
    }
    closeQuietly(catalog, failures);
    if (!failures.isEmpty()) {
      IOException failure = new IOException("stopping cluster role " + role.configName() + " of node " + nodeId + ": " + failures.get(0).getMessage(),
          failures.get(0));
      failures.subList(1, failures.size()).forEach(failure::addSuppressed);
      throw failure;
    }
    log.info("cluster role {} of node {} stopped and left the catalog", role.configName(), nodeId);
  }

  private static void closeQuietly(AutoCloseable resource, List<Exception> failures) {
    try {
      resource.close();
    } catch (Exception e) {
      failures.add(e);
    }
  }
}
