package dev.tonari.alerts.delivery.notify;

import dev.tonari.alerts.delivery.DeliveryStats;
import dev.tonari.alerts.delivery.RetryPolicy;
import dev.tonari.alerts.delivery.config.NotificationConfigStore;
import dev.tonari.alerts.delivery.silence.SilenceStore;
import dev.tonari.rules.alert.OutgoingAlert;
import dev.tonari.tenancy.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

/** A notifier on a temporary state directory, a config directory and a clock the test moves. */
final class NotifierFixture implements AutoCloseable {
  static final String TENANT = "acme";
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final RetryPolicy RETRY = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 0.2, 3);

  final Path root;
  final MutableClock clock = new MutableClock(T0);
  final NotificationConfigStore configs;
  final SilenceStore silences;
  final DeliveryStats stats = new DeliveryStats();
  Notifier notifier;

  NotifierFixture(Path root, String config) throws IOException {
    this.root = root;
    Files.createDirectories(root.resolve("notifications"));
    writeConfig(config);
    configs = new NotificationConfigStore(root.resolve("notifications"));
    configs.reload();
    silences = new SilenceStore(root.resolve("silences"), clock);
    notifier = open();
  }

  void writeConfig(String config) throws IOException {
    Files.writeString(root.resolve("notifications").resolve(TENANT + ".yaml"), config);
  }

  Notifier open() throws IOException {
    return new Notifier(configs, silences, root.resolve("state"), new NotifierSettings("http://tonari.example", RETRY, Duration.ofSeconds(5), 100, Duration.ofSeconds(10)),
        clock, new Random(42), stats);
  }

  /** Closes the notifier and opens a new one on the same state, as a restart does. */
  void restart() throws IOException {
    notifier.close();
    notifier = open();
  }

  /** Sets the clock, then ticks and drains at that instant. */
  int tickAndDrain(Instant at) {
    clock.set(at);
    notifier.tick(at);
    return notifier.drain(at);
  }

  static OutgoingAlert firing(String name, Map<String, String> labels, Instant startsAt) {
    java.util.Map<String, String> all = new java.util.TreeMap<>(labels);
    all.put("alertname", name);
    return new OutgoingAlert(all, Map.of("summary", name + " on " + labels.getOrDefault("job", "?")), startsAt, startsAt.plus(Duration.ofHours(6)),
        "http://tonari.example/explore?expr=" + name);
  }

  static OutgoingAlert resolved(OutgoingAlert alert, Instant at) {
    return new OutgoingAlert(alert.labels(), alert.annotations(), alert.startsAt(), at, alert.generatorUrl());
  }

  static String webhookConfig(String url, boolean sendResolved, String groupBy) {
    return """
        route:
          receiver: hook
          group_by: %s
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs:
              - url: %s
                send_resolved: %s
        """.formatted(groupBy, url, sendResolved);
  }

  @Override
  public void close() {
    notifier.close();
  }
}
