package dev.tonari.slo.engine;

import dev.tonari.slo.model.PrometheusEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's {@code slo} configuration section.
 *
 * @param directory {@code slo.dir}: SLO files as code, {@code <dir>/<tenant>/*.yaml}; empty for none
 * @param reloadInterval {@code slo.reload_interval}: how often that directory is checked for changes
 * @param atRiskShare {@code slo.policy.at_risk_below}: budget left under this share makes the policy
 *     {@code at_risk} (default 0.25)
 * @param prometheus {@code slo.prometheus}: the Prometheus-compatible API for PromQL SLIs of tenants
 *     that name no {@code DataSource} and have none in the tenants file
 * @param prometheusTimeout {@code slo.prometheus_timeout}: one query's time limit (default 10 s)
 * @param lateness {@code slo.lateness}: how many recent minutes each evaluation reads again, for
 *     lines that arrive late (default 5 m)
 */
public record SloSettings(Optional<Path> directory, Duration reloadInterval, double atRiskShare, Optional<PrometheusEndpoint> prometheus,
    Duration prometheusTimeout, Duration lateness) {
  public static final double DEFAULT_AT_RISK_SHARE = 0.25;

  public SloSettings {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(prometheus, "prometheus");
    if (!(atRiskShare > 0 && atRiskShare < 1)) {
      throw new IllegalArgumentException("slo.policy.at_risk_below must be in (0, 1), got " + atRiskShare);
    }
    if (reloadInterval.isNegative() || reloadInterval.isZero()) {
      throw new IllegalArgumentException("slo.reload_interval must be positive, got " + reloadInterval);
    }
    if (prometheusTimeout.isNegative() || prometheusTimeout.isZero()) {
      throw new IllegalArgumentException("slo.prometheus_timeout must be positive, got " + prometheusTimeout);
    }
    if (lateness.isNegative() || lateness.toSeconds() % 60 != 0 || lateness.toMinutes() > 60) {
      throw new IllegalArgumentException("slo.lateness must be whole minutes between 0 and 60, got " + lateness);
    }
  }

  public static SloSettings defaults() {
    return new SloSettings(Optional.empty(), Duration.ofSeconds(10), DEFAULT_AT_RISK_SHARE, Optional.empty(), Duration.ofSeconds(10),
        Duration.ofMinutes(5));
  }

  public SloSettings withDirectory(Path dir) {
    return new SloSettings(Optional.of(dir), reloadInterval, atRiskShare, prometheus, prometheusTimeout, lateness);
  }
}
