package dev.tonari.rules.eval;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the ruler evaluates and sends: the evaluation keys of the server config's {@code ruler}
 * section ({@link dev.tonari.rules.RulerSettings#evaluation()}).
 *
 * @param evaluationInterval {@code ruler.evaluation_interval}: the interval of groups that set
 *     none (Prometheus' {@code evaluation_interval}, default 1m)
 * @param resendDelay {@code ruler.resend_delay}: how long to wait before sending a firing alert
 *     again (Prometheus' {@code --rules.alert.resend-delay}, default 1m)
 * @param externalUrl {@code ruler.external_url}: where links in alerts point (the Grafana in front
 *     of Tonari, for {@code generatorURL}); also {@code $externalURL} in templates. A trailing
 *     slash is dropped, as Prometheus does
 * @param externalLabels {@code ruler.external_labels}: {@code $externalLabels} in templates
 * @param grafanaDatasourceUid {@code ruler.datasource_uid}: the Grafana data source that the
 *     generator URL's Explore link opens (Loki's {@code ruler.datasource_uid}); empty leaves the
 *     choice to Grafana
 * @param outageTolerance {@code ruler.for_outage_tolerance}: pending and firing alerts saved
 *     longer ago than this are not restored at start (Prometheus' {@code
 *     --rules.alert.for-outage-tolerance}, default 1h)
 * @param syncInterval how often the scheduler reads the rule sources again for changed rules
 * @param sharedScanBytes the most line bytes one evaluation cycle of a tenant may hold to share
 *     a stream selector's scan between rules; a scan that would exceed it is read per rule instead
 */
public record EvaluationSettings(Duration evaluationInterval, Duration resendDelay, String externalUrl, Map<String, String> externalLabels,
    Optional<String> grafanaDatasourceUid, Duration outageTolerance, Duration syncInterval, long sharedScanBytes) {
  public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_RESEND_DELAY = Duration.ofMinutes(1);
  public static final Duration DEFAULT_OUTAGE_TOLERANCE = Duration.ofHours(1);
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(10);
  public static final long DEFAULT_SHARED_SCAN_BYTES = 256L << 20;

  public EvaluationSettings {
    Objects.requireNonNull(externalUrl, "externalUrl");
    Objects.requireNonNull(grafanaDatasourceUid, "grafanaDatasourceUid");
    requirePositive("evaluation_interval", evaluationInterval);
    requirePositive("resend_delay", resendDelay);
    requirePositive("for_outage_tolerance", outageTolerance);
    requirePositive("sync interval", syncInterval);
    if (sharedScanBytes < 0) {
      throw new IllegalArgumentException("ruler: the shared scan budget must not be negative, got " + sharedScanBytes);
    }
    while (externalUrl.endsWith("/")) {
      externalUrl = externalUrl.substring(0, externalUrl.length() - 1);
    }
    externalLabels = Collections.unmodifiableMap(new TreeMap<>(externalLabels));
  }

  /** Prometheus' defaults, with this external URL. */
  public static EvaluationSettings defaults(String externalUrl) {
    return new EvaluationSettings(DEFAULT_EVALUATION_INTERVAL, DEFAULT_RESEND_DELAY, externalUrl, Map.of(), Optional.empty(), DEFAULT_OUTAGE_TOLERANCE,
        DEFAULT_SYNC_INTERVAL, DEFAULT_SHARED_SCAN_BYTES);
  }

  public EvaluationSettings withEvaluationInterval(Duration interval) {
    return new EvaluationSettings(interval, resendDelay, externalUrl, externalLabels, grafanaDatasourceUid, outageTolerance, syncInterval, sharedScanBytes);
  }

  public EvaluationSettings withExternalUrl(String url) {
    return new EvaluationSettings(evaluationInterval, resendDelay, url, externalLabels, grafanaDatasourceUid, outageTolerance, syncInterval, sharedScanBytes);
  }

  public EvaluationSettings withDatasourceUid(String uid) {
    return new EvaluationSettings(evaluationInterval, resendDelay, externalUrl, externalLabels, Optional.of(uid), outageTolerance, syncInterval,
        sharedScanBytes);
  }

  public EvaluationSettings withOutageTolerance(Duration tolerance) {
    return new EvaluationSettings(evaluationInterval, resendDelay, externalUrl, externalLabels, grafanaDatasourceUid, tolerance, syncInterval,
        sharedScanBytes);
  }

  public EvaluationSettings withResendDelay(Duration delay) {
    return new EvaluationSettings(evaluationInterval, delay, externalUrl, externalLabels, grafanaDatasourceUid, outageTolerance, syncInterval, sharedScanBytes);
  }

  public EvaluationSettings withExternalLabels(Map<String, String> labels) {
    return new EvaluationSettings(evaluationInterval, resendDelay, externalUrl, labels, grafanaDatasourceUid, outageTolerance, syncInterval, sharedScanBytes);
  }

  public EvaluationSettings withSyncInterval(Duration interval) {
    return new EvaluationSettings(evaluationInterval, resendDelay, externalUrl, externalLabels, grafanaDatasourceUid, outageTolerance, interval, sharedScanBytes);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("ruler: " + name + " must be positive, got " + value);
    }
  }
}
