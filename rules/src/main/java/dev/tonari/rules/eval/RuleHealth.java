package dev.tonari.rules.eval;

import java.util.Locale;

/** Prometheus' rule health: {@code unknown} before the first evaluation, {@code ok}, or {@code err} with a last error. */
public enum RuleHealth {
  UNKNOWN,
  OK,
  ERR;

  /** As the rules API spells it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
