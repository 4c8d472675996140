package dev.tonari.alerts.toil;

import dev.tonari.alerts.history.AlertEpisode;
import dev.tonari.alerts.history.AlertHistory;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** Toil reports over an {@link AlertHistory}, with each team's settings from its notification config. */
public final class ToilReports {
  private final AlertHistory history;
  private final ToilSettingsFiles settings;

  public ToilReports(AlertHistory history, ToilSettingsFiles settings) {
    this.history = history;
    this.settings = settings;
  }

  /**
   * The team's toil over {@code from..to} (end excluded), reading its episodes from one flapping
   * window earlier so that a flap at the start of the period is seen.
   */
  public ToilReport report(String tenant, Instant from, Instant to, int topRules) throws IOException {
    ToilSettingsFiles.Loaded loaded = settings.settingsFor(tenant);
    ToilSettings team = loaded.settings();
    List<AlertEpisode> episodes = history.episodes(tenant, from.minus(team.flappingWindow()), to);
    List<String> problems = loaded.problems().stream().map(problem -> problem.format()).toList();
    return ToilCalculator.compute(tenant, episodes, team, problems, from, to, topRules);
  }

  /** The team's settings as the reports use them. */
  public ToilSettingsFiles.Loaded settingsFor(String tenant) {
    return settings.settingsFor(tenant);
  }

  public AlertHistory history() {
    return history;
  }
}
