package dev.tonari.rules.alert;

import java.util.Locale;

/** Prometheus' alert states. A resolved alert is inactive again. */
public enum AlertState {
  INACTIVE,
  PENDING,
  FIRING;

  /** Lower case, as Prometheus' API and the {@code alertstate} label spell it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
