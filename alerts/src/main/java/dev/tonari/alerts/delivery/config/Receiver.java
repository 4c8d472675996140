package dev.tonari.alerts.delivery.config;

import java.util.List;

/** A named receiver and its integrations, notified in order. */
public record Receiver(String name, List<Integration> integrations) {
  public Receiver {
    integrations = List.copyOf(integrations);
  }
}
