package dev.tonari.rules;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The server config's {@code ruler} section as far as rule storage and evaluation go, named as
 * Loki's {@code ruler} block names its keys. Delivery keys of the same section ({@code
 * alertmanager_url}, {@code alertmanager_client}, {@code notifications_dir}, {@code remote_write})
 * are read by the server into the alerts module's and the remote-write client's own settings.
 *
 * @param rulesDirectory {@code rules_dir}: reviewed rule files as {@code <dir>/<tenant>/<namespace>.yaml};
 *     empty for none
 * @param apiEnabled {@code enable_api}: whether the rules API may create, replace and delete rule
 *     groups (reads are always served, so Grafana shows file rules too)
 * @param pollInterval {@code poll_interval}: how often the rules directory is checked for changes
 * @param evaluationInterval {@code evaluation_interval}: the interval of groups that set none (default 1m)
 * @param resendDelay {@code resend_delay}: how often a firing alert is sent again (default 1m)
 * @param externalUrl {@code external_url}: the base of the alerts' {@code generatorURL} (Grafana's or
 *     Tonari's address as users reach it); empty takes the server's own address
 * @param externalLabels {@code external_labels}: labels added to every alert, as Prometheus' global
 *     {@code external_labels}, and {@code $externalLabels} in templates
 */
public record RulerSettings(Optional<Path> rulesDirectory, boolean apiEnabled, Duration pollInterval, Duration evaluationInterval,
    Duration resendDelay, Optional<String> externalUrl, Map<String, String> externalLabels) {
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_RESEND_DELAY = Duration.ofMinutes(1);

  public RulerSettings {
    Objects.requireNonNull(rulesDirectory, "rulesDirectory");
    Objects.requireNonNull(externalUrl, "externalUrl");
    positive("ruler.poll_interval", pollInterval);
    positive("ruler.evaluation_interval", evaluationInterval);
    positive("ruler.resend_delay", resendDelay);
    externalLabels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(externalLabels));
  }

  private static void positive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }

  /** No rules directory, the API on, the directory polled every 10 s, groups every minute, resent every minute. */
  public static RulerSettings defaults() {
    return new RulerSettings(Optional.empty(), true, DEFAULT_POLL_INTERVAL, DEFAULT_EVALUATION_INTERVAL, DEFAULT_RESEND_DELAY, Optional.empty(),
        Map.of());
  }

  public RulerSettings withRulesDirectory(Path directory) {
    return new RulerSettings(Optional.of(directory), apiEnabled, pollInterval, evaluationInterval, resendDelay, externalUrl, externalLabels);
  }

  public RulerSettings withApiEnabled(boolean enabled) {
    return new RulerSettings(rulesDirectory, enabled, pollInterval, evaluationInterval, resendDelay, externalUrl, externalLabels);
  }

  public RulerSettings withPollInterval(Duration interval) {
    return new RulerSettings(rulesDirectory, apiEnabled, interval, evaluationInterval, resendDelay, externalUrl, externalLabels);
  }

  public RulerSettings withEvaluationInterval(Duration interval) {
    return new RulerSettings(rulesDirectory, apiEnabled, pollInterval, interval, resendDelay, externalUrl, externalLabels);
  }

  public RulerSettings withResendDelay(Duration delay) {
    return new RulerSettings(rulesDirectory, apiEnabled, pollInterval, evaluationInterval, delay, externalUrl, externalLabels);
  }

  public RulerSettings withExternalUrl(String url) {
    return new RulerSettings(rulesDirectory, apiEnabled, pollInterval, evaluationInterval, resendDelay, Optional.of(url), externalLabels);
  }

  public RulerSettings withExternalLabels(Map<String, String> labels) {
    return new RulerSettings(rulesDirectory, apiEnabled, pollInterval, evaluationInterval, resendDelay, externalUrl, labels);
  }
}
