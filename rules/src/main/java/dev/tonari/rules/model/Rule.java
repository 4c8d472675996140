package dev.tonari.rules.model;

import java.util.Map;

/**
 * One rule of a Prometheus rule group, with a LogQL expression: an alerting rule ({@code alert})
 * or a recording rule ({@code record}).
 */
public sealed interface Rule permits AlertingRule, RecordingRule {
  /** The alert name or the recorded metric name: what the rules API's {@code name} shows. */
  String name();

  /** The expression as written (LogQL metric query; for the generated SLO rules, Sloth's PromQL). */
  String expr();

  /** Labels added to every alert or recorded sample, on top of those of the series the expression yields. */
  Map<String, String> labels();
}
