package dev.tonari.server;

import dev.tonari.alerts.delivery.AlertFanout;
import dev.tonari.alerts.delivery.DeliveryStats;
import dev.tonari.alerts.delivery.alertmanager.AlertmanagerSink;
import dev.tonari.alerts.delivery.config.NotificationConfigStore;
import dev.tonari.alerts.delivery.notify.Notifier;
import dev.tonari.alerts.delivery.notify.NotifierSettings;
import dev.tonari.alerts.delivery.silence.SilenceStore;
import dev.tonari.cluster.ruler.CatalogAlertStateStore;
import dev.tonari.cluster.ruler.OutboxDispatcher;
import dev.tonari.cluster.ruler.RulerLeases;
import dev.tonari.query.QueryLimits;
import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.alert.SampleSink;
import dev.tonari.rules.alert.TransitionListener;
import dev.tonari.rules.eval.AlertStateDirectory;
import dev.tonari.rules.eval.AlertStateStore;
import dev.tonari.rules.eval.EvaluationSettings;
import dev.tonari.rules.eval.LogqlQuerier;
import dev.tonari.rules.eval.Ruler;
import dev.tonari.rules.eval.SloRuleSource;
import dev.tonari.rules.remotewrite.RemoteWriteSink;
import dev.tonari.rules.store.RuleStore;
import dev.tonari.slo.engine.SloService;
import dev.tonari.tenancy.TenantAssignment;
import dev.tonari.store.LogStore;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ruler of a server and where its output goes: the rule store's namespaces and the SLO
 * burn-rate rules evaluated over the server's store ({@link LogqlQuerier} with shared scans),
 * alerts to the Alertmanagers of {@code ruler.alertmanager_url} and to the built-in notifier (each
 * team's {@code <notifications_dir>/<tenant>.yaml}), state changes to the alert history, and
 * recording rules' samples to {@code ruler.remote_write}.
 *
 * <p>Delivery starts with the server; the ruler itself starts once the server listens ({@link
 * #startRuler}), because its alerts' links default to the server's own address, which a config
 * with port 0 only knows then.
 *
 * <p>On disk: {@code <data_dir>/rules/state} (alert states), {@code <data_dir>/alerts/notifier}
 * (outbox and notification log), {@code <data_dir>/alerts/silences}.
 */
final class RulerWiring implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RulerWiring.class);
  /** How often the delivery threads look for retries that are due. */
  private static final Duration DELIVERY_POLL = Duration.ofSeconds(1);
  /** How long a ruler may hold outbox rows it claimed before another ruler may deliver them (a dead ruler's claim runs out). */
  private static final Duration OUTBOX_CLAIM = Duration.ofMinutes(1);

  private final ServerConfig config;
  private final RuleStore rules;
  private final SloService slos;
  private final TransitionListener history;
  private final Clock clock;
  private final DeliveryStats deliveryStats;
  private final SilenceStore silences;
  private final Optional<Notifier> notifier;
  private final Optional<AlertmanagerSink> alertmanager;
  private final Optional<RemoteWriteSink> remoteWrite;
  private final LogqlQuerier querier;
  /** A ruler role's catalog and tenant leases; empty on a single node. */
  private Optional<ClusterWiring> cluster = Optional.empty();
  private volatile Ruler ruler;
  /** A ruler role's delivery: alerts queued in the catalog's outbox with the state that records them, handed to the sinks here. */
  private volatile OutboxDispatcher outbox;

  private RulerWiring(ServerConfig config, LogStore store, RuleStore rules, SloService slos, TransitionListener history, Clock clock,
      DeliveryStats deliveryStats, SilenceStore silences, Optional<Notifier> notifier, Optional<AlertmanagerSink> alertmanager,
      Optional<RemoteWriteSink> remoteWrite) {
    this.config = config;
    this.deliveryStats = deliveryStats;
    this.rules = rules;
    this.slos = slos;
    this.history = history;
    this.clock = clock;
    this.silences = silences;
    this.notifier = notifier;
    this.alertmanager = alertmanager;
    this.remoteWrite = remoteWrite;
    this.querier = new LogqlQuerier(store, QueryLimits.defaults(), config.ruler().rules().evaluation().sharedScanBytes());
  }

  /** Opens delivery (silences, the notifier's outbox, the Alertmanager and remote-write clients); the ruler waits for {@link #startRuler}. */
  static RulerWiring open(ServerConfig config, LogStore store, RuleStore rules, SloService slos, TransitionListener history, Clock clock)
      throws IOException {
    AlertingSettings alerting = config.ruler().alerting();
    Path alertsDir = config.dataDir().resolve("alerts");
    SilenceStore silences = new SilenceStore(alertsDir.resolve("silences"), clock);
    SecureRandom random = new SecureRandom();
    DeliveryStats stats = new DeliveryStats();
    Optional<Notifier> notifier = Optional.empty();
    Optional<AlertmanagerSink> alertmanager = Optional.empty();
    Optional<RemoteWriteSink> remoteWrite = Optional.empty();
    try {
      if (alerting.notificationsDirectory().isPresent()) {
        NotificationConfigStore configs = new NotificationConfigStore(alerting.notificationsDirectory().get());
        String links = config.ruler().rules().evaluation().externalUrl();
        notifier = Optional.of(new Notifier(configs, silences, alertsDir.resolve("notifier"), NotifierSettings.defaults(links), clock, random, stats)
            .start(DELIVERY_POLL));
      }
      if (alerting.alertmanager().isPresent()) {
        alertmanager = Optional.of(new AlertmanagerSink(alerting.alertmanager().get(), clock, random, stats).start(DELIVERY_POLL));
      }
      if (alerting.remoteWrite().enabled()) {
        remoteWrite = Optional.of(new RemoteWriteSink(alerting.remoteWrite(), TonariServer.VERSION));
      }
    } catch (IOException | RuntimeException e) {
      notifier.ifPresent(Notifier::close);
      alertmanager.ifPresent(AlertmanagerSink::close);
      remoteWrite.ifPresent(RemoteWriteSink::close);
      throw e;
    }
    return new RulerWiring(config, store, rules, slos, history, clock, stats, silences, notifier, alertmanager, remoteWrite);
  }

  /**
   * Evaluates in a cluster: only the tenants whose {@code ruler/<tenant>} lease this process holds,
   * alert states in the catalog (written under the lease's generation, so a ruler that lost a
   * tenant cannot overwrite its next holder), alerts through the catalog's outbox. Before {@link
   * #startRuler}.
   */
  synchronized RulerWiring inCluster(ClusterWiring wiring) {
    if (wiring.rulerLeases().isEmpty()) {
      throw new IllegalArgumentException("cluster role " + wiring.role().configName() + " of node " + wiring.nodeId() + " has no ruler leases");
    }
    this.cluster = Optional.of(wiring);
    return this;
  }

  /** Starts evaluating; {@code serverUrl} is the links' base when {@code ruler.external_url} is not set. */
  synchronized void startRuler(String serverUrl) throws IOException {
    if (ruler != null) {
      return;
    }
    EvaluationSettings settings = config.ruler().rules().evaluation();
    if (settings.externalUrl().isEmpty()) {
      settings = settings.withExternalUrl(serverUrl);
    }
    Optional<RulerLeases> leases = cluster.flatMap(ClusterWiring::rulerLeases);
    // In a cluster the alert sink is left unused: the catalog state store queues every alert in the outbox instead.
    AlertStateStore states = leases.isPresent() ? new CatalogAlertStateStore(cluster.get().catalog(), leases.get())
        : new AlertStateDirectory(config.dataDir().resolve("rules").resolve("state"));
    TenantAssignment assignment = leases.isPresent() ? leases.get() : TenantAssignment.ALL;
    Ruler started = new Ruler(settings, List.of(rules, SloRuleSource.over(slos)), querier, alertSink(), sampleSink(), history, clock, states, assignment);
    if (leases.isPresent()) {
      leases.get().addChangeListener(started::sync);
      OutboxDispatcher dispatcher = new OutboxDispatcher(cluster.get().catalog(), leases.get().memberId(), alertSink(), OUTBOX_CLAIM);
      dispatcher.start(DELIVERY_POLL);
      outbox = dispatcher;
    }
    rules.addChangeListener(started::sync);
    started.start();
    ruler = started;
    log.info("ruler started: {} tenants with rules, alerts to {}{}{}", rules.tenants().size(),
        alertmanager.isPresent() ? "Alertmanager " + config.ruler().alerting().alertmanager().get().urls() : "no Alertmanager",
        notifier.isPresent() ? ", the notifier (" + config.ruler().alerting().notificationsDirectory().get() + ")" : "",
        remoteWrite.isPresent() ? ", samples by remote write to " + remoteWrite.get().clientNames() : "");
  }

  private AlertSink alertSink() {
    List<AlertSink> sinks = new ArrayList<>();
    alertmanager.ifPresent(sinks::add);
    notifier.ifPresent(sinks::add);
    return new AlertFanout(sinks);
  }

  /** Without remote write, recording rules are evaluated (their health shows in the API) and their samples dropped, as in Loki. */
  private SampleSink sampleSink() {
    if (remoteWrite.isPresent()) {
      return remoteWrite.get();
    }
    return (tenant, samples) -> log.debug("tenant {}: {} recorded samples dropped, no ruler.remote_write client", tenant, samples.size());
  }

  /** The running ruler; empty until {@link #startRuler}. */
  Optional<Ruler> ruler() {
    return Optional.ofNullable(ruler);
  }

  SilenceStore silences() {
    return silences;
  }

  Optional<Notifier> notifier() {
    return notifier;
  }

  DeliveryStats deliveryStats() {
    return deliveryStats;
  }

  Optional<RemoteWriteSink> remoteWrite() {
    return remoteWrite;
  }

  LogqlQuerier querier() {
    return querier;
  }

  /** Stops the ruler first (no new alerts), then delivery, which sends what it can within its bounds. */
  @Override
  public synchronized void close() {
    try {
      if (ruler != null) {
        ruler.close();
      }
      if (outbox != null) {
        outbox.close();
      }
    } finally {
      notifier.ifPresent(Notifier::close);
      alertmanager.ifPresent(AlertmanagerSink::close);
      remoteWrite.ifPresent(RemoteWriteSink::close);
    }
  }
}
