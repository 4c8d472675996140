package dev.tonari.server;

import dev.tonari.alerts.delivery.AlertFanout;
import dev.tonari.alerts.delivery.DeliveryStats;
import dev.tonari.alerts.delivery.alertmanager.AlertmanagerSink;
import dev.tonari.alerts.delivery.config.NotificationConfigStore;
import dev.tonari.alerts.delivery.notify.Notifier;
import dev.tonari.alerts.delivery.notify.NotifierSettings;
import dev.tonari.alerts.delivery.silence.SilenceStore;
import dev.tonari.query.QueryLimits;
import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.alert.SampleSink;
import dev.tonari.rules.alert.TransitionListener;
import dev.tonari.rules.eval.EvaluationSettings;
import dev.tonari.rules.eval.LogqlQuerier;
import dev.tonari.rules.eval.Ruler;
import dev.tonari.rules.eval.SloRuleSource;
import dev.tonari.rules.remotewrite.RemoteWriteSink;
import dev.tonari.rules.store.RuleStore;
import dev.tonari.slo.engine.SloService;
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
 * <p>Delivery starts with the server; the ruler and the SLO engine start once the server listens
 * ({@link #start}), because the alerts' links default to the server's own address, which a config
 * with port 0 only knows then (and a cluster ruler advertises it to the other rulers).
 *
 * <p>On disk: {@code <data_dir>/rules/state} (alert states), {@code <data_dir>/alerts/notifier}
 * (outbox and notification log), {@code <data_dir>/alerts/silences}. A cluster's ruler ({@link
 * ClusterRulerShare}) evaluates only the tenants whose leases it holds and keeps their alert
 * states in the catalog; the ruler queues its alerts in the catalog's outbox with the state that
 * records them as sent, and every ruler delivers from that outbox to its own notifier and
 * Alertmanagers, so a tenant handed over is neither paged twice nor missed.
 */
final class RulerWiring implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RulerWiring.class);
  /** How often the delivery threads look for retries that are due. */
  private static final Duration DELIVERY_POLL = Duration.ofSeconds(1);

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
  private final Optional<ClusterRulerShare> share;
  private volatile Ruler ruler;
  private Optional<AutoCloseable> outbox = Optional.empty();

  private RulerWiring(ServerConfig config, LogStore store, RuleStore rules, SloService slos, TransitionListener history, Clock clock,
      DeliveryStats deliveryStats, SilenceStore silences, Optional<Notifier> notifier, Optional<AlertmanagerSink> alertmanager,
      Optional<RemoteWriteSink> remoteWrite, Optional<ClusterRulerShare> share) {
    this.config = config;
    this.share = share;
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

  /**
   * Opens delivery (silences, the notifier's outbox, the Alertmanager and remote-write clients); the ruler waits for {@link #start}.
   *
   * @param share a cluster ruler's share of the tenants (the one {@code slos} was built with); empty on a single node
   */
  static RulerWiring open(ServerConfig config, LogStore store, RuleStore rules, SloService slos, TransitionListener history, Clock clock,
      Optional<ClusterRulerShare> share) throws IOException {
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
    return new RulerWiring(config, store, rules, slos, history, clock, stats, silences, notifier, alertmanager, remoteWrite, share);
  }

  /**
   * Starts the SLO engine and the ruler; {@code serverUrl} is the links' base when {@code
   * ruler.external_url} is not set. A cluster's ruler first joins the other rulers for its share of
   * the tenants, then evaluates, then delivers from the outbox.
   */
  synchronized void start(String serverUrl) throws IOException {
    if (ruler != null) {
      return;
    }
    EvaluationSettings settings = config.ruler().rules().evaluation();
    if (settings.externalUrl().isEmpty()) {
      settings = settings.withExternalUrl(serverUrl);
    }
    List<dev.tonari.rules.model.RuleSource> sources = List.of(rules, SloRuleSource.over(slos));
    Ruler started;
    if (share.isEmpty()) {
      slos.start();
      started = new Ruler(settings, sources, querier, alertSink(), sampleSink(), history, clock, config.dataDir().resolve("rules").resolve("state"));
    } else {
      // The alert sink stays unused: the catalog's state store queues the alerts in the outbox, which delivers them to it.
      started = new Ruler(settings, sources, querier, alertSink(), sampleSink(), history, clock, share.get().alertStates(), share.get());
      share.get().start(rules::tenants, slos::tenants, started::sync);
    }
    rules.addChangeListener(started::sync);
    started.start();
    ruler = started;
    if (share.isPresent()) {
      slos.start();
      outbox = Optional.of(share.get().deliverOutbox(alertSink()));
    }
    log.info("ruler started: {} tenants with rules{}, alerts to {}{}{}", rules.tenants().size(),
        share.isPresent() ? " (this ruler evaluates the share of them its tenant leases give it)" : "",
        alertmanager.isPresent() ? "Alertmanager " + config.ruler().alerting().alertmanager().get().urls() : "no Alertmanager",
        notifier.isPresent() ? ", the notifier (" + config.ruler().alerting().notificationsDirectory().get() + ")" : "",
        remoteWrite.isPresent() ? ", samples by remote write to " + remoteWrite.get().clientNames() : "");
  }

  private static void closeOutbox(AutoCloseable outbox) {
    try {
      outbox.close();
    } catch (Exception e) {
      // What it claimed and did not deliver goes to another ruler once the claim expires.
      log.warn("stopping the ruler's outbox delivery failed: {}", e.getMessage(), e);
    }
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

  /** The running ruler; empty until {@link #start}. */
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

  /** Stops the ruler first (no new alerts), then the outbox, then delivery, which sends what it can within its bounds. */
  @Override
  public synchronized void close() {
    try {
      if (ruler != null) {
        ruler.close();
      }
    } finally {
      outbox.ifPresent(RulerWiring::closeOutbox);
      notifier.ifPresent(Notifier::close);
      alertmanager.ifPresent(AlertmanagerSink::close);
      remoteWrite.ifPresent(RemoteWriteSink::close);
    }
  }
}
