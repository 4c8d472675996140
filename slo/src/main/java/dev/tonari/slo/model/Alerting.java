package dev.tonari.slo.model;

import java.util.List;
import java.util.Map;

/**
 * Sloth's {@code alerting} block, and OpenSLO's alert policies mapped onto it.
 *
 * @param name the alert name (Sloth {@code alerting.name}); empty when the spec has none, in which
 *     case the conditions still run (state in the API and /metrics) but no alert rule is generated
 * @param labels labels added to every alert of this SLO
 * @param annotations annotations added to every alert of this SLO
 * @param tiers the burn-rate conditions, page and ticket, in evaluation order
 */
public record Alerting(String name, Map<String, String> labels, Map<String, String> annotations, List<BurnRateTier> tiers) {
  public Alerting {
    name = name == null ? "" : name;
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    tiers = List.copyOf(tiers);
  }
}
