package dev.tonari.slo.model;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One multi-window burn-rate condition: it holds while the burn rate over both the long and the
 * short window is at least {@code factor}, and fires once it has held for {@code alertAfter}.
 *
 * @param name a stable name within the SLO (for example {@code page-1h}), shown in the API
 * @param severity {@code page} or {@code ticket} (Sloth's {@code sloth_severity}); also any
 *     OpenSLO {@code severity}
 * @param longWindow the long window (1h for the fastest page on a 30-day SLO)
 * @param shortWindow the short window (5m for the fastest page on a 30-day SLO)
 * @param factor the burn-rate threshold (14.4 for the fastest page on a 30-day SLO)
 * @param alertAfter how long the condition must hold before it fires (Prometheus {@code for};
 *     OpenSLO {@code alertAfter}); zero fires at once
 * @param labels labels for this tier's alert (Sloth's {@code page_alert.labels} or
 *     {@code ticket_alert.labels})
 * @param annotations annotations for this tier's alert
 */
public record BurnRateTier(
    String name,
    String severity,
    Duration longWindow,
    Duration shortWindow,
    double factor,
    Duration alertAfter,
    Map<String, String> labels,
    Map<String, String> annotations) {
  public BurnRateTier {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(severity, "severity");
    if (longWindow.compareTo(shortWindow) < 0) {
      throw new IllegalArgumentException("the long window " + longWindow + " is shorter than the short window " + shortWindow);
    }
    if (!(factor > 0)) {
      throw new IllegalArgumentException("a burn-rate factor must be positive, got " + factor);
    }
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }
}
