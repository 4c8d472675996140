package dev.tonari.alerts.delivery.notify;

import dev.tonari.alerts.delivery.DeliveryWorker;
import dev.tonari.alerts.delivery.DeliveryStats;
import dev.tonari.alerts.delivery.HttpDelivery;
import dev.tonari.alerts.delivery.config.Integration;
import dev.tonari.alerts.delivery.config.NotificationConfig;
import dev.tonari.alerts.delivery.config.NotificationConfigStore;
import dev.tonari.alerts.delivery.config.Receiver;
import dev.tonari.alerts.delivery.config.Route;
import dev.tonari.alerts.delivery.receiver.GoogleChatMessage;
import dev.tonari.alerts.delivery.receiver.RenderedRequest;
import dev.tonari.alerts.delivery.receiver.SlackMessage;
import dev.tonari.alerts.delivery.receiver.WebhookMessage;
import dev.tonari.alerts.delivery.silence.SilenceStore;
import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.alert.OutgoingAlert;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in notifier: Alertmanager's routing, grouping, silencing and deduplication, delivering
 * straight to Slack, Google Chat and webhooks from each tenant's notification config.
 *
 * <p>{@link #send} only queues. {@link #tick} takes the queued alerts into aggregation groups
 * (route plus group labels), and flushes the groups that are due exactly as Alertmanager's
 * dispatcher and notification pipeline do: silenced alerts are left out; a receiver integration
 * is notified when an alert fires that it was not told of, when (with {@code send_resolved}) an
 * alert resolved that it was not told of, when everything it was told of has resolved, or when
 * {@code repeat_interval} has passed since it was last notified; resolved alerts leave the group
 * after the flush. {@link #drain} sends what is due in the outbox.
 *
 * <p>Exactly once across restarts, as far as a crash allows: a notification is written to the
 * {@link Outbox} before anything is sent, and the {@link NotificationLog} entry it stands for is
 * persisted before the item can be sent; at start the log is brought up to date from the outbox's
 * items (in case a crash came between the two writes). So a restart neither sends a notification
 * again (the log knows it) nor loses one (the outbox has it). The one window left is a crash after
 * a receiver accepted a request and before its item was deleted: that notification is sent again.
 *
 * <p>{@link #start} runs reload, tick and drain on a daemon thread; tests call them directly with
 * the instant they want.
 */
public final class Notifier implements AlertSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private final NotificationConfigStore configs;
  private final SilenceStore silences;
  private final NotifierSettings settings;
  private final Clock clock;
  private final RandomGenerator random;
  private final DeliveryStats stats;
  private final NotificationLog log;
  private final Outbox outbox;
  private final OutboxSender sender;
  private final ArrayDeque<Map.Entry<String, List<OutgoingAlert>>> incoming = new ArrayDeque<>();
  private final Map<String, TenantGroups> tenants = new HashMap<>();
  private DeliveryWorker worker;

  /** A tenant's groups under the config they were routed with. */
  private static final class TenantGroups {
    NotificationConfig config;
    final Map<String, AggregationGroup> groups = new LinkedHashMap<>();

    TenantGroups(NotificationConfig config) {
      this.config = config;
    }
  }

  /**
   * @param stateDirectory holds {@code outbox/} and {@code nflog/}
   * @throws IOException when the state cannot be read or created
   */
  public Notifier(NotificationConfigStore configs, SilenceStore silences, Path stateDirectory, NotifierSettings settings, Clock clock, RandomGenerator random,
      DeliveryStats stats) throws IOException {
    this.configs = configs;
    this.silences = silences;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.stats = stats;
    this.log = new NotificationLog(stateDirectory.resolve("nflog"));
    this.outbox = new Outbox(stateDirectory.resolve("outbox"));
    for (OutboxItem item : outbox.all()) {
      log.putIfNewer(item.tenant(), item.receiverKey(), item.groupKey(), item.logEntry());
    }
    log.persist(clock.instant());
    this.sender = new OutboxSender(outbox, new HttpDelivery(settings.requestTimeout(), clock), settings.retry(), random, stats);
  }

  @Override
  public void send(String tenant, List<OutgoingAlert> alerts) {
    if (alerts.isEmpty()) {
      return;
    }
    boolean dropped = false;
    synchronized (incoming) {
      if (incoming.size() >= settings.incomingCapacity()) {
        Map.Entry<String, List<OutgoingAlert>> oldest = incoming.pollFirst();
        stats.recordDropped("notifier", oldest.getValue().size());
        dropped = true;
      }
      incoming.addLast(Map.entry(tenant, List.copyOf(alerts)));
    }
    if (dropped) {
      LOG.warn("notifier: {} alert batches are waiting; dropped the oldest to take tenant {}'s", settings.incomingCapacity(), tenant);
    }
  }

  /**
   * Takes the queued alerts into their groups and flushes the groups due at {@code now}.
   *
   * @return how many notifications were put in the outbox
   */
  public synchronized int tick(Instant now) {
    List<Map.Entry<String, List<OutgoingAlert>>> batches;
    synchronized (incoming) {
      batches = new ArrayList<>(incoming);
      incoming.clear();
    }
    refreshConfigs(now);
    for (Map.Entry<String, List<OutgoingAlert>> batch : batches) {
      Optional<NotificationConfig> config = configs.forTenant(batch.getKey());
      if (config.isEmpty()) {
        continue;
      }
      TenantGroups groups = tenants.computeIfAbsent(batch.getKey(), tenant -> new TenantGroups(config.get()));
      for (OutgoingAlert alert : batch.getValue()) {
        insert(batch.getKey(), groups, alert, now);
      }
    }
    List<OutboxItem> written = new ArrayList<>();
    for (Map.Entry<String, TenantGroups> tenant : tenants.entrySet()) {
      for (Iterator<AggregationGroup> iterator = tenant.getValue().groups.values().iterator(); iterator.hasNext();) {
        AggregationGroup group = iterator.next();
        if (group.nextFlush.isAfter(now)) {
          continue;
        }
        flush(tenant.getValue().config, group, now, written);
        if (group.alerts.isEmpty()) {
          iterator.remove();
        }
      }
    }
    try {
      log.persist(now);
    } catch (IOException e) {
      // The items are on disk and carry their log entries: the log is rebuilt from them at start.
      LOG.error("notifier: cannot write the notification log; it will be rebuilt from the outbox at the next start", e);
    }
    outbox.publish(written);
    return written.size();
  }

  /** A tenant whose config changed has its alerts routed again under the new one. */
  private void refreshConfigs(Instant now) {
    for (Iterator<Map.Entry<String, TenantGroups>> iterator = tenants.entrySet().iterator(); iterator.hasNext();) {
      Map.Entry<String, TenantGroups> tenant = iterator.next();
      Optional<NotificationConfig> current = configs.forTenant(tenant.getKey());
      if (current.isEmpty()) {
        iterator.remove();
      } else if (current.get() != tenant.getValue().config) {
        List<OutgoingAlert> alerts = new ArrayList<>();
        Map<String, OutgoingAlert> unique = new LinkedHashMap<>();
        tenant.getValue().groups.values().forEach(group -> unique.putAll(group.alerts));
        alerts.addAll(unique.values());
        tenant.getValue().groups.clear();
        tenant.getValue().config = current.get();
        for (OutgoingAlert alert : alerts) {
          insert(tenant.getKey(), tenant.getValue(), alert, now);
        }
      }
    }
  }

  private static void insert(String tenant, TenantGroups groups, OutgoingAlert alert, Instant now) {
    for (Route route : groups.config.route().match(alert.labels())) {
      Map<String, String> groupLabels = route.groupLabels(alert.labels());
      String key = AggregationGroup.key(route, groupLabels);
      groups.groups.computeIfAbsent(key, k -> new AggregationGroup(tenant, route, groupLabels, now)).insert(alert, now);
    }
  }

  private void flush(NotificationConfig config, AggregationGroup group, Instant now, List<OutboxItem> written) {
    group.flushed = true;
    group.nextFlush = now.plus(group.route.groupInterval());
    List<OutgoingAlert> unmuted = new ArrayList<>();
    for (OutgoingAlert alert : group.alerts.values()) {
      if (!silenced(group.tenant, alert, now)) {
        unmuted.add(alert);
      }
    }
    Set<String> firing = new HashSet<>();
    Set<String> resolved = new HashSet<>();
    for (OutgoingAlert alert : unmuted) {
      (alert.resolvedAt(now) ? resolved : firing).add(alert.fingerprint());
    }
    Receiver receiver = config.receiver(group.route.receiver());
    boolean allQueued = true;
    for (int index = 0; index < receiver.integrations().size(); index++) {
      Integration integration = receiver.integrations().get(index);
      String receiverKey = receiver.name() + "/" + integration.type() + "/" + index;
      Optional<NotificationLog.Entry> entry = log.get(group.tenant, receiverKey, group.groupKey);
      if (!needsUpdate(entry, firing, resolved, integration.sendResolved(), group.route.repeatInterval(), now)) {
        continue;
      }
      NotificationLog.Entry logEntry = new NotificationLog.Entry(firing, resolved, now);
      List<OutgoingAlert> alerts = integration.sendResolved() ? unmuted : unmuted.stream().filter(alert -> !alert.resolvedAt(now)).toList();
      if (!alerts.isEmpty()) {
        Notification notification = new Notification(group.tenant, receiver.name(), group.groupKey, group.groupLabels, alerts, now, settings.externalUrl());
        OutboxItem item = new OutboxItem(newId(now), group.tenant, receiverKey, integration.type(), group.groupKey, render(integration, notification), now, 0, now, "",
            logEntry);
        try {
          outbox.write(item);
          written.add(item);
        } catch (IOException e) {
          allQueued = false;
          stats.recordFailedAttempt(integration.type());
          LOG.error("notifier: cannot write the outbox item for tenant {} receiver {} group {}; trying again at the next group interval", group.tenant,
              receiverKey, group.groupKey, e);
          continue;
        }
      }
      log.put(group.tenant, receiverKey, group.groupKey, logEntry);
    }
    if (allQueued) {
      group.alerts.values().removeIf(alert -> alert.resolvedAt(now));
    }
  }

  /** Alertmanager's {@code DedupStage.needsUpdate}. */
  static boolean needsUpdate(Optional<NotificationLog.Entry> previous, Set<String> firing, Set<String> resolved, boolean sendResolved, Duration repeat,
      Instant now) {
    if (previous.isEmpty()) {
      return !firing.isEmpty();
    }
    NotificationLog.Entry entry = previous.get();
    if (!entry.firingIncludes(firing)) {
      return true;
    }
    if (firing.isEmpty()) {
      // Everything resolved: tell the receiver if it was told something fired (also clears the log).
      return !entry.firing().isEmpty();
    }
    if (sendResolved && !entry.resolvedIncludes(resolved)) {
      return true;
    }
    return entry.timestamp().isBefore(now.minus(repeat));
  }

  private boolean silenced(String tenant, OutgoingAlert alert, Instant now) {
    try {
      return silences.silencing(tenant, alert.labels(), now).isPresent();
    } catch (IOException e) {
      // Better a notification too many than an alert lost because the silences cannot be read.
      LOG.error("notifier: cannot read the silences of tenant {}; notifying {} unsilenced", tenant, alert.alertName(), e);
      return false;
    }
  }

  private static RenderedRequest render(Integration integration, Notification notification) {
    return switch (integration) {
      case Integration.Slack slack -> SlackMessage.render(slack, notification);
      case Integration.Webhook webhook -> WebhookMessage.render(webhook, notification);
      case Integration.GoogleChat chat -> GoogleChatMessage.render(chat, notification);
    };
  }

  private String newId(Instant now) {
    long bits;
    synchronized (random) {
      bits = random.nextLong();
    }
    return String.format("%013d-%016x", now.toEpochMilli(), bits);
  }

  /** Sends the outbox items due at {@code now}; returns how many were delivered. */
  public int drain(Instant now) {
    return sender.drain(now);
  }

  /** Notifications of the tenant waiting to be sent (first attempt or retry). */
  public List<OutboxItem> pending(String tenant) {
    return outbox.pending(tenant);
  }

  /** Notifications of the tenant that were given up, with their last error. */
  public List<OutboxItem> deadLetters(String tenant) {
    return outbox.deadLetters(tenant);
  }

  /** Sends a dead letter again (attempts start over), at the next drain; false if there is no such dead letter. */
  public boolean retryDeadLetter(String id) throws IOException {
    return outbox.revive(id, clock.instant()).isPresent();
  }

  /** Forgets a dead letter; false if there is no such dead letter. */
  public boolean discard(String id) throws IOException {
    return outbox.discard(id);
  }

  public DeliveryStats stats() {
    return stats;
  }

  /** Groups held now for the tenant (for status pages and tests). */
  public synchronized int groupCount(String tenant) {
    TenantGroups groups = tenants.get(tenant);
    return groups == null ? 0 : groups.groups.size();
  }

  /** Reloads configs every {@link NotifierSettings#configReloadInterval()}, ticks and drains every {@code interval}. */
  public synchronized Notifier start(Duration interval) {
    if (worker != null) {
      throw new IllegalStateException("notifier already started");
    }
    Instant[] lastReload = {Instant.MIN};
    worker = DeliveryWorker.start("notifier", interval, settings.requestTimeout().plusSeconds(1), () -> {
      Instant now = clock.instant();
      if (!now.isBefore(lastReload[0].plus(settings.configReloadInterval()))) {
        configs.reload();
        lastReload[0] = now;
      }
      tick(now);
      drain(now);
    });
    return this;
  }

  @Override
  public synchronized void close() {
    if (worker != null) {
      worker.close();
      worker = null;
    }
    sender.close();
  }
}
