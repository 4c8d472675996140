package dev.tonari.server;

import dev.tonari.alerts.history.AlertHistory;
import dev.tonari.alerts.toil.ToilReports;
import dev.tonari.alerts.toil.ToilSettingsFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the alert history of a server ({@code <data_dir>/alerts/history}) and the toil reports
 * over it, with each team's {@code toil} settings from {@code <notifications dir>/<tenant>.yaml}.
 * The ruler hands its transitions to {@link #history()}.
 */
final class AlertHistoryWiring implements AutoCloseable {
  private final AlertHistory history;
  private final ToilReports toil;

  private AlertHistoryWiring(AlertHistory history, ToilReports toil) {
    this.history = history;
    this.toil = toil;
  }

  /**
   * @param notificationsDirectory where the teams' notification configs are; empty gives every team
   *     the default toil settings
   */
  static AlertHistoryWiring open(Path dataDir, Optional<Path> notificationsDirectory, Duration retention, Clock clock) throws IOException {
    AlertHistory history = AlertHistory.open(historyDirectory(dataDir), retention, clock);
    return new AlertHistoryWiring(history, new ToilReports(history, new ToilSettingsFiles(notificationsDirectory)));
  }

  static Path historyDirectory(Path dataDir) {
    return dataDir.resolve("alerts").resolve("history");
  }

  AlertHistory history() {
    return history;
  }

  ToilReports toil() {
    return toil;
  }

  @Override
  public void close() throws IOException {
    history.close();
  }
}
