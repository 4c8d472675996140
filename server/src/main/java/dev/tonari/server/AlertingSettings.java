package dev.tonari.server;

import dev.tonari.alerts.delivery.alertmanager.AlertmanagerClientConfig;
import dev.tonari.rules.remotewrite.RemoteWriteSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The delivery keys of the server config's {@code ruler} section: where the ruler's alerts and
 * samples go, and how long their history is kept.
 *
 * @param alertmanager {@code alertmanager_url} and {@code alertmanager_client}: the Alertmanagers
 *     every tenant's alerts are posted to; empty for none
 * @param notificationsDirectory {@code notifications_dir}: each team's routes, receivers and toil
 *     settings as {@code <dir>/<tenant>.yaml} (Alertmanager's configuration format); empty for none
 * @param remoteWrite {@code remote_write}: where recording rules' samples are written
 * @param historyRetention {@code history_retention}: how long alert state changes are kept (default 400 days)
 */
public record AlertingSettings(Optional<AlertmanagerClientConfig> alertmanager, Optional<Path> notificationsDirectory,
    RemoteWriteSettings remoteWrite, Duration historyRetention) {
  public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofDays(400);

  public AlertingSettings {
    Objects.requireNonNull(alertmanager, "alertmanager");
    Objects.requireNonNull(notificationsDirectory, "notificationsDirectory");
    Objects.requireNonNull(remoteWrite, "remoteWrite");
    if (historyRetention.isNegative() || historyRetention.isZero()) {
      throw new IllegalArgumentException("ruler.history_retention must be positive, got " + historyRetention);
    }
  }

  public static AlertingSettings defaults() {
    return new AlertingSettings(Optional.empty(), Optional.empty(), RemoteWriteSettings.disabled(), DEFAULT_HISTORY_RETENTION);
  }

  public AlertingSettings withAlertmanager(AlertmanagerClientConfig config) {
    return new AlertingSettings(Optional.of(config), notificationsDirectory, remoteWrite, historyRetention);
  }

  public AlertingSettings withNotificationsDirectory(Path directory) {
    return new AlertingSettings(alertmanager, Optional.of(directory), remoteWrite, historyRetention);
  }

  public AlertingSettings withRemoteWrite(RemoteWriteSettings settings) {
    return new AlertingSettings(alertmanager, notificationsDirectory, settings, historyRetention);
  }

  public AlertingSettings withHistoryRetention(Duration retention) {
    return new AlertingSettings(alertmanager, notificationsDirectory, remoteWrite, retention);
  }
}
