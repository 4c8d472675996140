package dev.tonari.alerts.toil;

import java.util.Locale;
import java.util.Map;

/**
 * How an alert reaches people, from its labels: {@code sloth_severity} when present (Sloth's
 * burn-rate alerts carry it, and may carry a {@code severity} of the team's own), else {@code
 * severity}. {@code page} or {@code critical} wakes someone: a page. {@code ticket}, {@code
 * warning} or {@code info} waits for working hours: a ticket. Anything else, or no such label, is
 * {@link #OTHER}. Case does not matter.
 */
public enum Severity {
  PAGE,
  TICKET,
  OTHER;

  public static Severity of(Map<String, String> labels) {
    String value = labels.containsKey("sloth_severity") ? labels.get("sloth_severity") : labels.getOrDefault("severity", "");
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "page", "critical" -> PAGE;
      case "ticket", "warning", "info" -> TICKET;
      default -> OTHER;
    };
  }

  /** Lower case, as the reports and the JSON spell it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Severity parse(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
