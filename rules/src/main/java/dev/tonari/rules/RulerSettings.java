package dev.tonari.rules;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The server config's {@code ruler} section, named as Loki's {@code ruler} block names its keys.
 *
 * <p>Keys others add here as the ruler grows (kept out until their code exists, so that no key is
 * accepted and ignored): {@code evaluation_interval} (default 1m), {@code resend_delay} (1m),
 * {@code alertmanager_url}, {@code external_url} and {@code remote_write}. Add them as components
 * with their defaults in {@link #defaults()}.
 *
 * @param rulesDirectory {@code rules_dir}: reviewed rule files as {@code <dir>/<tenant>/<namespace>.yaml};
 *     empty for none
 * @param apiEnabled {@code enable_api}: whether the rules API may create, replace and delete rule
 *     groups (reads are always served, so Grafana shows file rules too)
 * @param pollInterval {@code poll_interval}: how often the rules directory is checked for changes
 */
public record RulerSettings(Optional<Path> rulesDirectory, boolean apiEnabled, Duration pollInterval) {
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);

  public RulerSettings {
    Objects.requireNonNull(rulesDirectory, "rulesDirectory");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("ruler.poll_interval must be positive, got " + pollInterval);
    }
  }

  /** No rules directory, the API on, the directory polled every 10 s. */
  public static RulerSettings defaults() {
    return new RulerSettings(Optional.empty(), true, DEFAULT_POLL_INTERVAL);
  }

  public RulerSettings withRulesDirectory(Path directory) {
    return new RulerSettings(Optional.of(directory), apiEnabled, pollInterval);
  }

  public RulerSettings withApiEnabled(boolean enabled) {
    return new RulerSettings(rulesDirectory, enabled, pollInterval);
  }

  public RulerSettings withPollInterval(Duration interval) {
    return new RulerSettings(rulesDirectory, apiEnabled, interval);
  }
}
