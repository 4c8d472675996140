package dev.tonari.server;

import dev.tonari.rules.RulerSettings;
import java.util.Objects;

/**
 * The server config's {@code ruler} section: Loki's one block for rules and their delivery, read
 * into the rules module's settings (storage, evaluation) and the delivery settings.
 */
public record RulerConfig(RulerSettings rules, AlertingSettings alerting) {
  public RulerConfig {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(alerting, "alerting");
  }

  public static RulerConfig defaults() {
    return new RulerConfig(RulerSettings.defaults(), AlertingSettings.defaults());
  }

  public RulerConfig withRules(RulerSettings settings) {
    return new RulerConfig(settings, alerting);
  }

  public RulerConfig withAlerting(AlertingSettings settings) {
    return new RulerConfig(rules, settings);
  }
}
