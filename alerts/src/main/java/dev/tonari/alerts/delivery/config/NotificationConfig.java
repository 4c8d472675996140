package dev.tonari.alerts.delivery.config;

import dev.tonari.tenancy.config.YamlTree;
import java.util.Map;
import java.util.Optional;

/**
 * One tenant's notification config, in Alertmanager's own format (so teams reuse what they know):
 * {@code route}, {@code receivers} and {@code templates} (inline named templates), plus the
 * {@code toil} section that the alert history reads, passed through untouched.
 *
 * @param file where it was read from, for messages
 * @param route the routing tree
 * @param receivers by name
 * @param templates the inline named templates, by name
 * @param toil the raw {@code toil:} section, if any
 */
public record NotificationConfig(String file, Route route, Map<String, Receiver> receivers, Map<String, String> templates, Optional<YamlTree.Node> toil) {
  public NotificationConfig {
    receivers = Map.copyOf(receivers);
    templates = Map.copyOf(templates);
  }

  /** The {@code toil:} section as written, with positions, for the alert history's parser. */
  public Optional<YamlTree.Node> toilSection() {
    return toil;
  }

  public Receiver receiver(String name) {
    Receiver receiver = receivers.get(name);
    if (receiver == null) {
      // The parser checks every route's receiver, so this is a bug, not bad input.
      throw new IllegalStateException(file + ": route receiver " + name + " is not defined");
    }
    return receiver;
  }
}
