package dev.tonari.alerts.delivery.notify;

import dev.tonari.alerts.delivery.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * The notifier's knobs.
 *
 * @param externalUrl Tonari's address, for {@code .ExternalURL} and webhooks' {@code externalURL}
 * @param retry attempts and backoff of each notification before it becomes a dead letter
 * @param requestTimeout per HTTP request to a receiver
 * @param incomingCapacity alert batches {@code send} may hold before the next tick; past it the
 *     oldest batch is dropped (and counted), so {@code send} never blocks
 * @param configReloadInterval how often the background loop looks for changed config files
 */
public record NotifierSettings(String externalUrl, RetryPolicy retry, Duration requestTimeout, int incomingCapacity, Duration configReloadInterval) {
  public NotifierSettings {
    Objects.requireNonNull(externalUrl, "externalUrl");
    Objects.requireNonNull(retry, "retry");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("notifier request timeout must be positive, got " + requestTimeout);
    }
    if (incomingCapacity < 1) {
      throw new IllegalArgumentException("notifier incoming capacity must be at least 1, got " + incomingCapacity);
    }
  }

  /** Default retries, 10 s timeout, 10000 waiting batches, configs looked at every 10 s. */
  public static NotifierSettings defaults(String externalUrl) {
    return new NotifierSettings(externalUrl, RetryPolicy.DEFAULT, Duration.ofSeconds(10), 10_000, Duration.ofSeconds(10));
  }
}
