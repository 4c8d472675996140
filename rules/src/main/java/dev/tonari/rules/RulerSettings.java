package dev.tonari.rules;

import dev.tonari.rules.eval.EvaluationSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The server config's {@code ruler} section as far as rules go, named as Loki's {@code ruler} block
 * names its keys: where rules come from, and how they are evaluated. Delivery keys of the same
 * section ({@code alertmanager_url}, {@code alertmanager_client}, {@code notifications_dir},
 * {@code remote_write}) are read by the server into the alerts module's and the remote-write
 * client's own settings.
 *
 * @param rulesDirectory {@code rules_dir}: reviewed rule files as {@code <dir>/<tenant>/<namespace>.yaml};
 *     empty for none
 * @param apiEnabled {@code enable_api}: whether the rules API may create, replace and delete rule
 *     groups (reads are always served, so Grafana shows file rules too)
 * @param pollInterval {@code poll_interval}: how often the rules directory is checked for changes
 * @param evaluation {@code evaluation_interval}, {@code resend_delay}, {@code external_url} (empty:
 *     the server's own address), {@code external_labels}, {@code datasource_uid}, {@code
 *     for_outage_tolerance}
 */
public record RulerSettings(Optional<Path> rulesDirectory, boolean apiEnabled, Duration pollInterval, EvaluationSettings evaluation) {
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);

  public RulerSettings {
    Objects.requireNonNull(rulesDirectory, "rulesDirectory");
    Objects.requireNonNull(evaluation, "evaluation");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("ruler.poll_interval must be positive, got " + pollInterval);
    }
  }

  /** No rules directory, the API on, the directory polled every 10 s, Prometheus' evaluation defaults. */
  public static RulerSettings defaults() {
    return new RulerSettings(Optional.empty(), true, DEFAULT_POLL_INTERVAL, EvaluationSettings.defaults(""));
  }

  public RulerSettings withRulesDirectory(Path directory) {
    return new RulerSettings(Optional.of(directory), apiEnabled, pollInterval, evaluation);
  }

  public RulerSettings withApiEnabled(boolean enabled) {
    return new RulerSettings(rulesDirectory, enabled, pollInterval, evaluation);
  }

  public RulerSettings withPollInterval(Duration interval) {
    return new RulerSettings(rulesDirectory, apiEnabled, interval, evaluation);
  }

  public RulerSettings withEvaluation(EvaluationSettings settings) {
    return new RulerSettings(rulesDirectory, apiEnabled, pollInterval, settings);
  }
}
